#!/bin/sh
# run-cd-boot-bench.sh [XLAT86] [REPS]
# Boot time of the ISOLINUX CD that the disk tests build
# (tests/disk/make-linux-media.sh around the Linux test guest of
# scripts/build-linux-guest.sh): SeaBIOS -> El Torito -> ISOLINUX ->
# kernel + initrd -> the guest's shell prompt "xlat86# " on COM1, under
# xlat86 and under QEMU TCG (qemu-system-i386 -M pc, same RAM, PCI VGA,
# CD on the secondary master) when it is installed. Each boot is timed
# from the launch to the prompt on the serial file (polled every 10 ms),
# in wall seconds and in the process's CPU seconds (user + system of all
# its threads, /proc/PID/stat, at that moment: less disturbed by a loaded
# machine); REPS boots each (default 3), the medians are printed with the
# ratios (QEMU / xlat86: above 1 means xlat86 is faster). No assertions:
# a benchmark, not a test (docs/PERFORMANCE.md).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
XLAT86=${1:-$HERE/../../build/xlat86}
REPS=${2:-3}
QEMU=${QEMU:-qemu-system-i386}
BIOS=${XLAT86_SEABIOS:-/usr/share/seabios/bios.bin}
LIMIT=${LIMIT:-300}          # seconds per boot
for t in xorriso mformat syslinux grub-mkrescue; do
    command -v $t > /dev/null || { echo "$t missing (scripts/install-deps.sh)"; exit 1; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cd-bench.XXXXXX") || exit 1
PID=""
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
GUEST=$(sh "$HERE/../../scripts/build-linux-guest.sh" 2> "$TMP/guest.err") ||
    { echo "the Linux guest could not be built:"; tail -3 "$TMP/guest.err"; exit 1; }
BZ=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
RD=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
sh "$HERE/../disk/make-linux-media.sh" "$TMP/m" "$BZ" "$RD" > "$TMP/mk.log" 2>&1 ||
    { cat "$TMP/mk.log"; echo "building the media failed"; exit 1; }
ISO=$TMP/m/isolinux-cd.iso
cat "$ISO" > /dev/null       # page cache warm for both

now() { date +%s.%N; }
HZ=$(getconf CLK_TCK)
# one NAME COMMAND...: "WALL CPU" seconds from launch to "xlat86# " on $TMP/NAME.txt
one() {
    name=$1
    shift
    : > "$TMP/$name.txt"
    t0=$(now)
    "$@" > /dev/null 2>&1 &
    PID=$!
    t1=""
    while kill -0 $PID 2>/dev/null; do
        if grep -q "xlat86# " "$TMP/$name.txt"; then
            t1=$(now)
            cpu=$(awk -v hz="$HZ" '{ sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
                  "/proc/$PID/stat")
            break
        fi
        if awk -v a="$t0" -v b="$(now)" -v l="$LIMIT" 'BEGIN { exit !(b - a > l) }'; then break; fi
        sleep 0.01
    done
    kill -9 $PID 2>/dev/null
    wait $PID 2>/dev/null
    PID=""
    [ -n "$t1" ] || { echo "$name: no shell prompt within $LIMIT s" >&2; return 1; }
    awk -v a="$t0" -v b="$t1" -v c="$cpu" 'BEGIN { printf "%.2f %s\n", b - a, c }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
bench() {   # NAME COMMAND...: REPS boots, prints each and the median
    name=$1
    : > "$TMP/$name.times"
    i=0
    while [ $i -lt "$REPS" ]; do
        t=$(one "$@") || return 1
        echo "$t" >> "$TMP/$name.times"
        i=$((i + 1))
    done
    m=$(cut -d' ' -f1 < "$TMP/$name.times" | median)
    c=$(cut -d' ' -f2 < "$TMP/$name.times" | median)
    printf "%-8s ISOLINUX CD to the shell: median %6.2f s wall, %6.2f s cpu  (runs: %s)\n" \
        "$name" "$m" "$c" "$(awk '{ printf "%s/%s ", $1, $2 }' "$TMP/$name.times")"
    echo "$m $c" > "$TMP/$name.median"
}
bench xlat86 "$XLAT86" -bios "$BIOS" -display none -m 256 -snapshot \
    -serial "file:$TMP/xlat86.txt" -cdrom "$ISO" -boot d || exit 1
if command -v "$QEMU" > /dev/null; then
    bench qemu "$QEMU" -M pc -accel tcg -nodefaults -vga std -display none -m 256 -snapshot \
        -bios "$BIOS" -serial "file:$TMP/qemu.txt" \
        -drive "file=$ISO,format=raw,if=ide,index=2,media=cdrom" -boot d || exit 1
    read -r xw xc < "$TMP/xlat86.median"
    read -r qw qc < "$TMP/qemu.median"
    awk -v xw="$xw" -v xc="$xc" -v qw="$qw" -v qc="$qc" 'BEGIN {
        printf "QEMU TCG / xlat86: %.2fx wall, %.2fx cpu\n", qw / xw, qc / xc }'
else
    echo "($QEMU not installed: no comparison)"
fi
