#!/bin/sh
# Set up, build (warnings are errors) and run every test: cmocka unit tests,
# guest programs in both translator modes, command-line checks. Then the
# same unit and guest tests in an ASan/UBSan build.
#   scripts/test.sh            full run
#   scripts/test.sh --quick    skip the sanitizer build
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/scripts/install-deps.sh"
BUILD_DIR="$ROOT/build" "$ROOT/scripts/build.sh" -DXLAT86_WERROR=ON -DXLAT86_SANITIZE=OFF
cd "$ROOT/build"
ctest --output-on-failure -j2
if [ "$1" != "--quick" ]; then
    BUILD_DIR="$ROOT/build-asan" "$ROOT/scripts/build.sh" -DXLAT86_WERROR=ON -DXLAT86_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    cd "$ROOT/build-asan"
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j2 -R "^(unit|guest|fuzz)/"
fi
