#!/usr/bin/env bash
# Installs every Debian package nzcompress needs (as root, with apt-get), then configures
# and builds a Release build in ./build. Safe to run again: apt-get skips what is installed
# and the build is incremental.
#   scripts/setup.sh            install + build
#   NZC_SKIP_APT=1 scripts/setup.sh   build only
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${NZC_BUILD_DIR:-$root/build}

packages=(
    build-essential cmake ninja-build pkg-config git
    openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools
    libboost-program-options-dev libspdlog-dev nlohmann-json3-dev libzip-dev libxxhash-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    clang libclang-rt-14-dev
    python3 python3-numpy python3-h5py
    time zstd
)

if [ "${NZC_SKIP_APT:-0}" != 1 ]; then
    missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            echo "setup.sh: need root to install: ${missing[*]}" >&2
            exit 1
        fi
        echo "setup.sh: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
fi

# A serial HDF5 next to the parallel one makes CMake pick the serial one; say so early.
if dpkg-query -W -f='${Status}' libhdf5-dev 2>/dev/null | grep -q "install ok installed" &&
   ! dpkg-query -W -f='${Status}' libhdf5-openmpi-dev 2>/dev/null | grep -q "install ok installed"; then
    echo "setup.sh: only the serial HDF5 (libhdf5-dev) is installed; nzcompress needs libhdf5-openmpi-dev" >&2
    exit 1
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)"
echo "setup.sh: built $build/src/app/nzcompress"
