#!/bin/sh
# bench.sh [ROM] [CSV]: run one guest ROM (default: the CPU benchmark,
# build/tests/bench/bench.bin) under every engine, one after the other:
# xlat86 -accel dbt, dbt,inline=off, kvm, kvm,kernel-irqchip=on, and QEMU
# TCG and QEMU KVM (-M isapc) when qemu-system-i386 is installed. Prints a
# table (engine, exit status, wall seconds, slowdown vs the fastest run,
# speed-up vs dbt,inline=off) and writes it as CSV (default bench.csv).
# No timing is asserted; an engine that fails shows its exit status.
# Environment: XLAT86 (default build/xlat86), QEMU, BENCH_TIMEOUT (s, 120).
# bench.sh micro [ARGS]: the micro-workloads (ns per operation per engine,
# CSV and PNG chart) through `xlat86 bench ARGS` (frontend/bench.c).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
X=${XLAT86:-$ROOT/build/xlat86}
if [ "${1:-}" = micro ]; then shift; exec "$X" bench "$@"; fi
ROM=${1:-$ROOT/build/tests/bench/bench.bin}
CSV=${2:-bench.csv}
QEMU=${QEMU:-qemu-system-i386}
T=${BENCH_TIMEOUT:-120}
[ -f "$ROM" ] || { echo "xlat86: bench: $ROM: no such ROM" >&2; exit 2; }
[ -x "$X" ] || { echo "xlat86: bench: $X: not built" >&2; exit 2; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
now() { date +%s.%N; }
: > "$TMP/res"
run() {
    name=$1; shift
    t0=$(now)
    timeout "$T" "$@" > /dev/null 2> "$TMP/err"
    st=$?
    t1=$(now)
    echo "$name $st $(echo "$t1 $t0" | awk '{printf "%.3f", $1 - $2}')" >> "$TMP/res"
}
XA="-bios $ROM -display none -serial none -debugcon null -m 16"
run dbt "$X" $XA -accel dbt
run dbt-inline-off "$X" $XA -accel dbt,inline=off
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
    run kvm "$X" $XA -accel kvm
    run kvm-irqchip "$X" $XA -accel kvm,kernel-irqchip=on
fi
if command -v "$QEMU" > /dev/null; then
    QA="-M isapc -nodefaults -m 16 -display none -bios $ROM -debugcon null -device isa-debug-exit,iobase=0xf4,iosize=4"
    run qemu-tcg "$QEMU" $QA -accel tcg
    [ -r /dev/kvm ] && run qemu-kvm "$QEMU" $QA -accel kvm
fi
awk -v csv="$CSV" '
    { n[NR] = $1; st[NR] = $2; s[NR] = $3; if (min == "" || $3 < min) min = $3; if ($1 == "dbt-inline-off") ref = $3 }
    END {
        printf "%-16s %6s %10s %12s %14s\n", "engine", "status", "seconds", "vs fastest", "vs inline=off"
        print "engine,status,seconds,vs_fastest,speedup_vs_inline_off" > csv
        for (i = 1; i <= NR; i++) {
            a = min > 0 ? s[i] / min : 0; b = s[i] > 0 ? ref / s[i] : 0
            printf "%-16s %6d %10.3f %11.2fx %13.2fx\n", n[i], st[i], s[i], a, b
            printf "%s,%d,%.3f,%.3f,%.3f\n", n[i], st[i], s[i], a, b > csv
        }
    }' "$TMP/res"
echo "CSV: $CSV"
