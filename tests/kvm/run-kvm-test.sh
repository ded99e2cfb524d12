#!/bin/sh
# run-kvm-test.sh XLAT86 ROM EXPECTED [EXTRA-ACCEL-PARAMS [STATUS [ACCEL]]]
# ACCEL (default kvm): dbt runs the same check under the translator.
# Boots a tests/guest ROM under -accel kvm (no -icount: KVM cannot count
# instructions) and compares its debug-console output with EXPECTED, the
# same file the translator's guest tests use (captured from QEMU).  Passes
# when xlat86 exits with STATUS (default 1: the guest wrote 0 to port 0xF4) and the
# output matches.  Exit 77 (ctest: skipped) with a message when /dev/kvm is
# absent or cannot be opened. -vga none: the ROMs probe the empty VGA hole
# and unmapped memory at 0xE0000000 (where -vga std puts its frame buffer).
set -u
XLAT86=$1 ROM=$2 EXPECTED=$3 EXTRA=${4:-} WANT=${5:-1} ACCEL=${6:-kvm}
if [ "$ACCEL" = kvm ] && [ ! -e /dev/kvm ]; then echo "SKIP: no /dev/kvm on this host"; exit 77; fi
if [ "$ACCEL" = kvm ] && { [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then echo "SKIP: /dev/kvm not accessible"; exit 77; fi
# || [ ! -w /dev/kvm ]; then echo "SKIP: /dev/kvm not accessible"; exit 77; fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvm-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
timeout -k 5 "${GUEST_TIMEOUT:-60}" "$XLAT86" -bios "$ROM" -display none -vga none -serial none \
    -debugcon "file:$TMP/out.txt" -m 16 -accel "$ACCEL$EXTRA" > "$TMP/stdout" 2> "$TMP/stderr"
status=$?
if grep -q "cannot create a VM\|cannot create a vCPU" "$TMP/stderr"; then
    echo "SKIP: KVM unusable here: $(head -n 1 "$TMP/stderr")"; exit 77
fi
fail=0
if [ $status -ne "$WANT" ]; then echo "FAIL: exit status $status, expected $WANT"; fail=1; fi
if ! diff -u "$EXPECTED" "$TMP/out.txt" > "$TMP/diff"; then
    echo "FAIL: output differs from $EXPECTED"; head -n 60 "$TMP/diff"; fail=1
fi
if [ $fail -ne 0 ]; then tail -n 5 "$TMP/stderr"; exit 1; fi
echo "PASS: $(basename "$ROM") under -accel $ACCEL$EXTRA"
