#!/usr/bin/env bash
# Install Debian's headless Chromium for the explorer browser tests (idempotent; needs root).
set -euo pipefail
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "Cannot install Chromium here (needs root and apt-get)." >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
