#!/bin/sh
# Set up, build and boot the default guest: Debian's i686 Linux kernel with
# a busybox initramfs (scripts/build-linux-guest.sh downloads and caches it
# outside the repo) to an interactive shell on the serial console.
# Ctrl-A x quits, Ctrl-A h lists the keys. `poweroff` in the guest ends the
# run with status 0; `reboot` boots the same kernel again (add -no-reboot to
# end the run instead). Extra arguments go to xlat86.
#   scripts/run.sh --demo   boot the project's demo ROM (roms/demo.asm) instead
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/install-deps.sh" || exit 1
"$ROOT/scripts/build.sh" >/dev/null || exit 1
if [ "${1:-}" = "--demo" ]; then
    shift
    "$ROOT/build/xlat86" -bios "$ROOT/build/roms/demo.bin" "$@"
    status=$?
    # The demo ends by writing 0 to the isa-debug-exit port: status 1.
    [ $status -eq 1 ] && exit 0
    exit $status
fi
GUEST=$("$ROOT/scripts/build-linux-guest.sh") || exit 1
BZIMAGE=$(echo "$GUEST" | sed -n 's/^bzimage=//p')
INITRAMFS=$(echo "$GUEST" | sed -n 's/^initramfs=//p')
exec "$ROOT/build/xlat86" -kernel "$BZIMAGE" -initrd "$INITRAMFS" -m 256 \
    -append "console=ttyS0 nokaslr quiet" "$@"
