#!/bin/sh
# run-linux-disk-test.sh XLAT86 [dma]
# linux-disk-test.py on the Linux test guest (scripts/build-linux-guest.sh,
# cached outside the repo) and the linux-image package it came from.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XLAT86_CACHE:-${HOME:-/tmp}/.cache/xlat86}
GUEST=$(sh "$HERE/../../scripts/build-linux-guest.sh" 2> /dev/null) ||
    { echo "SKIP: the Linux guest could not be built"; exit 77; }
BZ=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
RD=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
DEB=$(ls "$CACHE"/debs/linux-image-*.deb 2> /dev/null | head -1)
[ -n "$DEB" ] || { echo "SKIP: no linux-image package in $CACHE/debs"; exit 77; }
exec python3 "$HERE/linux-disk-test.py" "$1" "$BZ" "$RD" "$DEB" ${2:-}
