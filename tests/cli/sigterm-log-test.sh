#!/bin/sh
# sigterm-log-test.sh XLAT86 - a run interrupted by SIGTERM, SIGINT or SIGHUP
# keeps its -D log: xlat86 leaves through the machine loop, closes the log
# (non-empty, ending with a complete line), says "xlat86: terminating on
# signal N" (QEMU's words) and exits with status 128 + N.
# The guest is a ROM generated here: NOPs and, at the reset vector, a
# `jmp $`, logged with -d in_asm,exec (a line per block entry).
set -u
XLAT86=${1:?usage: sigterm-log-test.sh PATH/TO/xlat86}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/xlat86-sig.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
ROM=$TMP/loop.bin
{ head -c 65520 /dev/zero | tr '\0' '\220'; printf '\353\376'; head -c 14 /dev/zero; } >"$ROM"
fails=0

for pair in TERM:15 INT:2 HUP:1; do
    sig=${pair%:*} num=${pair#*:}
    log=$TMP/$sig.log
    "$XLAT86" -bios "$ROM" -display none -serial none -d in_asm,exec -D "$log" \
        </dev/null >/dev/null 2>"$TMP/err" &
    pid=$!
    sleep 1
    kill -s "$sig" "$pid"
    # a stuck process fails the case instead of hanging ctest
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
    kill -0 "$pid" 2>/dev/null && kill -s KILL "$pid"
    wait "$pid"
    status=$?
    problem=
    if [ "$status" -ne $((128 + num)) ]; then
        problem="exit status $status, expected $((128 + num))"
    elif [ "$(cat "$TMP/err")" != "xlat86: terminating on signal $num" ]; then
        problem="stderr is not 'xlat86: terminating on signal $num'"
    elif [ ! -s "$log" ]; then
        problem="the -D log is empty"
    elif [ "$(tail -c 1 "$log" | od -An -c | tr -d ' ')" != '\n' ]; then
        problem="the -D log ends in the middle of a line"
    elif ! grep -q '^IN: ' "$log" || ! grep -q '^Trace ' "$log"; then
        problem="the -D log lacks the in_asm or exec lines"
    fi
    if [ -n "$problem" ]; then
        fails=$((fails + 1))
        echo "FAIL SIG$sig: $problem"
        sed 's/^/    stderr: /' "$TMP/err" | head -n 3
    else
        echo "ok   SIG$sig: status $status, log $(wc -l <"$log") lines"
    fi
done
[ "$fails" -eq 0 ]
