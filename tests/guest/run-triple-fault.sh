#!/bin/sh
# run-triple-fault.sh XLAT86 ROM EXPECTED inline|noinline
# Runs double_fault.asm's ROM with -no-reboot: its last case triple-faults,
# and xlat86 must then stop (exit status 0) and print "triple fault" and the
# CPU state on stderr instead of resetting (SDM vol. 3, 6.15: shutdown; QEMU's
# -no-reboot does the same).  The debug-console output must equal EXPECTED
# (the lines before the reset).
set -u
if [ $# -ne 4 ]; then
    echo "usage: $0 XLAT86 ROM EXPECTED inline|noinline" >&2
    exit 2
fi
case $4 in
    inline)   ACCEL=dbt ;;
    noinline) ACCEL=dbt,inline=off ;;
    *) echo "$0: MODE must be inline or noinline" >&2; exit 2 ;;
esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/triple.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
: > "$TMP/out.txt"
timeout -k 5 "${GUEST_TIMEOUT:-60}" "$1" -bios "$2" -display none -serial none \
    -debugcon "file:$TMP/out.txt" -icount 0 -m 16 -accel "$ACCEL" -no-reboot \
    > "$TMP/stdout" 2> "$TMP/stderr"
status=$?
fail=0
if [ $status -ne 0 ]; then
    echo "FAIL: exit status $status, expected 0 (stopped at the triple fault)"; fail=1
fi
if ! grep -q "triple fault" "$TMP/stderr" || ! grep -q "^EIP=" "$TMP/stderr"; then
    echo "FAIL: no triple-fault report with the CPU state on stderr"; fail=1
fi
if ! diff -u "$3" "$TMP/out.txt"; then
    echo "FAIL: debug console output differs from $3"; fail=1
fi
if [ $fail -ne 0 ]; then
    tail -n 20 "$TMP/stderr"
    exit 1
fi
echo "PASS: triple fault stops the run with -no-reboot ($4)"
exit 0
