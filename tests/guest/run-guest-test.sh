#!/bin/sh
# run-guest-test.sh XLAT86 ROM EXPECTED MODE
# Boots ROM (a tests/guest firmware image) under xlat86 with a deterministic
# clock and compares its debug-console output with EXPECTED (captured from
# QEMU by capture-expected.sh).  MODE: inline (-accel dbt) or noinline
# (-accel dbt,inline=off).  Passes when xlat86 exits with status 1 (the guest
# wrote 0 to port 0xF4) and the output matches; otherwise prints why and the
# diff.  GUEST_TIMEOUT (seconds, default 60) bounds the run.
set -u
if [ $# -ne 4 ]; then
    echo "usage: $0 XLAT86 ROM EXPECTED inline|noinline" >&2
    exit 2
fi
XLAT86=$1
ROM=$2
EXPECTED=$3
case $4 in
    inline)   ACCEL=dbt ;;
    noinline) ACCEL=dbt,inline=off ;;
    *) echo "$0: MODE must be inline or noinline, not '$4'" >&2; exit 2 ;;
esac
for f in "$XLAT86" "$ROM" "$EXPECTED"; do
    if [ ! -e "$f" ]; then echo "FAIL: $f does not exist"; exit 1; fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/guest-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
OUT=$TMP/out.txt
: > "$OUT"

timeout -k 5 "${GUEST_TIMEOUT:-60}" "$XLAT86" -bios "$ROM" -display none \
    -serial none -debugcon "file:$OUT" -icount 0 -m 16 -accel "$ACCEL" \
    > "$TMP/stdout" 2> "$TMP/stderr"
status=$?

fail=0
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
    echo "FAIL: timed out after ${GUEST_TIMEOUT:-60} s"
    fail=1
elif [ $status -ne 1 ]; then
    echo "FAIL: exit status $status, expected 1 (guest writes 0 to port 0xF4)"
    fail=1
fi
if ! diff -u "$EXPECTED" "$OUT" > "$TMP/diff"; then
    echo "FAIL: debug console output differs from $EXPECTED"
    head -n 200 "$TMP/diff"
    lines=$(wc -l < "$TMP/diff")
    [ "$lines" -gt 200 ] && echo "... ($lines diff lines in all)"
    fail=1
fi
if [ $fail -ne 0 ]; then
    if [ -s "$TMP/stderr" ]; then
        echo "--- xlat86 stderr (last 30 lines):"
        tail -n 30 "$TMP/stderr"
    fi
    exit 1
fi
echo "PASS: $(basename "$ROM") ($4)"
exit 0
