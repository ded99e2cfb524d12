#!/bin/sh
# run-media-test.sh KIND XLAT86
# SeaBIOS boots a loader from media that make-linux-media.sh builds from
# Debian packages around the Linux test guest, talking on COM1:
#   syslinux-fd   SYSLINUX floppy: its "boot:" prompt
#   isolinux-cd   ISOLINUX CD: Linux to the shell prompt "xlat86# "
#   syslinux-hd   MBR + FAT16 + SYSLINUX disk: Linux to the shell prompt
#   grub-cd       grub-mkrescue CD: the GRUB menu ("xlat86 GRUB menu")
# SKIP (77) when the guest kernel cannot be built or a package is missing;
# FAIL when SeaBIOS does not reach the boot device in 30 s.  On a failure,
# the same medium is booted in qemu-system-i386 (when installed) to tell a
# bad medium from an xlat86 bug.
set -u
KIND=$1
XLAT86=$2
HERE=$(cd "$(dirname "$0")" && pwd)
BIOS=${XLAT86_SEABIOS:-/usr/share/seabios/bios.bin}
for t in xorriso mformat syslinux grub-mkrescue; do
    command -v $t > /dev/null || { echo "SKIP: $t missing (scripts/install-deps.sh)"; exit 77; }
done
[ -r "$BIOS" ] || { echo "SKIP: $BIOS missing"; exit 77; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/media-test.XXXXXX") || exit 1
PID=""
trap '[ -n "$PID" ] && kill -9 $PID 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
GUEST=$(sh "$HERE/../../scripts/build-linux-guest.sh" 2> "$TMP/guest.err") ||
    { echo "SKIP: the Linux guest could not be built:"; tail -3 "$TMP/guest.err"; exit 77; }
BZ=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
RD=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
sh "$HERE/make-linux-media.sh" "$TMP/m" "$BZ" "$RD" > "$TMP/mk.log" 2>&1 ||
    { cat "$TMP/mk.log"; echo "FAIL: building the media"; exit 1; }
case $KIND in
    syslinux-fd) X="-fda $TMP/m/syslinux-fd.img -boot a"
                 Q="-drive file=$TMP/m/syslinux-fd.img,format=raw,if=floppy -boot a"; PAT="boot:" ;;
    isolinux-cd) X="-cdrom $TMP/m/isolinux-cd.iso -boot d"
                 Q="-drive file=$TMP/m/isolinux-cd.iso,format=raw,if=ide,index=2,media=cdrom -boot d"
                 PAT="xlat86# " ;;
    syslinux-hd) X="-hda $TMP/m/syslinux-hd.img -boot c"
                 Q="-drive file=$TMP/m/syslinux-hd.img,format=raw,if=ide -boot c"; PAT="xlat86# " ;;
    grub-cd)     X="-cdrom $TMP/m/grub-cd.iso -boot d"
                 Q="-drive file=$TMP/m/grub-cd.iso,format=raw,if=ide,index=2,media=cdrom -boot d"
                 PAT="xlat86 GRUB menu" ;;
    *) echo "usage: $0 syslinux-fd|isolinux-cd|syslinux-hd|grub-cd XLAT86" >&2; exit 2 ;;
esac

# boot NAME LIMIT COMMAND...: wait for PAT on the serial file; 0 found,
# 1 not found, 77 SeaBIOS never tried a boot device in 30 s (xlat86 only)
boot() {
    name=$1
    limit=$2
    shift 2
    : > "$TMP/$name.txt"
    "$@" > /dev/null 2> "$TMP/$name.err" &
    PID=$!
    n=0
    rc=1
    while kill -0 $PID 2>/dev/null && [ $n -lt $((limit * 10)) ]; do
        if grep -q "$PAT" "$TMP/$name.txt"; then rc=0; break; fi
        if [ "$name" = xlat86 ] && [ $n -ge 300 ] &&
           ! grep -q "^Booting from" "$TMP/bios.log" 2>/dev/null; then rc=77; break; fi
        sleep 0.1
        n=$((n + 1))
    done
    grep -q "$PAT" "$TMP/$name.txt" && rc=0
    kill -9 $PID 2>/dev/null
    wait $PID 2>/dev/null
    PID=""
    return $rc
}

# shellcheck disable=SC2086
boot xlat86 300 "$XLAT86" -bios "$BIOS" -display none -m 256 -snapshot \
    -serial "file:$TMP/xlat86.txt" -chardev "file,id=bios,path=$TMP/bios.log" \
    -device isa-debugcon,iobase=0x402,chardev=bios $X
rc=$?
if [ $rc -eq 0 ]; then
    echo "PASS: $KIND: '$PAT' on the serial console"
    exit 0
fi
if [ $rc -eq 77 ]; then
    echo "FAIL: SeaBIOS did not reach the boot device in 30 s; its log ends:"
    tail -5 "$TMP/bios.log" 2>/dev/null | sed 's/^/    /'
    exit 1
fi
echo "FAIL: $KIND: no '$PAT' on the serial console; it ends:"
tail -c 600 "$TMP/xlat86.txt"
echo
if command -v qemu-system-i386 > /dev/null; then
    # shellcheck disable=SC2086
    if boot qemu 120 qemu-system-i386 -M pc -nodefaults -display none -m 256 -snapshot \
        -serial "file:$TMP/qemu.txt" $Q; then
        echo "(the same medium boots in qemu-system-i386)"
    else
        echo "(the medium does not boot in qemu-system-i386 either)"
    fi
fi
exit 1
