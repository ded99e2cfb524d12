#!/bin/sh
# run-disk-test.sh MODE XLAT86 ROMDIR
# The disk devices under the whole emulator, driven by firmware-less ROMs
# (disk_rom.asm, disk_stress.asm; no BIOS needed) on pattern images built
# by make-images.py.  MODE:
#   rom       disk_rom.bin on -hda/-cdrom/-fda: its output must equal
#             expected/disk_rom.txt, whose data sums make-images.py --sums
#             recomputes here from the images (independent of any
#             emulator); after exit the images must hold exactly the
#             guest's writes (ATA LBA 4096..4111, floppy C2 H1 R3) and
#             nothing else changed
#   snapshot  the same run with -snapshot: the images stay byte-identical
#   sigkill   disk_stress.bin rewrites 64 sectors again and again; killed
#             with SIGKILL, every sector must hold one generation only
#   lock      while one xlat86 writes an image, a second xlat86 (and
#             qemu-system-i386 if installed) is refused; QEMU holding it
#             refuses xlat86 too; readonly=on and -snapshot may share it
#   badimage  empty, wrong-size floppy, directory, missing, unreadable
#             images: one line "xlat86: ...", exit status 2
set -u
MODE=$1
XLAT86=$2
ROMS=$3
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/disk-test.XXXXXX") || exit 1
PIDS=""
cleanup() {
    for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

python3 "$HERE/make-images.py" "$TMP" --sums > "$TMP/sums.txt" || fail "make-images.py"
cp "$TMP/hd.img" "$TMP/hd.orig"
cp "$TMP/fd.img" "$TMP/fd.orig"
cp "$TMP/cd.iso" "$TMP/cd.orig"

run_rom() {   # extra options...
    timeout -k 5 60 "$XLAT86" -bios "$ROMS/disk_rom.bin" -display none -serial none \
        -debugcon "file:$TMP/out.txt" -icount 0 -m 16 \
        -hda "$TMP/hd.img" -cdrom "$TMP/cd.iso" -fda "$TMP/fd.img" "$@" \
        > "$TMP/stdout" 2> "$TMP/stderr"
    st=$?
    [ $st -eq 1 ] || { cat "$TMP/stderr"; fail "exit status $st (want 1)"; }
    if ! diff -u "$HERE/expected/disk_rom.txt" "$TMP/out.txt"; then
        fail "output differs from expected/disk_rom.txt"
    fi
    # Every data sum the ROM printed is the one computed from the image.
    while IFS= read -r line; do
        key=${line% sum *}
        sum=${line##* }
        grep -q "^$key.* sum $sum" "$TMP/out.txt" || fail "no '$line' in the output"
    done < "$TMP/sums.txt"
}

case $MODE in
rom)
    run_rom
    python3 - "$TMP" <<'PY' || fail "image contents after the run"
import struct, sys
d = sys.argv[1]
hd, orig = open(d + "/hd.img", "rb").read(), open(d + "/hd.orig", "rb").read()
assert len(hd) == len(orig)
want = b"".join(struct.pack("<I", 0x57000000 + k) for k in range(16 * 128))
assert hd[4096 * 512:4112 * 512] == want, "ATA WRITE MULTIPLE data"
assert hd[:4096 * 512] == orig[:4096 * 512] and hd[4112 * 512:] == orig[4112 * 512:], \
    "sectors outside 4096..4111 changed"
fd, forig = open(d + "/fd.img", "rb").read(), open(d + "/fd.orig", "rb").read()
off = ((2 * 2 + 1) * 18 + 2) * 512
assert fd[off:off + 512] == bytes(i ^ 0x5A for i in range(256)) * 2, "floppy WRITE DATA"
assert fd[:off] == forig[:off] and fd[off + 512:] == forig[off + 512:], "other floppy sectors"
assert open(d + "/cd.iso", "rb").read() == open(d + "/cd.orig", "rb").read()
PY
    echo "PASS: disk ROM output and image contents"
    ;;
snapshot)
    run_rom -snapshot
    cmp "$TMP/hd.img" "$TMP/hd.orig" || fail "-snapshot: hd.img changed"
    cmp "$TMP/fd.img" "$TMP/fd.orig" || fail "-snapshot: fd.img changed"
    echo "PASS: -snapshot leaves the images byte-identical"
    ;;
sigkill)
    for round in 1 2 3; do
        "$XLAT86" -bios "$ROMS/disk_stress.bin" -display none -serial none \
            -debugcon "file:$TMP/stress.txt" -m 16 -hda "$TMP/hd.img" 2> "$TMP/stderr" &
        pid=$!
        PIDS="$PIDS $pid"
        # Let it write for a while (until a few hundred generations).
        n=0
        while [ $n -lt 100 ] && ! grep -q "gen 00000[2-9]" "$TMP/stress.txt" 2>/dev/null; do
            sleep 0.1; n=$((n + 1))
        done
        sleep 0.$((round * 3))
        kill -9 $pid
        wait $pid 2>/dev/null
        python3 - "$TMP/hd.img" <<'PY' || fail "round $round: a torn sector"
import struct, sys
d = open(sys.argv[1], "rb").read(64 * 512)
gens = []
for s in range(64):
    w = set(struct.unpack("<128I", d[s * 512:(s + 1) * 512]))
    assert len(w) == 1, "sector %d holds %d generations" % (s, len(w))
    gens.append(w.pop())
