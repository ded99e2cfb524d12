#!/bin/sh
# run-bios-boot-test.sh fd|hd|cd XLAT86 ROMDIR
# boot_test.asm booted by SeaBIOS (-bios /usr/share/seabios/bios.bin) from
# a floppy, a hard disk (MBR) or an El Torito no-emulation CD built by
# make-boot-images.py.  The guest reports its INT 13h/15h/16h/1Ah/10h
# results on COM1.  Checks: the run ends through port 0xF4 (status 1), the
# sums of the sectors read are those computed from the images, the writes
# (CHS write on floppy and disk, extended write on the disk) are in the
# image after exit, and, when qemu-system-i386 is installed, every line
# equals QEMU's on the same image (its SeaBIOS, -M pc).
# When SeaBIOS does not reach the boot device within 30 s the test fails
# with the last lines of SeaBIOS's log (it hung in its ATA probing until
# the decoder's REP INSW fix: see cpu/decode.c, fix_string_size).
set -u
MEDIA=$1
XLAT86=$2
ROMS=$3
HERE=$(cd "$(dirname "$0")" && pwd)
BIOS=${XLAT86_SEABIOS:-/usr/share/seabios/bios.bin}
[ -r "$BIOS" ] || { echo "SKIP: $BIOS missing (apt-get install seabios)"; exit 77; }
command -v xorriso > /dev/null || { echo "SKIP: xorriso missing (scripts/install-deps.sh)"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/bios-boot.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

python3 "$HERE/make-boot-images.py" "$TMP" "$ROMS/boot_fd.bin" "$ROMS/boot_hd.bin" \
    "$ROMS/boot_cd.bin" --sums > "$TMP/sums.txt" 2> "$TMP/mk.err" || { cat "$TMP/mk.err"; fail "images"; }
case $MEDIA in
    fd) IMG=$TMP/boot-fd.img; OPT="-fda"; BOOT=a ;;
    hd) IMG=$TMP/boot-hd.img; OPT="-hda"; BOOT=c ;;
    cd) IMG=$TMP/boot-cd.iso; OPT="-cdrom"; BOOT=d ;;
    *) echo "usage: $0 fd|hd|cd XLAT86 ROMDIR" >&2; exit 2 ;;
esac
cp "$IMG" "$TMP/orig"

"$XLAT86" -bios "$BIOS" -display none -m 128 -serial "file:$TMP/out.txt" \
    -chardev "file,id=bios,path=$TMP/bios.log" -device isa-debugcon,iobase=0x402,chardev=bios \
    $OPT "$IMG" -boot "order=$BOOT" > "$TMP/stdout" 2> "$TMP/stderr" &
pid=$!
# Up to 120 s; give up after 30 s when SeaBIOS has not tried a boot device.
n=0
while kill -0 $pid 2>/dev/null && [ $n -lt 1200 ]; do
    if [ $n -ge 300 ] && ! grep -q "^Booting from" "$TMP/bios.log" 2>/dev/null; then
        break
    fi
    sleep 0.1
    n=$((n + 1))
done
if kill -0 $pid 2>/dev/null; then
    kill -9 $pid
    wait $pid 2>/dev/null
    st=124
else
    wait $pid
    st=$?
fi
if ! grep -q "^BOOT TEST dl=" "$TMP/out.txt" 2>/dev/null; then
    if ! grep -q "^Booting from" "$TMP/bios.log" 2>/dev/null; then
        echo "FAIL: SeaBIOS did not reach the boot device (status $st); its log ends:"
        tail -5 "$TMP/bios.log" 2>/dev/null | sed 's/^/    /'
        exit 1
    fi
    cat "$TMP/stderr"
    fail "SeaBIOS booted but the boot program printed nothing"
fi
[ $st -eq 1 ] || fail "exit status $st (want 1)"
grep -q "^BOOT TEST DONE" "$TMP/out.txt" || fail "the boot program did not finish"
grep "^$MEDIA " "$TMP/sums.txt" | while IFS= read -r line; do
    want=${line#"$MEDIA "}
    grep -qx "${want% sum *} cf=0 sum ${want##* }" "$TMP/out.txt" || { echo "FAIL: no '$want'"; exit 1; }
done || exit 1
python3 - "$MEDIA" "$IMG" "$TMP/orig" <<'PY' || fail "image contents"
import sys
media, img, orig = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()
changed = {}
if media == "fd":
    changed[19] = bytes(range(256)) * 2                       # C0 H1 S2
elif media == "hd":
    changed[64] = bytes(range(256)) * 2                       # C0 H1 S2 (16/63)
    changed[40] = bytes((ord("W") + i) & 0xFF for i in range(512))
for lba in range(len(img) // 512):
    want = changed.get(lba, orig[lba * 512:(lba + 1) * 512])
    assert img[lba * 512:(lba + 1) * 512] == want, "sector %d" % lba
PY
if command -v qemu-system-i386 > /dev/null; then
    cp "$TMP/orig" "$TMP/qimg"
    case $MEDIA in
        fd) Q="-drive file=$TMP/qimg,format=raw,if=floppy" ;;
        hd) Q="-drive file=$TMP/qimg,format=raw,if=ide" ;;
        cd) Q="-drive file=$TMP/qimg,format=raw,if=ide,index=2,media=cdrom" ;;
    esac
    # shellcheck disable=SC2086
    timeout -k 5 120 qemu-system-i386 -M pc -accel tcg -nodefaults -display none -m 128 \
        -serial "file:$TMP/qemu.txt" -device isa-debug-exit,iobase=0xf4,iosize=4 $Q \
        -boot "order=$BOOT" > /dev/null 2>&1
    # The memory map's reserved ranges are the platform's (ACPI, BIOS copy),
    # and so is where RAM above 1 MiB ends: SeaBIOS takes the top of RAM for
    # the ACPI tables, which QEMU hands it ready-made (etc/table-loader)
    # and which it builds itself on xlat86 (a smaller reservation).
    TOP='s/^e820 0000000000100000 [0-9A-F]* 01$/e820 0000000000100000 (RAM up to the ACPI reservation) 01/'
    grep -v '^e820 .* 02$' "$TMP/qemu.txt" | sed "$TOP" > "$TMP/q"
    grep -v '^e820 .* 02$' "$TMP/out.txt" | sed "$TOP" > "$TMP/x"
    diff -u "$TMP/q" "$TMP/x" || fail "output differs from QEMU's"
    cmp "$TMP/qimg" "$IMG" || fail "the image differs from QEMU's after the same run"
    echo "(same output and image as qemu-system-i386)"
fi
echo "PASS: SeaBIOS boot from $MEDIA"
