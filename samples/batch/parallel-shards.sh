#!/usr/bin/env bash
# One archive job spread over N workers with GNU parallel: each runs
# `bale pack --shard K/N`, so together they pack every file exactly once,
# and each part comes with its manifest. Then every part is verified.
#
#   parallel-shards.sh DATA_DIR OUT_DIR [N]
#
# Locally, N jobs share this machine (each bale uses -p 1 here, so N jobs
# keep N cores busy). Across machines, give GNU parallel your hosts:
#
#   SSHLOGIN=4/alice@node1,4/alice@node2 parallel-shards.sh data /shared/out 8
#
# DATA_DIR and OUT_DIR must then be the same paths on every host (a shared
# file system), and bale must be on each host's PATH: every part hashes the
# same relative paths, so which host runs which part does not matter.
#
# Unpacking: `for f in OUT_DIR/part-*.tar.gz; do bale unpack "$f" -C dest; done`
# gives the whole tree (each part holds every directory, and its own files).
set -euo pipefail

DATA="${1:?usage: parallel-shards.sh DATA_DIR OUT_DIR [N]}"
OUT="${2:?usage: parallel-shards.sh DATA_DIR OUT_DIR [N]}"
N="${3:-4}"
BALE="${BALE:-bale}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$(dirname "$DATA")"          # the parts store paths relative to here
name="$(basename "$DATA")"

remote=()
[ -n "${SSHLOGIN:-}" ] && remote=(--sshlogin "$SSHLOGIN" --workdir "$PWD")

# --halt now,fail=1: stop the other parts at the first failure (bale
# removes its temporary output, so no partial part is left).
parallel --will-cite --halt now,fail=1 "${remote[@]}" \
    "$BALE" pack -q -p 1 --shard {}/"$N" "$name" -o "$OUT/part-{}.tar.gz" --manifest "$OUT/part-{}.sha256" \
    ::: $(seq 1 "$N")

# Every part: its gzip members, its tar structure and each file's SHA-256.
for k in $(seq 1 "$N"); do
    "$BALE" verify "$OUT/part-$k.tar.gz" --manifest "$OUT/part-$k.sha256"
done
