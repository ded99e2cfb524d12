#!/bin/sh
# make-linux-media.sh OUT BZIMAGE INITRD
# Boot media built from Debian packages (syslinux, isolinux, mtools,
# xorriso, grub-pc-bin) around the Linux test guest
# (scripts/build-linux-guest.sh); every loader talks on COM1:
#   OUT/syslinux-fd.img  1.44 MB FAT floppy with SYSLINUX: its "boot:"
#                        prompt (the 5.7 MB guest kernel does not fit a floppy)
#   OUT/isolinux-cd.iso  ISOLINUX El Torito CD booting the kernel + initrd
#   OUT/syslinux-hd.img  64 MiB disk: syslinux MBR, one active FAT16
#                        partition at 1 MiB with SYSLINUX, kernel and initrd
#   OUT/grub-cd.iso      grub-mkrescue CD whose menu has "xlat86 GRUB menu"
set -eu
OUT=$1
BZ=$2
RD=$3
SL=/usr/lib/syslinux
MOD=$SL/modules/bios
APPEND="console=ttyS0 nokaslr panic=-1 loglevel=6"
mkdir -p "$OUT"
cd "$OUT"

# SYSLINUX floppy
rm -f syslinux-fd.img
mformat -C -i syslinux-fd.img -f 1440 -v XLAT86FD ::
syslinux --install syslinux-fd.img
printf 'SERIAL 0 115200\nSAY xlat86 syslinux floppy\nPROMPT 1\nTIMEOUT 0\nDEFAULT nothing\n' > fd.cfg
mcopy -i syslinux-fd.img fd.cfg ::/syslinux.cfg

# ISOLINUX CD
rm -rf iso && mkdir -p iso/isolinux
cp /usr/lib/ISOLINUX/isolinux.bin "$MOD/ldlinux.c32" iso/isolinux/
cp "$BZ" iso/bzImage
cp "$RD" iso/initrd.gz
printf 'SERIAL 0 115200\nSAY xlat86 isolinux\nDEFAULT linux\nTIMEOUT 1\nLABEL linux\n  KERNEL /bzImage\n  APPEND initrd=/initrd.gz %s\n' \
    "$APPEND" > iso/isolinux/isolinux.cfg
xorriso -as mkisofs -quiet -o isolinux-cd.iso -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table iso 2> /dev/null

# Hard disk: MBR + FAT16 partition (LBA 2048..end) with SYSLINUX
rm -f syslinux-hd.img
SECTORS=131072
truncate -s $((SECTORS * 512)) syslinux-hd.img
python3 - syslinux-hd.img $SECTORS "$SL/mbr/mbr.bin" <<'PY'
import struct, sys
path, total, mbr = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "rb").read()
with open(path, "r+b") as f:
    f.write(mbr[:440])
    start = 2048
    entry = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0x06, b"\xfe\xff\xff", start, total - start)
    f.seek(446)
    f.write(entry + b"\0" * 48 + b"\x55\xaa")
PY
mformat -i syslinux-hd.img@@1M -T $((SECTORS - 2048)) -h 16 -s 63 -H 2048 -v XLAT86HD ::
syslinux --offset 1048576 --install syslinux-hd.img
printf 'SERIAL 0 115200\nSAY xlat86 syslinux disk\nDEFAULT linux\nTIMEOUT 1\nLABEL linux\n  KERNEL /bzImage\n  APPEND initrd=/initrd.gz %s\n' \
    "$APPEND" > hd.cfg
mcopy -i syslinux-hd.img@@1M hd.cfg ::/syslinux.cfg
mcopy -i syslinux-hd.img@@1M "$BZ" ::/bzImage
mcopy -i syslinux-hd.img@@1M "$RD" ::/initrd.gz

# GRUB rescue CD: the menu on the serial line
rm -rf grub && mkdir -p grub/boot/grub
cat > grub/boot/grub/grub.cfg <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=60
menuentry "xlat86 GRUB menu" {
    echo "chosen"
}
CFG
grub-mkrescue -o grub-cd.iso grub > /dev/null 2>&1
ls -la syslinux-fd.img isolinux-cd.iso syslinux-hd.img grub-cd.iso > /dev/null
