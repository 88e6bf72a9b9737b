#!/usr/bin/env bash
# Install the grading sandbox's tools: bubblewrap, and util-linux's prlimit, setpriv and nsenter
# (Debian or Ubuntu; idempotent; needs root). See course_utils/grading/sandbox.py.
set -euo pipefail
missing=0
for tool in bwrap prlimit setpriv nsenter mount; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
done
[ "$missing" -eq 0 ] && exit 0
if [ "$(uname -s)" != Linux ]; then
    echo "The grading sandbox (bubblewrap) needs Linux: grade inside a Linux container or VM." >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Cannot install bubblewrap here (needs root and apt-get): install the packages" \
         "bubblewrap and util-linux with your system's package manager." >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap util-linux >/dev/null
