#!/usr/bin/env bash
# A short tour of bale on the files in samples/tree, run by `make demo`.
# Works in a scratch copy: samples/ itself is never changed.
set -euo pipefail
BALE="$(realpath "${1:-.build/release/bale}")"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$HERE/tree" "$WORK/tree"
cd "$WORK"

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step "bale gzip -v -k tree/logs/app.log          # FILE -> FILE.gz, keep FILE"
"$BALE" gzip -v -k tree/logs/app.log
ls -l tree/logs

step "gzip -t tree/logs/app.log.gz && zcat tree/logs/app.log.gz | cmp - tree/logs/app.log"
gzip -t tree/logs/app.log.gz && zcat tree/logs/app.log.gz | cmp - tree/logs/app.log && echo "standard gzip reads it: identical"

step "tar -cf - tree | bale gzip -p 2 > tree.tar.gz   # a stream, compressed on 2 worker processes"
tar -cf - tree | "$BALE" gzip -p 2 > tree.tar.gz
tar -tzvf tree.tar.gz

step "bale gzip -9 tree/docs/GPL-3.txt            # replaces the file, keeps its mode and mtime"
"$BALE" gzip -9 -v tree/docs/GPL-3.txt
ls -l tree/docs

step "bale gunzip tree/docs/GPL-3.txt.gz           # and back"
"$BALE" gunzip -v tree/docs/GPL-3.txt.gz
cmp tree/docs/GPL-3.txt "$HERE/tree/docs/GPL-3.txt" && echo "round trip: identical"

step "bale gzip tree/logs/app.log                 # the .gz exists: not overwritten (exit 2)"
set +e; "$BALE" gzip tree/logs/app.log; status=$?; set -e
echo "exit status $status"

step "bale pack tree -o tree-bale.tar.gz           # a tree to .tar.gz; every tar reads it"
"$BALE" pack tree -o tree-bale.tar.gz
tar --compare -zf tree-bale.tar.gz && echo "GNU tar --compare: no difference"

step "bale list tree-bale.tar.gz"
"$BALE" list tree-bale.tar.gz

step "bale unpack tree-bale.tar.gz -C restored     # and back, safely"
"$BALE" unpack tree-bale.tar.gz -C restored
diff -r tree restored/tree && echo "restored tree: identical"

step "bale gzip -r -k --out-dir mirror tree        # every file of a tree, into a mirror"
set +e; "$BALE" gzip -r -k --out-dir mirror tree; status=$?; set -e
echo "exit status $status (tree/logs/app.log.gz already has the suffix: skipped quietly, as gzip -r does)"
find mirror -type f | sort
for gz in $(find mirror -name '*.gz' | sort); do gzip -t "$gz"; done && echo "gzip -t: every .gz OK"

step "printf 'not gzip' | bale gunzip              # bad input: a message and exit 1"
set +e; printf 'not gzip' | "$BALE" gunzip; status=$?; set -e
echo "exit status $status"
echo
echo "demo done"
