#!/usr/bin/env bash
# Formats the C++ sources with .clang-format, or with --check lists the files that differ
# and exits 1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.h.in')
if [ "${1:-}" = --check ]; then
    bad=0
    for file in "${files[@]}"; do
        if ! clang-format --dry-run --Werror "$file" >/dev/null 2>&1; then
            echo "needs formatting: $file"
            bad=1
        fi
    done
    exit $bad
fi
clang-format -i "${files[@]}"
