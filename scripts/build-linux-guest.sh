#!/bin/sh
# Build the Linux test guest: Debian's i686 kernel (linux-image-686, the
# non-PAE flavour, which needs neither PAE nor an APIC) and an initramfs with
# a static i386 busybox and the project's own /init.
#
# Usage: scripts/build-linux-guest.sh [--force]
# Cache: $XLAT86_CACHE, else $HOME/.cache/xlat86 (always outside the repo).
# Output (printed at the end, one "name=path" per line):
#   bzimage=CACHE/linux/bzImage        the kernel
#   initramfs=CACHE/linux/initramfs-V.gz the root file system (cpio newc, gzip);
#                                      V = INIT_VERSION, bumped when /init changes
#   testfile=CACHE/linux/testdata.bin  a copy of /testdata.bin in the guest
# Everything is rebuilt only when missing (or with --force).
#
# Needs apt-get with network access to a Debian mirror. The i386 packages
# need the i386 architecture in dpkg: when it is missing it is added
# (dpkg --add-architecture i386; apt-get update), which needs root.
set -eu

CACHE=${XLAT86_CACHE:-${HOME:-/tmp}/.cache/xlat86}
OUT=$CACHE/linux
DEBS=$CACHE/debs
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1
# Bump when the initramfs contents change: a new file name, so a cache
# filled by an older version of this script is not used (nor replaced).
INIT_VERSION=2
INITRAMFS=$OUT/initramfs-$INIT_VERSION.gz

die() { echo "build-linux-guest: $*" >&2; exit 1; }
say() { echo "build-linux-guest: $*" >&2; }

command -v python3 >/dev/null 2>&1 || die "python3 is needed (it writes the cpio archive)"
mkdir -p "$OUT" "$DEBS"

SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 && SUDO=sudo
fi

ensure_i386() {
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        say "adding the i386 architecture to dpkg"
        $SUDO dpkg --add-architecture i386 || die "dpkg --add-architecture i386 failed (need root)"
        # A partial failure (one mirror mid-sync) is not fatal: the
        # packages are looked up below and reported if missing.
        $SUDO apt-get update -qq || say "apt-get update reported errors; continuing"
    fi
    if ! apt-cache show busybox-static:i386 >/dev/null 2>&1; then
        $SUDO apt-get update -qq || say "apt-get update reported errors; continuing"
    fi
}

# Download a package (NAME:i386) into $DEBS unless a .deb of it is there.
fetch() {
    name=${1%%:*}
    if ls "$DEBS/${name}"_*_i386.deb >/dev/null 2>&1; then return 0; fi
    say "downloading $1"
    (cd "$DEBS" && apt-get download -qq "$1") || die "apt-get download $1 failed"
}

# --- the kernel -----------------------------------------------------------
if [ $FORCE = 1 ] || [ ! -s "$OUT/bzImage" ]; then
    ensure_i386
    # linux-image-686 is a metapackage; the kernel is the versioned package
    # it depends on (linux-image-6.1.0-N-686 on bookworm).
    kpkg=$(apt-cache depends linux-image-686:i386 2>/dev/null |
           sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*-686\)\(:i386\)\{0,1\}$/\1/p' | head -n 1)
    [ -n "$kpkg" ] || die "cannot find the kernel package linux-image-686 depends on"
    fetch "$kpkg:i386"
    tmp=$(mktemp -d)
    dpkg-deb -x "$(ls "$DEBS/${kpkg}"_*_i386.deb | head -n 1)" "$tmp"
    vmlinuz=$(ls "$tmp"/boot/vmlinuz-* 2>/dev/null | head -n 1)
    [ -n "$vmlinuz" ] || { rm -rf "$tmp"; die "no /boot/vmlinuz-* in $kpkg"; }
    cp "$vmlinuz" "$OUT/bzImage.tmp" && mv "$OUT/bzImage.tmp" "$OUT/bzImage"
    basename "$vmlinuz" | sed 's/^vmlinuz-//' > "$OUT/kernel-version"
    rm -rf "$tmp"
fi

# --- the initramfs --------------------------------------------------------
if [ $FORCE = 1 ] || [ ! -s "$INITRAMFS" ] || [ ! -s "$OUT/testdata.bin" ]; then
    ensure_i386
    fetch busybox-static:i386
    tmp=$(mktemp -d)
    dpkg-deb -x "$(ls "$DEBS"/busybox-static_*_i386.deb | head -n 1)" "$tmp/pkg"
    root=$tmp/root
    mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/proc" \
             "$root/sys" "$root/dev" "$root/tmp" "$root/root" "$root/etc"
    cp "$tmp/pkg/bin/busybox" "$root/bin/busybox"
    chmod 755 "$root/bin/busybox"
    # Applet links: ask the i386 busybox when the host can run it, else the
    # list below; /init runs "busybox --install -s" for the rest anyway.
    applets=$("$root/bin/busybox" --list-full 2>/dev/null || true)
    if [ -z "$applets" ]; then
        applets="bin/sh bin/ash bin/cat bin/echo bin/ls bin/mount bin/umount bin/mkdir
