#!/bin/sh
# run-bench.sh [BUILD_DIR] [IMAGE]
# IMAGE: another benchmark guest built by CMake, e.g. tests/bench/paging.bin
# (the paging benchmark); default tests/bench/bench.bin.
# Times the benchmark guest (tests/bench, a 64 KiB firmware image) under
#   xlat86 -accel dbt, xlat86 -accel dbt,inline=off, and qemu-system-i386
#   -accel tcg (when installed),
# one after the other (never two at once), checks that every engine printed
# the same checksum and exited with status 1, and prints wall times and
# ratios.  BUILD_DIR (default: ./build) is a CMake build directory: its
# tests/bench/bench.bin is used, or built with `ninja bench-rom`/`make`, or,
# failing that, built here directly with gcc -m32, nasm and ld.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-build}
XLAT86=$BUILD/xlat86
IMG=${2:-$BUILD/tests/bench/bench.bin}
QEMU=${QEMU:-qemu-system-i386}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM

if [ ! -f "$IMG" ] && [ -d "$BUILD" ]; then
    cmake --build "$BUILD" --target bench-rom > /dev/null 2>&1
fi
if [ ! -f "$IMG" ]; then
    echo "building the image directly in $TMP"
    IMG=$TMP/bench.bin
    gcc -m32 -march=i686 -O2 -ffreestanding -fno-builtin -nostdlib -fno-pic \
        -fno-pie -fno-stack-protector -fno-asynchronous-unwind-tables \
        -c "$HERE/bench.c" -o "$TMP/bench.o" &&
    nasm -f elf32 -o "$TMP/entry.o" "$HERE/entry.asm" &&
    ld -m elf_i386 -nostdlib -T "$HERE/bench.ld" -o "$TMP/bench.elf" \
        "$TMP/entry.o" "$TMP/bench.o" &&
    objcopy -O binary "$TMP/bench.elf" "$IMG" || { echo "build failed" >&2; exit 2; }
fi

now() { date +%s.%N; }

# run NAME COMMAND... : time one engine, record its checksum line
results=""
run() {
    name=$1; shift
    out=$TMP/$name.txt
    : > "$out"
    t0=$(now)
    "$@" > "$TMP/$name.stdout" 2> "$TMP/$name.stderr"
    status=$?
    t1=$(now)
    secs=$(echo "$t1 $t0" | awk '{ printf "%.3f", $1 - $2 }')
    sum=$(grep '^checksum ' "$out" | tail -n 1 | cut -d' ' -f2)
    [ -n "$sum" ] || sum=none
    if [ $status -ne 1 ]; then
        echo "$name: exit status $status (expected 1)"
        tail -n 5 "$TMP/$name.stderr"
    fi
    results="$results$name $secs $sum $status
"
}

if [ -x "$XLAT86" ]; then
    run xlat86-inline timeout 600 "$XLAT86" -bios "$IMG" -display none -serial none \
        -debugcon "file:$TMP/xlat86-inline.txt" -m 16 -accel dbt
    run xlat86-noinline timeout 600 "$XLAT86" -bios "$IMG" -display none -serial none \
        -debugcon "file:$TMP/xlat86-noinline.txt" -m 16 -accel dbt,inline=off
else
    echo "no xlat86 at $XLAT86: timing QEMU only"
fi
if command -v "$QEMU" > /dev/null; then
    run qemu-tcg timeout 600 "$QEMU" -accel tcg -machine pc -nodefaults -m 16 \
        -display none -bios "$IMG" -debugcon "file:$TMP/qemu-tcg.txt" \
        -device isa-debug-exit,iobase=0xf4,iosize=4
else
    echo "$QEMU not installed: no QEMU column"
fi
[ -n "$results" ] || { echo "nothing ran"; exit 2; }

printf '%s' "$results" | awk '
    { name[NR] = $1; secs[NR] = $2; sum[NR] = $3; st[NR] = $4; t[$1] = $2 }
    END {
        printf "%-18s %10s  %-10s %s\n", "engine", "seconds", "checksum", "vs qemu-tcg"
        for (i = 1; i <= NR; i++) {
            r = ("qemu-tcg" in t && t["qemu-tcg"] > 0) ? sprintf("%.2fx time", secs[i] / t["qemu-tcg"]) : "-"
            printf "%-18s %10s  %-10s %s\n", name[i], secs[i], sum[i], r
        }
        if ("xlat86-inline" in t && "xlat86-noinline" in t && t["xlat86-inline"] > 0)
            printf "inline speed-up over noinline: %.2fx\n", t["xlat86-noinline"] / t["xlat86-inline"]
        ok = 1
        for (i = 1; i <= NR; i++)
            if (sum[i] != sum[1] || sum[i] == "none" || st[i] != 1) ok = 0
        print ok ? "checksums agree" : "MISMATCH: checksums differ or a run failed"
        exit ok ? 0 : 1
    }'
