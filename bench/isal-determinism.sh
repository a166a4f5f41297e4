#!/bin/bash
# Runs bench/isal-determinism.c in a fresh process again and again for
# SECONDS (default 600) and counts the runs whose output differs from the
# first run's: each run compresses the same eight 4 MiB chunks the same way,
# so any difference is the codec's, not bale's (README, "The gzip bale
# writes"). CONTROL=1 runs libdeflate's level 1 instead of ISA-L's level 2.
#   bash bench/isal-determinism.sh [SECONDS] [FILE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
file=${2:-}
if [ -z "$file" ]; then
    # Text, then a binary: the kind of input bale's tests compress.
    file=$work/input
    { seq 1 3000000 | sed 's/$/ lorem ipsum dolor sit amet/' | head -c 24000000
      cat /usr/lib/x86_64-linux-gnu/*.so* 2>/dev/null | head -c 12000000; } > "$file"
fi
gcc -O2 -o "$work/probe" "$here/isal-determinism.c" -lisal -l:libdeflate.a 2>/dev/null \
    || gcc -O2 -o "$work/probe" "$here/isal-determinism.c" -lisal -ldeflate || exit 2
flag=()
[ "${CONTROL:-0}" = 1 ] && flag=(-l)
first=$("$work/probe" "${flag[@]}" "$file") || exit 2
runs=0 differing=0
end=$((SECONDS + seconds))
while [ $SECONDS -lt "$end" ]; do
    line=$("$work/probe" "${flag[@]}" "$file")
    runs=$((runs + 1))
    if [ "$line" != "$first" ]; then
        differing=$((differing + 1))
        echo "$(date +%T) run $runs differs: $line"
        echo "           the first run gave: $first"
    fi
done
label="ISA-L level 2"
[ "${CONTROL:-0}" = 1 ] && label="libdeflate level 1"
echo "$label: runs $runs ($((runs * 8)) chunks), differing $differing"
