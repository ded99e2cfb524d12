#!/bin/sh
# run-all.sh [BUILD_DIR]  (issue 15: every workload in one invocation)
# For each workload: the host itself (where a native twin exists),
# xlat86 -accel dbt, xlat86 -accel dbt,inline=off and qemu-system-i386 TCG,
# one run at a time (never two at once), REPS runs each (default 3); prints
# the median wall time, the median user CPU time (less disturbed by other
# load on a shared machine), the ratios xlat86/QEMU and xlat86/native, and
# the peak RSS of each engine. Workloads:
#   bench    tests/bench/bench.bin  (ROM, QEMU -M isapc -cpu pentium3)
#   mix      tests/bench/mix.bin    (ROM; native twin tests/bench/mix-native)
#   paging   tests/bench/paging.bin (ROM, CR3 switches, TLB misses)
#   kern     tests/bench/kern.elf   (Multiboot kernel with paging on, -kernel;
#            native twin tests/bench/kern-native; QEMU -M pc)
#   boot     Debian i686 kernel + busybox initramfs to the shell prompt
#            (as run-linux-bench.sh; QEMU -M pc)
#   md5sum   in that guest: dd 8 MiB of zeros | md5sum (native: the host's
#            dd | md5sum)
# ROM runs are measured with GNU time (/usr/bin/time -v: elapsed, user, max
# RSS; Debian package "time"); the Linux runs, which are killed at the end,
# with the rusage of wait4 (what GNU time reports). Every ROM engine must
# print the same checksum (and mix-native the same as the mix ROM): a
# mismatch is reported and the exit status is 1. No timed assertions.
# Environment: REPS (runs per cell, default 3), ONLY (space-separated list
# of workloads to run), NOINLINE=0 (leave out the inline=off rows), QEMU
# (default qemu-system-i386).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-build}
[ -x "$BUILD/xlat86" ] || { echo "xlat86: run-all.sh: no $BUILD/xlat86 (build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "xlat86: run-all.sh: needs GNU time (/usr/bin/time, Debian package time)" >&2; exit 2; }
cmake --build "$BUILD" --target bench-rom bench-mix bench-kern > /dev/null 2>&1
cmake --build "$BUILD" --target bench-mix-native bench-kern-native > /dev/null 2>&1
GUEST=""
case " ${ONLY:-boot} " in
    *" boot "*|*" md5sum "*) GUEST=$("$HERE/../../scripts/build-linux-guest.sh" 2>/dev/null) || GUEST="" ;;
esac
exec python3 "$HERE/run_all.py" "$BUILD" "$GUEST"
