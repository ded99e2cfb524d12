#!/bin/sh
# run-disk-bench.sh [XLAT86]
# Disk read throughput, xlat86 against QEMU TCG (qemu-system-i386 -M isapc,
# the same legacy IDE and floppy ports) on the same images: disk_read.asm
# reads a 64 MiB hard disk by PIO (READ MULTIPLE, REP INSW) and a 1.44 MB
# floppy through the FDC FIFO (non-DMA), and the host times each phase
# from the debug console lines.  Prints MB/s per emulator and the ratio.
# A guest `dd` from /dev/sda under Linux (libata's pata_legacy) is timed
# by tests/disk/run-linux-disk-test.sh (xlat86 only: the same -kernel guest
# printed nothing under qemu-system-i386 -M isapc in our runs).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
XLAT86=${1:-$HERE/../../build/xlat86}
QEMU=${QEMU:-qemu-system-i386}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/disk-bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
nasm -f bin -I"$HERE/../guest/" -o "$TMP/rom.bin" "$HERE/disk_read.asm" || exit 1
head -c $((64 << 20)) /dev/urandom > "$TMP/hd.img"
head -c 1474560 /dev/urandom > "$TMP/fd.img"
cat "$TMP/hd.img" > /dev/null   # page cache warm for both

now() { date +%s.%N; }
# run NAME COMMAND...: times "hd done" and "fd done" on the debug console
run() {
    name=$1
    shift
    out=$TMP/$name.txt
    : > "$out"
    t0=$(now)
    "$@" > /dev/null 2>&1 &
    pid=$!
    thd=""
    while kill -0 $pid 2>/dev/null; do
        if [ -z "$thd" ] && grep -q "hd done" "$out"; then thd=$(now); fi
        sleep 0.01
    done
    t1=$(now)
    [ -z "$thd" ] && grep -q "hd done" "$out" && thd=$t1
    grep -q "fd done" "$out" || { echo "$name: did not finish"; return 1; }
    awk -v n="$name" -v a="$t0" -v b="$thd" -v c="$t1" 'BEGIN {
        printf "%-8s hd %7.1f MB/s (%.2f s)   fd %6.2f MB/s (%.2f s)\n",
               n, 64 * 1.048576 / (b - a), b - a, 1.47456 / (c - b), c - b }' | tee "$TMP/$name.res"
    echo "$t0 $thd $t1" > "$TMP/$name.t"
}
run xlat86 "$XLAT86" -bios "$TMP/rom.bin" -display none -serial none -m 16 \
    -debugcon "file:$TMP/xlat86.txt" -hda "$TMP/hd.img" -fda "$TMP/fd.img" -snapshot
if command -v "$QEMU" > /dev/null; then
    run qemu "$QEMU" -M isapc -accel tcg -nodefaults -display none -m 16 -bios "$TMP/rom.bin" \
        -debugcon "file:$TMP/qemu.txt" -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -drive "file=$TMP/hd.img,format=raw,if=ide" -drive "file=$TMP/fd.img,format=raw,if=floppy" \
        -snapshot
    read -r a b c < "$TMP/xlat86.t"
    read -r d e f < "$TMP/qemu.t"
    awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v e="$e" -v f="$f" 'BEGIN {
        printf "speed vs QEMU TCG: hd %.2fx, fd %.2fx\n", (e - d) / (b - a), (f - e) / (c - b) }'
fi
