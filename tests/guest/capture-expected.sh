#!/bin/sh
# capture-expected.sh [NAME...]
# Regenerates tests/guest/expected/NAME.txt from QEMU: assembles each
# tests/guest/NAME.asm (all of them by default) with nasm and runs it under
# qemu-system-i386 -accel tcg with the isa-debug-exit device at port 0xF4.
# A run must exit with status 1 (the ROM wrote 0 to port 0xF4) and produce
# the same output twice, or the old expected file is left alone.
# QEMU runs with -serial null so COM1 exists (uart.asm needs it).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-i386}
NASM=${NASM:-nasm}
command -v "$QEMU" > /dev/null || { echo "$QEMU not found" >&2; exit 2; }
command -v "$NASM" > /dev/null || { echo "$NASM not found" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/capture.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

if [ $# -eq 0 ]; then
    set -- $(cd "$HERE" && ls *.asm | sed 's/\.asm$//')
fi
mkdir -p "$HERE/expected"
rc=0
for name in "$@"; do
    rom=$TMP/$name.bin
    if ! "$NASM" -f bin -DQEMU_CAPTURE -I"$HERE/" -o "$rom" "$HERE/$name.asm"; then
        echo "$name: nasm failed"; rc=1; continue
    fi
    for run in 1 2; do
        timeout -k 5 60 "$QEMU" -accel tcg -machine pc -nodefaults -m 16 \
            -display none -serial null -no-reboot \
            -device isa-debug-exit,iobase=0xf4,iosize=4 \
            -debugcon "file:$TMP/$name.$run" -bios "$rom"
        status=$?
        if [ $status -ne 1 ]; then
            echo "$name: QEMU exit status $status (run $run), expected 1"; rc=1; continue 2
        fi
    done
    if ! cmp -s "$TMP/$name.1" "$TMP/$name.2"; then
        echo "$name: output differs between two QEMU runs (timing-dependent?)"; rc=1; continue
    fi
    cp "$TMP/$name.1" "$HERE/expected/$name.txt"
    echo "$name: $(wc -l < "$HERE/expected/$name.txt") lines"
done
exit $rc
