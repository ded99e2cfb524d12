#!/bin/sh
# Configure and build xlat86 into build/ (or $BUILD_DIR). Extra args go to cmake.
set -e
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
ninja -C "$BUILD_DIR" -j"${JOBS:-2}"
