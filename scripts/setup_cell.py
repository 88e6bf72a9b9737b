# Set-up: on Colab, or anywhere the course is not installed yet, this installs it (a minute or
# two); where it is installed already, it does nothing. Run it first.
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("course_utils") is None:
    source = os.environ.get("COURSE_INSTALL_FROM", "git+https://github.com/OWNER/cnn-course")
    print(f"Installing the course from {source} ...")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"Could not install the course from {source}:\n{done.stderr}")
    importlib.invalidate_caches()
