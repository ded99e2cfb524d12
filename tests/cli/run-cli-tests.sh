#!/bin/sh
# run-cli-tests.sh XLAT86 - what a person sees when the command line or the
# firmware is wrong: exit status 2 and exactly one line on stderr that
# starts with "xlat86: " and names the problem; --help/--version exit 0.
#
# Every run has a timeout and stdin from /dev/null, so a machine that
# starts when it should not makes a case fail instead of hanging ctest.
set -u

XLAT86=${1:?usage: run-cli-tests.sh PATH/TO/xlat86}
[ -x "$XLAT86" ] || { echo "run-cli-tests: $XLAT86 is not an executable" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/xlat86-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fails=0
total=0

run() {   # run ARGS... : sets $status, $TMP/out, $TMP/err
    timeout 20 "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
    status=$?
}

bad() {
    # bad NAME PATTERN ARGS... : exit 2, one stderr line "xlat86: ..." matching PATTERN
    name=$1 pattern=$2
    shift 2
    total=$((total + 1))
    run "$XLAT86" "$@"
    lines=$(wc -l <"$TMP/err")
    first=$(head -n 1 "$TMP/err")
    problem=
    if [ "$status" -ne 2 ]; then
        problem="exit status $status, expected 2"
    elif [ "$lines" -ne 1 ]; then
        problem="$lines lines on stderr, expected 1"
    else
        case $first in
        "xlat86: "*) ;;
        *) problem="stderr does not start with 'xlat86: '" ;;
        esac
        if [ -z "$problem" ] && ! printf '%s\n' "$first" | grep -q -- "$pattern"; then
            problem="stderr does not match '$pattern'"
        fi
    fi
    report "$name" "$problem"
}

good() {
    # good NAME PATTERN ARGS... : exit 0, stdout matching PATTERN, stderr empty
    name=$1 pattern=$2
    shift 2
    total=$((total + 1))
    run "$XLAT86" "$@"
    problem=
    if [ "$status" -ne 0 ]; then
        problem="exit status $status, expected 0"
    elif [ -s "$TMP/err" ]; then
        problem="unexpected stderr"
    elif ! grep -q -- "$pattern" "$TMP/out"; then
        problem="stdout does not match '$pattern'"
    fi
    report "$name" "$problem"
}

report() {
    if [ -n "$2" ]; then
        fails=$((fails + 1))
        echo "FAIL $1: $2"
        sed 's/^/    stderr: /' "$TMP/err" | head -n 5
    else
        echo "ok   $1"
    fi
}

# --- informational options ---------------------------------------------------
good "--version"          '^xlat86 [0-9][0-9.]*$' --version
good "-version"           '^xlat86 [0-9]' -version
good "--help"             '^usage: xlat86' --help
good "-h lists -bios"     '^-bios FILE' -h
good "-h lists -accel"    '^-accel dbt' -h
good "-h lists -monitor"  '^-monitor SPEC' -h
good "-d help"            '^in_asm' -d help
good "-device help"       'isa-debugcon' -device help

# --- bad options ---------------------------------------------------------------
bad "unknown option"      '-frobnicate: unknown option' -frobnicate
bad "stray argument"      'disk.img' disk.img
bad "missing argument"    '-bios: missing argument' -bios
bad "-m abc"              '-m abc' -m abc
bad "-m too big"          '-m 4096' -m 4096
bad "-d bogus"            "-d bogus.*'bogus'" -d bogus
bad "-serial bogus"       '-serial bogus' -serial bogus
bad "-chardev bad"        '-chardev pty,id=x' -chardev pty,id=x
bad "undefined chardev"   "chardev 'nope' is not defined" -device isa-debugcon,chardev=nope
bad "-icount 11"          '-icount 11' -icount 11
bad "-accel kvm -icount" '^xlat86: -icount: not with -accel kvm' -accel kvm -icount 0
bad "-display gtk"        '^xlat86: -display gtk: not available (use sdl, curses or none)$' -display gtk
bad "-gdb foo"             "^xlat86: -gdb foo: use tcp::PORT, tcp:HOST:PORT or unix:PATH$" -gdb foo
bad "-gdb tcp::0"          "^xlat86: -gdb tcp::0: bad port '0'$" -gdb tcp::0
bad "-gdb tcp::99999"      "^xlat86: -gdb tcp::99999: bad port" -gdb tcp::99999
bad "-monitor foo"        '^xlat86: -monitor foo: unknown monitor' -monitor foo
bad "-monitor unix: client" '-monitor unix:/tmp/x.sock: only a listening socket' -monitor unix:/tmp/x.sock
bad "-monitor bad param"  "unknown parameter 'bogus'" -monitor unix:/tmp/x.sock,server,bogus
bad "-monitor no dir"     "-monitor unix:.*no/such/dir/m.sock,server,nowait: cannot listen" \
                          -monitor "unix:$TMP/no/such/dir/m.sock,server,nowait" -serial none