bin/uname bin/date bin/dmesg bin/ps bin/sleep bin/setsid bin/cttyhack bin/rm bin/cp
bin/mv bin/ln bin/chmod bin/sync bin/true bin/false bin/grep bin/sed bin/hostname
usr/bin/awk usr/bin/md5sum usr/bin/head usr/bin/tail usr/bin/wc usr/bin/free
usr/bin/uptime usr/bin/env usr/bin/seq usr/bin/expr usr/bin/test usr/bin/[
sbin/poweroff sbin/reboot sbin/halt sbin/init sbin/mdev"
    fi
    for a in $applets; do
        case $a in */busybox|busybox) continue ;; esac
        d=$(dirname "$a")
        mkdir -p "$root/$d"
        [ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
    done
    cat > "$root/init" <<'EOF'
#!/bin/busybox sh
# xlat86 test guest /init (scripts/build-linux-guest.sh)
/bin/busybox --install -s 2>/dev/null
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
hostname xlat86
echo
echo "xlat86 Linux guest: $(uname -sr), $(grep -c ^processor /proc/cpuinfo) CPU"
echo
export PS1='xlat86# '
export HOME=/root
cd /root
# busybox's poweroff, reboot and halt without -f signal PID 1 (SIGUSR2,
# SIGTERM, SIGUSR1) and leave the rest to init. A shell runs a trap only
# between commands or when the `wait` builtin is interrupted, so the login
# shell runs in the background and /init waits for it.
act=
trap 'act=poweroff' USR2
trap 'act=reboot' TERM
trap 'act=halt' USR1
while true; do
    setsid cttyhack sh -l </dev/console >/dev/console 2>&1 &
    pid=$!
    while [ -z "$act" ] && kill -0 "$pid" 2>/dev/null; do
        wait "$pid"
    done
    if [ -n "$act" ]; then
        echo "init: $act"
        kill -HUP -- "-$pid" 2>/dev/null
        sync
        "$act" -f
        sleep 5
    fi
    echo "shell exited; starting a new one"
done
EOF
    chmod 755 "$root/init"
    # A deterministic 256 KiB file whose md5sum the boot test compares.
    python3 - "$root/testdata.bin" <<'EOF'
import sys
x = 12345
out = bytearray()
for _ in range(256 * 1024):
    x = (x * 1103515245 + 12345) & 0x7fffffff
    out.append((x >> 16) & 0xff)
open(sys.argv[1], "wb").write(out)
EOF
    cp "$root/testdata.bin" "$OUT/testdata.bin"
    # cpio "newc" (the format the kernel's initramfs unpacker reads) written
    # by python so no cpio tool is needed and /dev/console can be a device
    # node (the kernel opens it before /init runs). All files owned by root.
    python3 - "$root" "$INITRAMFS.tmp.$$" <<'EOF'
import os, stat, sys, gzip
root, out = sys.argv[1], sys.argv[2]
ino = [300000]
def entry(name, mode, data=b"", maj=0, mnr=0, nlink=1):
    ino[0] += 1
    hdr = "070701" + "".join("%08X" % v for v in (
        ino[0], mode, 0, 0, nlink, 0, len(data), 0, 0, maj, mnr, len(name) + 1, 0))
    b = hdr.encode() + name.encode() + b"\0"
    b += b"\0" * (-len(b) % 4)
    b += data + b"\0" * (-len(data) % 4)
    return b
parts = []
for d, dirs, files in os.walk(root):
    dirs.sort(); files.sort()
    rel = os.path.relpath(d, root)
    if rel != ".":
        parts.append(entry(rel, stat.S_IFDIR | 0o755, nlink=2))
    for f in files:
        p = os.path.join(d, f)
        name = os.path.normpath(os.path.join(rel, f))
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            parts.append(entry(name, stat.S_IFLNK | 0o777, os.readlink(p).encode()))
        else:
            parts.append(entry(name, stat.S_IFREG | (st.st_mode & 0o777), open(p, "rb").read()))
    # directories that os.walk lists but are empty are covered above
parts.append(entry("dev/console", stat.S_IFCHR | 0o600, maj=5, mnr=1))
parts.append(entry("dev/ttyS0", stat.S_IFCHR | 0o600, maj=4, mnr=64))
parts.append(entry("TRAILER!!!", 0))
data = b"".join(parts)
data += b"\0" * (-len(data) % 512)
with gzip.GzipFile(out, "wb", mtime=0) as g:
    g.write(data)
EOF
    mv "$INITRAMFS.tmp.$$" "$INITRAMFS"
    rm -rf "$tmp"
fi

echo "bzimage=$OUT/bzImage"
echo "initramfs=$INITRAMFS"
echo "testfile=$OUT/testdata.bin"
