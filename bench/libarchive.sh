#!/usr/bin/env bash
# bench/libarchive.sh — libarchive's tar reader against bale's, for issue
# 17's question (see README, "Archives"): an uncompressed tar of about
# 600 MB (/usr/include and /usr/share/locale, twice), read by
# bench/libarchive-read.c (archive_read, data skipped by seeking, then
# every data block read) and by `bale list` (TarReader, every byte fed to
# it by the collector), three times each; prints the median seconds.
# Not part of `make bench`: run it by hand, `bash bench/libarchive.sh`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/bench/lib.sh"
require_tools cc tar
[[ -e /usr/include/archive.h ]] || die "no archive.h: apt-get install libarchive-dev"
build_bale
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/libarchive-read" "$ROOT/bench/libarchive-read.c" -larchive
for copy in 1 2; do mkdir -p "$WORK/t/$copy" && cp -a /usr/include /usr/share/locale "$WORK/t/$copy/"; done
tar --format=pax -cf "$WORK/big.tar" -C "$WORK" t
rm -rf "$WORK/t"
log "$(size_of "$WORK/big.tar") bytes, $(tar -tf "$WORK/big.tar" | wc -l) entries"
median() { sort -n | sed -n 2p; }
seconds() { /usr/bin/time -f %e "$@" 2>&1 >/dev/null | tail -n1; }
for run in 1 2 3; do "$WORK/libarchive-read" skip "$WORK/big.tar" | cut -d' ' -f5; done | median | sed 's/^/libarchive, data skipped (seek): /'
for run in 1 2 3; do "$WORK/libarchive-read" read "$WORK/big.tar" | cut -d' ' -f5; done | median | sed 's/^/libarchive, data read:           /'
for run in 1 2 3; do seconds "$BALE" list "$WORK/big.tar"; done | median | sed 's/^/bale list (TarReader, data fed): /'
