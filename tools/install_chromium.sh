#!/bin/sh
# Install Debian's chromium (headless browser for tests/test_gallery_browser.py)
# when it is missing.  Needs root and apt-get; does nothing if chromium exists.
# Called by the test's fixture when it finds no browser; CI may also call it
# before pytest.
set -eu
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
command -v chromium