bad "-loadvm missing"     "^xlat86: -loadvm $TMP/no-such-state: " -loadvm "$TMP/no-such-state" -serial none
printf 'x' >"$TMP/rom.bin"   # exists: the -D error comes before pc_init looks inside
bad "-D unwritable"       '-D .*no/such/dir/log' -D "$TMP/no/such/dir/log" -bios "$TMP/rom.bin" -serial none

# --- firmware: a path that is no file is caught by main; the contents of
# --- the image (empty, too big) by pc_init, whose message must name the file.
: >"$TMP/empty.bin"
bad "-bios nonexistent"   '-bios .*does-not-exist.bin' -bios "$TMP/does-not-exist.bin" -serial none
bad "-bios empty file"    'empty.bin' -bios "$TMP/empty.bin" -serial none
bad "-bios directory"     '-bios .*not a regular file' -bios "$TMP" -serial none

# --- the default ROM cannot be found -------------------------------------------
# A copy of the executable with no roms/ beside it and no XLAT86_ROM_DIR: the
# demo ROM is what -kernel runs with when no -bios is given.
mkdir "$TMP/bin" && cp "$XLAT86" "$TMP/bin/xlat86"
total=$((total + 1))
(unset XLAT86_ROM_DIR; run "$TMP/bin/xlat86" -kernel "$TMP/rom.bin" -serial none; echo "$status" >"$TMP/status")
status=$(cat "$TMP/status")
problem=
if [ "$status" -ne 2 ]; then
    problem="exit status $status, expected 2"
elif [ "$(cat "$TMP/err")" != "xlat86: default ROM demo.bin not found (build the roms target or pass -bios FILE)" ]; then
    problem="unexpected message"
fi
report "default ROM missing" "$problem"

# --- the default firmware (SeaBIOS) cannot be found ------------------------------
total=$((total + 1))
(export XLAT86_SEABIOS="$TMP/no-seabios.bin"; run "$XLAT86" -serial none; echo "$status" >"$TMP/status")
status=$(cat "$TMP/status")
problem=
if [ "$status" -ne 2 ]; then
    problem="exit status $status, expected 2"
elif [ "$(cat "$TMP/err")" != "xlat86: default firmware $TMP/no-seabios.bin not found: install the seabios package or give -bios FILE" ]; then
    problem="unexpected message: $(cat "$TMP/err")"
fi
report "default SeaBIOS missing" "$problem"

# --- -fw_cfg ----------------------------------------------------------------------
bad "-fw_cfg no name"       '-fw_cfg file=x: name= is required' -fw_cfg file=x -bios "$TMP/rom.bin" -serial none
bad "-fw_cfg file+string"   'exactly one of file= and string=' -fw_cfg name=opt/a,file=x,string=y -bios "$TMP/rom.bin" -serial none
bad "-fw_cfg no value"      'exactly one of file= and string=' -fw_cfg name=opt/a -bios "$TMP/rom.bin" -serial none
bad "-fw_cfg unknown key"   "unknown parameter 'size'" -fw_cfg name=opt/a,size=3 -bios "$TMP/rom.bin" -serial none
bad "-fw_cfg long name"     'name longer than 55' -fw_cfg name=opt/0123456789012345678901234567890123456789012345678901234,string=x -bios "$TMP/rom.bin" -serial none
bad "-fw_cfg missing file"  '-fw_cfg name=opt/a,file=.*nothere: No such file' -fw_cfg name=opt/a,file="$TMP/nothere" -bios "$TMP/rom.bin" -serial none
bad "-fw_cfg directory"     'not a regular file' -fw_cfg name=opt/a,file="$TMP" -bios "$TMP/rom.bin" -serial none

echo "$((total - fails))/$total passed"
[ "$fails" -eq 0 ]
