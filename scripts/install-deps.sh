#!/bin/sh
# Install the Debian packages xlat86 needs to build and test. Idempotent and
# quiet when everything is already there. Usage: scripts/install-deps.sh
set -e
PKGS="build-essential cmake ninja-build pkg-config nasm gcc-multilib
libcapstone-dev libelf-dev libsdl2-dev libcmocka-dev
qemu-system-x86 bochs bochs-term bochsbios seabios
gdb libpng-dev
vgabios xvfb xdotool imagemagick libncurses-dev tmux
gnuplot-nox clang libclang-rt-14-dev
time valgrind linux-perf
openbox"
# vgabios: the LGPL VGA BIOS that Bochs' BIOS gets at 0xC0000 (devices/vga_pci.c);
# xvfb, xdotool, imagemagick: test display/sdl (an SDL window under Xvfb);
# openbox: a window manager for test display/fullscreen (full-screen requests)
# libncurses-dev: -display curses (ncursesw); tmux: test display/curses
# clang, libclang-rt-14-dev (libFuzzer): the device fuzz targets of tests/fuzz
# time, valgrind, linux-perf: tests/bench/run-all.sh (GNU time -v for peak
# RSS), host instructions per guest instruction, the perf profile
# gnuplot-nox: the bar chart (PNG) of xlat86 bench / scripts/bench.sh
# gdb: the GDB stub's test (ctest boot/gdb) drives Debian's gdb in batch mode
# seabios: xlat86's default firmware (bios.bin) and tests boot/seabios*;
# bochsbios: test boot/bochs-bios; libpng-dev: screendump PNGs
# qemu-system-x86, bochs: the peers of tests/oracle (ctest oracle/bounded);
# bochs-term is the display Debian's bochs can run without X (the oracle
# never shows it)
# Disks (tests/disk): SeaBIOS boots the test media; xorriso builds the El
# Torito CDs; mtools + syslinux, isolinux, grub-pc-bin build the syslinux
# floppy/disk, ISOLINUX CD and GRUB rescue CD images; python3 makes and
# checks pattern images.
PKGS="$PKGS python3 xorriso mtools syslinux syslinux-common isolinux grub-pc-bin grub-common"
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
