#!/bin/sh
# Fetches what the cgroup v2 lab (test/kernel-v2/) needs, from Debian apt. Run as root, after apt-get update.
#   qemu-system-x86        installed (--no-install-recommends)
#   the kernel package linux-image-cloud-amd64 depends on, and busybox-static:
#                          `apt-get download`ed into .cache/v2lab/ and unpacked there with dpkg-deb -x (NOT installed:
#                          busybox-static would replace the busybox package). Reused when already unpacked.
set -eu
cd "$(dirname "$0")/../.."
cache=.cache/v2lab
mkdir -p "$cache"
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
fi
kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')
[ -n "$kernel_pkg" ] || { echo "fetch-assets: cannot tell which kernel linux-image-cloud-amd64 depends on" >&2; exit 1; }
cd "$cache"
if ! ls kernel/boot/vmlinuz-* >/dev/null 2>&1; then
  rm -rf kernel linux-image-*.deb
  apt-get download "$kernel_pkg" 2>/dev/null
  dpkg-deb -x linux-image-*.deb kernel
fi
if [ ! -x busybox/bin/busybox ]; then
  rm -rf busybox busybox-static*.deb
  apt-get download busybox-static 2>/dev/null
  dpkg-deb -x busybox-static*.deb busybox
fi
echo "v2 lab assets: $(ls kernel/boot/vmlinuz-*), busybox-static, $(qemu-system-x86_64 --version | head -n 1)"
