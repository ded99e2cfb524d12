#!/bin/sh
# stats-test.sh XLAT86 PAGING_BIN - ctest bench/stats: XLAT86_STATS=1 on the
# paging benchmark (tests/bench/paging.asm). Expected figures come from the
# guest's source, not from xlat86: 12000 rounds x (2048-page walk of 8
# instructions + 10 or 11 instructions of round overhead: 8 on even, 9 on
# odd rounds, + dec/jnz) = 196,734,000 instructions before the final
# checksum print; every walk step touches a page not in a 256-entry TLB
# after a CR3 load, so at least 12000 x 2048 = 24,576,000 TLB misses; the
# loop never calls a helper but MOV CR3 (12000 of them). Without the
# variable no "stats:" line may appear.
set -u
X=$1; IMG=$2
T=$(mktemp -d "${TMPDIR:-/tmp}/stats.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
XLAT86_STATS=1 "$X" -bios "$IMG" -display none -serial none -debugcon "file:$T/con" -m 16 2> "$T/err"
[ $? -eq 1 ] || { echo "FAIL: exit status"; cat "$T/err"; exit 1; }
cat "$T/err"
grep -q '^checksum ' "$T/con" || { echo "FAIL: no checksum"; exit 1; }
ic=$(sed -n 's/^stats: \([0-9]*\) guest instructions.*/\1/p' "$T/err")
tlb=$(sed -n 's/^stats: inline TLB misses \([0-9]*\).*/\1/p' "$T/err")
hc=$(sed -n 's/^stats: helper calls \([0-9]*\).*/\1/p' "$T/err")
fail=0
[ -n "$ic" ] && [ "$ic" -ge 196734000 ] && [ "$ic" -le 196834000 ] || { echo "FAIL: instructions $ic"; fail=1; }
[ -n "$tlb" ] && [ "$tlb" -ge 24576000 ] || { echo "FAIL: TLB misses $tlb"; fail=1; }
[ -n "$hc" ] && [ "$hc" -ge 12000 ] && [ "$hc" -le 100000 ] || { echo "FAIL: helper calls $hc"; fail=1; }
grep -q '^stats: run-loop dispatches' "$T/err" || { echo "FAIL: no dispatch line"; fail=1; }
"$X" -bios "$IMG" -display none -serial none -debugcon "file:$T/con2" -m 16 2> "$T/err2"
if grep -q '^stats:' "$T/err2"; then echo "FAIL: stats printed without XLAT86_STATS"; fail=1; fi
[ $fail -eq 0 ] && echo PASS
exit $fail
