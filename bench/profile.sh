#!/usr/bin/env bash
# bench/profile.sh — where the time of one of make bench's bale jobs goes,
# per thread: `perf record -g` of the job (bale, its threads and its worker
# processes), sampled on a timer (`-e cpu-clock`: on this virtual machine
# the cycle counter's samples gave the collector's write three times the
# share of its measured time), then the share of samples by thread name
# and library (`perf report --sort comm,dso`) and the top symbols. Threads are named
# (bale-walk, bale-reader-N, bale-feeder, bale-receiver, bale-collector,
# bale-writer…); the worker processes show as `bale`.
#
# Usage: bash bench/profile.sh CORPUS JOB
#   CORPUS  text or packed (built by bench/run.sh in bench/work/corpora)
#   JOB     gzip1 | gzip6 | gunzip-own | pack | unpack-own | sum | sum-large
# Needs perf (Debian: apt-get install linux-perf; not installed by make
# setup, as nothing else needs it) and a release build (make release).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS="${1:?usage: bench/profile.sh CORPUS JOB}"
JOB="${2:?usage: bench/profile.sh CORPUS JOB}"
DIR="$ROOT/bench/work/corpora/$CORPUS"
B="$ROOT/.build/release/bale"
[[ -f "$DIR/.built" ]] || { echo "profile: no corpus $CORPUS: run make bench first" >&2; exit 1; }
[[ -x "$B" ]] || { echo "profile: no release build: run make release" >&2; exit 1; }
command -v perf > /dev/null || { echo "profile: perf not found (apt-get install linux-perf)" >&2; exit 1; }
X=/dev/shm/bale-profile-x
cd "$DIR"
case "$JOB" in
    gzip1)      cmd=("$B" gzip -1 -p 2 -c corpus.tar) ;;
    gzip6)      cmd=("$B" gzip -6 -p 2 -c corpus.tar) ;;
    gunzip-own) cmd=("$B" gunzip -p 2 -c out/bale6.gz) ;;
    pack)       rm -f /dev/shm/bale-profile.tar.gz; cmd=("$B" pack -p 2 -o /dev/shm/bale-profile.tar.gz tree) ;;
    unpack-own) rm -rf "$X"; mkdir -p "$X"; cmd=("$B" unpack -p 2 out/own.tar.gz -C "$X") ;;
    sum)        cmd=("$B" sum -p 2 tree) ;;
    sum-large)  cmd=("$B" sum -p 2 large/file0 large/file1 large/file2 large/file3) ;;
    *) echo "profile: unknown job $JOB" >&2; exit 64 ;;
esac
DATA="$(mktemp /tmp/bale-profile.XXXXXX)"
trap 'rm -rf "$DATA" "$X" /dev/shm/bale-profile.tar.gz' EXIT
perf record -q -e cpu-clock -g -F 2000 -o "$DATA" -- "${cmd[@]}" > /dev/null
echo "## $JOB on $CORPUS: ${cmd[*]}"
echo
echo "Samples by thread and library:"
perf report -i "$DATA" --no-children -g none --sort comm,dso 2>/dev/null | grep '%' | head -20
echo
echo "Top symbols:"
perf report -i "$DATA" --no-children -g none --sort comm,sym 2>/dev/null | grep '%' | head -25
