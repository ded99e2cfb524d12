#!/bin/sh
# savevm-linux-test.sh XLAT86 SAVEVM_ROM
# savevm-test.py with the Linux guest (scripts/build-linux-guest.sh: Debian's
# i686 kernel and the project's busybox initramfs, cached outside the repo):
# saved at the shell, restored with -loadvm, the shell answers and a file
# written before the save is still there.
set -u
[ $# -eq 2 ] || { echo "usage: $0 XLAT86 SAVEVM_ROM" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
GUEST=$("$HERE/../../scripts/build-linux-guest.sh") || {
    echo "FAIL: could not build the Linux guest (scripts/build-linux-guest.sh)" >&2
    exit 2
}
BZIMAGE=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
INITRAMFS=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
exec python3 "$HERE/savevm-test.py" "$1" "$2" --linux "$BZIMAGE" "$INITRAMFS"