assert max(gens) > 1, "no guest writes reached the image"
assert max(gens) - min(gens) <= 1, "sectors from generations %d..%d" % (min(gens), max(gens))
print("generations %d..%d" % (min(gens), max(gens)))
PY
    done
    echo "PASS: SIGKILL during guest writes leaves whole sectors"
    ;;
lock)
    "$XLAT86" -bios "$ROMS/disk_stress.bin" -display none -serial none \
        -debugcon "file:$TMP/stress.txt" -m 16 -hda "$TMP/hd.img" 2> "$TMP/stderr" &
    pid=$!
    PIDS="$PIDS $pid"
    n=0
    while [ $n -lt 100 ] && ! grep -q writing "$TMP/stress.txt" 2>/dev/null; do
        sleep 0.1; n=$((n + 1))
    done
    timeout 10 "$XLAT86" -bios "$ROMS/disk_stress.bin" -display none -serial none -m 16 \
        -hda "$TMP/hd.img" > "$TMP/out2" 2> "$TMP/err2"
    st=$?
    [ $st -eq 2 ] || fail "second writer: status $st (want 2)"
    [ "$(wc -l < "$TMP/err2")" -eq 1 ] && grep -q '^xlat86: .*lock' "$TMP/err2" ||
        fail "second writer: $(cat "$TMP/err2")"
    for shared in "-drive file=$TMP/hd.img,if=ide,readonly=on" "-hda $TMP/hd.img -snapshot"; do
        # shellcheck disable=SC2086
        timeout -s INT 2 "$XLAT86" -bios "$ROMS/disk_rom.bin" -display none -serial none \
            -debugcon "file:$TMP/o3" -m 16 $shared > /dev/null 2> "$TMP/err3"
        grep -q lock "$TMP/err3" && fail "$shared refused: $(cat "$TMP/err3")"
    done
    if command -v qemu-system-i386 > /dev/null; then
        timeout 10 qemu-system-i386 -M isapc -nodefaults -display none -bios "$ROMS/disk_stress.bin" \
            -drive "file=$TMP/hd.img,format=raw,if=ide" > /dev/null 2> "$TMP/qerr"
        grep -q 'Failed to get "write" lock' "$TMP/qerr" || fail "QEMU was not refused: $(cat "$TMP/qerr")"
    fi
    kill -9 $pid
    wait $pid 2>/dev/null
    if command -v qemu-system-i386 > /dev/null; then
        qemu-system-i386 -M isapc -nodefaults -display none -bios "$ROMS/disk_stress.bin" \
            -drive "file=$TMP/hd.img,format=raw,if=ide" > /dev/null 2>&1 &
        qpid=$!
        PIDS="$PIDS $qpid"
        sleep 1
        timeout 10 "$XLAT86" -bios "$ROMS/disk_stress.bin" -display none -serial none -m 16 \
            -hda "$TMP/hd.img" > /dev/null 2> "$TMP/err4"
        st=$?
        kill -9 $qpid
        wait $qpid 2>/dev/null
        [ $st -eq 2 ] && grep -q lock "$TMP/err4" || fail "QEMU holding the image: xlat86 status $st: $(cat "$TMP/err4")"
        echo "(checked against qemu-system-i386 both ways)"
    fi
    echo "PASS: writable images are locked"
    ;;
badimage)
    : > "$TMP/empty.img"
    head -c 1000 /dev/zero > "$TMP/odd.img"
    mkdir "$TMP/dir.img"
    cp "$TMP/fd.img" "$TMP/noread.img"
    chmod 000 "$TMP/noread.img"
    check() {   # what, options...
        what=$1
        shift
        timeout 10 "$XLAT86" -bios "$ROMS/disk_rom.bin" -display none -serial none "$@" \
            > "$TMP/o" 2> "$TMP/e"
        st=$?
        [ $st -eq 2 ] || fail "$what: exit status $st (want 2)"
        [ "$(wc -l < "$TMP/e")" -eq 1 ] && grep -q '^xlat86: ' "$TMP/e" ||
            fail "$what: not one 'xlat86:' line: $(cat "$TMP/e")"
        echo "$what: $(cat "$TMP/e")"
    }
    check "empty image" -hda "$TMP/empty.img"
    check "wrong floppy size" -fda "$TMP/odd.img"
    check "directory" -cdrom "$TMP/dir.img"
    check "missing" -fdb "$TMP/none.img"
    [ "$(id -u)" != 0 ] && check "unreadable" -hda "$TMP/noread.img"
    check "bad -drive" -drive "file=$TMP/hd.img,if=scsi"
    check "bad -drive key" -drive "file=$TMP/hd.img,cache=none"
    check "no file" -drive "if=ide"
    check "index twice" -hda "$TMP/hd.img" -drive "file=$TMP/fd.img,if=ide,index=0"
    check "bad -boot" -boot order=xz
    check "bad format" -drive "file=$TMP/hd.img,format=qcow2"
    echo "PASS: bad images and drive options"
    ;;
*)
    echo "usage: $0 rom|snapshot|sigkill|lock|badimage XLAT86 ROMDIR" >&2
    exit 2
    ;;
esac
