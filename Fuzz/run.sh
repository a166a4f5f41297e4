#!/usr/bin/env bash
# Builds bale's fuzz targets and runs each for FUZZ_SECONDS (default 60);
# stops with a non-zero status at the first finding. `make fuzz` runs it.
#
#   bash Fuzz/run.sh                   every target
#   bash Fuzz/run.sh tar inflate       some: gzip-header inflate tar frames index
#   FUZZ_SECONDS=3600 bash Fuzz/run.sh
#
# A finding (crash, failed property, hang, leak, too much memory) is saved
# as Fuzz/findings/<target>/<kind>-<sha1>; running the target's binary
# on that file alone replays it. Each becomes a regression test in
# Tests/BaleCoreTests/FuzzRegressionTests.swift once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-60}
swift=${SWIFT:-swift}
# corpus directory : product
all="gzip-header:FuzzGzipHeader inflate:FuzzInflate tar:FuzzTar frames:FuzzFrames index:FuzzIndex"
wanted=${*:-gzip-header inflate tar frames index}

# One flag, not two: with -sanitize=fuzzer -sanitize=address the last one
# wins and the code is built without coverage (libFuzzer then finds nothing).
# Only this package's products get the flags; bale's own build never does.
"$swift" build -c release --build-path .build -Xswiftc -sanitize=fuzzer,address

# New corpus entries go to a scratch directory (libFuzzer writes to the
# first directory it is given and only reads the others), so the seeds in
# corpus/ stay as they are and the work tree stays clean.
scratch=$(mktemp -d)
# Swift's own crash handler would take the fatal error's signal first
# (libFuzzer leaves a handler already installed in place) and spend
# minutes symbolicating; without it libFuzzer saves the input and exits.
export SWIFT_BACKTRACE=enable=no
trap 'rm -rf "$scratch"' EXIT
mkdir -p .build/fuzz-logs

for name in $wanted; do
  product=""
  for pair in $all; do [ "${pair%%:*}" = "$name" ] && product=${pair##*:}; done
  if [ -z "$product" ]; then echo "unknown fuzz target: $name (one of: gzip-header inflate tar frames index)" >&2; exit 2; fi
  mkdir -p "$scratch/$name" "findings/$name"
  log=.build/fuzz-logs/$name.log
  echo "== $name ($product): $seconds s, log in Fuzz/$log"
  # A dictionary gives the fuzzer tokens it cannot learn from comparisons.
  case $name in
    gzip-header|inflate) dict=dictionaries/gzip.dict ;;
    tar) dict=dictionaries/tar.dict ;;
    index) dict=dictionaries/index.dict ;;
    *) dict="" ;;
  esac
  # -rss_limit_mb also sets the limit of one allocation (-malloc_limit_mb);
  # -timeout catches a hang: one input taking 10 s.
  if ! ".build/release/$product" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      ${dict:+-dict="$dict"} -print_final_stats=1 -artifact_prefix="findings/$name/" \
      "$scratch/$name" "corpus/$name" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "== $name: a finding, saved in Fuzz/findings/$name/ (replay: Fuzz/.build/release/$product FILE)" >&2
    exit 1
  fi
  # The last status line (coverage, features, corpus, execs/s) and the totals.
  grep -E '^#[0-9]+' "$log" | tail -n 1
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' '
  echo
done
echo "== no findings"
