#!/bin/sh
# Install the Debian packages xlat86 needs to build and test. Idempotent and
# quiet when everything is already there. Usage: scripts/install-deps.sh [--peers]
#   --peers  also install seabios (benchmarks boot QEMU with its BIOS)
set -e
PKGS="build-essential cmake ninja-build pkg-config nasm gcc-multilib
libcapstone-dev libelf-dev libsdl2-dev libcmocka-dev
qemu-system-x86 bochs bochs-term bochsbios
clang libclang-rt-14-dev"
# clang, libclang-rt-14-dev (libFuzzer): the device fuzz targets of tests/fuzz
# qemu-system-x86, bochs: the peers of tests/oracle (ctest oracle/bounded);
# bochs-term is the display Debian's bochs can run without X (the oracle
# never shows it)
if [ "$1" = "--peers" ]; then
    PKGS="$PKGS seabios"
fi
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1
    fi
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
