#!/usr/bin/env bash
# bench/run.sh — the benchmark behind `make bench`.
#
# Builds bale in release mode, builds (once) a ~0.5 GB corpus from files
# already on the machine, then times bale, pigz and gzip side by side on it
# and writes a markdown report to bench/results.md. It also measures how
# bale scales: bale gzip -6 with -p 1, 2 and 4, against the codec alone on
# one core (bench/codec.c: the same chunks compressed one after another in
# memory, no pipes or processes), so the report shows how close bale comes
# to what the machine can do.
#
# Environment:
#   BENCH_RUNS  runs per command, median taken (default 3)
#   GZIP_RUNS   runs per gzip (single-core anchor) command (default 1, to
#               keep the whole run well under ~10 minutes on 2 cores)
# The corpus is built once and reused; rm -rf bench/work to rebuild it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/bench/work"
RESULTS="$ROOT/bench/results.md"
BENCH_RUNS="${BENCH_RUNS:-3}"
GZIP_RUNS="${GZIP_RUNS:-1}"
JOBS=2                                   # -p for bale and pigz
CORPUS="$WORK/corpus.tar"
MANIFEST="$WORK/corpus.manifest"         # composition, kept with the corpus
TIMES="$WORK/times.tsv"                  # raw measurements of this run
CORPUS_MIN=$((450 * 1000 * 1000))        # target corpus size range, bytes
CORPUS_MAX=$((600 * 1000 * 1000))

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
check_counts BENCH_RUNS GZIP_RUNS

# --- 1. Tools and the release binary -----------------------------------------
require_tools pigz gzip python3 tar cmp
build_bale
# The codec-alone harness, built like bale against the system libraries.
CODEC="$WORK/codec"
mkdir -p "$WORK"
# (cc, or the clang that comes with Swift.)
CC="${CC:-$(command -v cc || command -v clang || true)}"
[[ -n "$CC" ]] || die "no C compiler (cc or clang) to build bench/codec.c"
"$CC" -O2 -o "$CODEC" "$ROOT/bench/codec.c" -ldeflate -lz || die "cannot build bench/codec.c with $CC"

mkdir -p "$WORK"

# --- 2. The corpus -----------------------------------------------------------

build_corpus() {
    local -a paths=()
    local p
    mapfile -t paths < <(corpus_sources "$CORPUS_MIN" "$CORPUS_MAX")
    (( ${#paths[@]} > 0 )) || die "no corpus sources"

    # Composition, for the report.
    : > "$MANIFEST.tmp"
    for p in "${paths[@]}"; do
        printf '%s\t%s\n' "$(size_of "$p")" "$p" >> "$MANIFEST.tmp"
    done

    # Deterministic tar: sorted names, fixed owner; paths relative to /.
    local -a rel=()
    for p in "${paths[@]}"; do rel+=("${p#/}"); done
    tar --sort=name --owner=0 --group=0 --numeric-owner --format=gnu \
        -C / -cf "$CORPUS.tmp" -- "${rel[@]}"
    mv -f "$MANIFEST.tmp" "$MANIFEST"
    mv -f "$CORPUS.tmp" "$CORPUS"
}

if [[ -f "$CORPUS" && -f "$MANIFEST" ]]; then
    log "reusing corpus $CORPUS"
else
    log "building corpus $CORPUS (once)"
    build_corpus
fi
CORPUS_BYTES=$(stat -c %s "$CORPUS")
(( CORPUS_BYTES >= CORPUS_MIN && CORPUS_BYTES <= CORPUS_MAX )) ||
    log "warning: corpus is $CORPUS_BYTES bytes, outside the 450-600 MB target"
printf 'corpus: %s (%s bytes, %.1f MB)\n' "$CORPUS" "$CORPUS_BYTES" "$(python3 -c "print($CORPUS_BYTES/1e6)")"
# Composition summary (one line per source; the many small runtime .so
# files of one directory are folded into a single "dir/*.so" line).
SUMMARY="$WORK/corpus.summary"
python3 - "$MANIFEST" > "$SUMMARY" <<'PY'
import os, sys
from collections import OrderedDict
groups = OrderedDict()
for line in open(sys.argv[1]):
    size, path = line.rstrip("\n").split("\t", 1)
    key = path
    if path.endswith(".so") and os.path.dirname(path).endswith("/swift/linux"):
        key = os.path.dirname(path) + "/*.so"
    n, total = groups.get(key, (0, 0))
    groups[key] = (n + 1, total + int(size))
for key, (n, total) in groups.items():
    print(f"{total}\t{key}" + (f" ({n} files)" if n > 1 else ""))
PY
python3 - "$SUMMARY" <<'PY'
import sys
for line in open(sys.argv[1]):
    size, what = line.rstrip("\n").split("\t", 1)
    print(f"  {int(size)/1e6:8.1f} MB  {what}")
PY

# Warm the page cache so the first timed command is not penalised.
cat "$CORPUS" > /dev/null
# Anything else running skews the timings: record the load before we start.
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before timing: $LOADAVG"

# --- 3. Measurement ----------------------------------------------------------
# measure NAME OUT CMD...: run CMD once under /usr/bin/time with stdout to OUT
# and append "NAME wall user sys maxrss_kb" to $TIMES.
measure() {
    local name="$1" out="$2"; shift 2
    timed "$out" "$@"
    printf '%s\t%s\n' "$name" "${TIMED// /$'\t'}" >> "$TIMES"
    printf '   %-40s %s\n' "$name" "$TIMED" >&2
}

# Check that FILE.gz decompresses (with DECOMPRESSOR...) to the corpus.
verify() {
    local gz="$1"; shift
    "$@" "$gz" | cmp - "$CORPUS" || die "$* $gz does not reproduce corpus.tar"
}

: > "$TIMES"
cd "$WORK"   # so the commands (and gzip's stored name) read corpus.tar

# Fail fast, before spending minutes timing: bale's level-6 output must
# decompress with gzip to the exact corpus.
log "verifying bale gzip -6 output with gzip -dc (untimed)"
"$BALE" gzip -6 -p "$JOBS" -c corpus.tar > bale6.gz
verify bale6.gz gzip -dc

# Compression. Rounds interleave the tools so drift affects all of them alike.
LEVELS=(1 6 9)
log "compression: $BENCH_RUNS run(s) each for bale and pigz, $GZIP_RUNS for gzip"
for ((r = 1; r <= BENCH_RUNS; r++)); do
    log "round $r/$BENCH_RUNS"
    for L in "${LEVELS[@]}"; do
        measure "bale gzip -$L -p $JOBS -c corpus.tar" "bale$L.gz" "$BALE" gzip "-$L" -p "$JOBS" -c corpus.tar
        measure "pigz -$L -p $JOBS -c corpus.tar"      "pigz$L.gz" pigz "-$L" -p "$JOBS" -c corpus.tar
        if (( r <= GZIP_RUNS )); then
            measure "gzip -$L -c corpus.tar"           "gzip$L.gz" gzip "-$L" -c corpus.tar
        fi
    done
    # The same job with zlib as the codec (--codec zlib), for comparison.
    measure "bale gzip --codec zlib -6 -p $JOBS -c corpus.tar" "bale-zlib6.gz" \
        "$BALE" gzip --codec zlib -6 -p "$JOBS" -c corpus.tar
done

# Scaling: bale gzip -6 with 1, 2 (above) and 4 workers on this machine's
# cores, and the codec alone on one core, reading the corpus from memory.
# Its line is "codec level seconds MB/s bytes"; the seconds go in $TIMES.
log "scaling: $BENCH_RUNS run(s) each of -p 1, -p 4 and the codec alone"
for ((r = 1; r <= BENCH_RUNS; r++)); do
    log "round $r/$BENCH_RUNS"
    measure "bale gzip -6 -p 1 -c corpus.tar" "scale-p1.gz" "$BALE" gzip -6 -p 1 -c corpus.tar
    measure "bale gzip -6 -p 4 -c corpus.tar" "scale-p4.gz" "$BALE" gzip -6 -p 4 -c corpus.tar
    read -r _ _ seconds _ _ < <("$CODEC" libdeflate 6 4194304 corpus.tar)
    printf '%s\t%s\t0\t0\t0\n' "codec: libdeflate -6, 4 MiB chunks, one core, in memory" "$seconds" >> "$TIMES"
    printf '   %-40s %s s\n' "codec alone (libdeflate -6)" "$seconds" >&2
done
cmp scale-p1.gz bale6.gz && cmp scale-p4.gz bale6.gz || die "bale's output depends on -p"

# Every bale output of the timed runs must be correct, too.
log "verifying bale outputs (levels ${LEVELS[*]}) with gzip -dc"
for L in "${LEVELS[@]}"; do verify "bale$L.gz" gzip -dc; done
verify bale-zlib6.gz gzip -dc

# Decompression. First check bale gunzip's output once, then time.
log "verifying bale gunzip on bale6.gz and pigz6.gz"
verify bale6.gz "$BALE" gunzip -p "$JOBS" -c
verify pigz6.gz "$BALE" gunzip -p "$JOBS" -c
log "decompression: $BENCH_RUNS run(s) each ($GZIP_RUNS for gzip)"
for ((r = 1; r <= BENCH_RUNS; r++)); do
    log "round $r/$BENCH_RUNS"
    measure "bale gunzip -p $JOBS -c bale6.gz" /dev/null "$BALE" gunzip -p "$JOBS" -c bale6.gz
    measure "pigz -dc bale6.gz"               /dev/null pigz -dc bale6.gz
    if (( r <= GZIP_RUNS )); then
        measure "gzip -dc bale6.gz"           /dev/null gzip -dc bale6.gz
    fi
    measure "pigz -dc pigz6.gz"               /dev/null pigz -dc pigz6.gz
    measure "bale gunzip -c -p $JOBS pigz6.gz" /dev/null "$BALE" gunzip -c -p "$JOBS" pigz6.gz
done

# --- 4. Report ---------------------------------------------------------------
if [[ -n "${MAKELEVEL:-}" ]]; then INVOKED="make bench"; else INVOKED="bash bench/run.sh"; fi
export ROOT WORK TIMES SUMMARY CORPUS_BYTES BENCH_RUNS GZIP_RUNS JOBS INVOKED LOADAVG
export_machine_facts
export GZIP_V="$(gzip --version | sed -n 1p)"

python3 - > "$RESULTS" <<'PY'
import os, statistics, datetime
from collections import defaultdict

E = os.environ
corpus = int(E["CORPUS_BYTES"]); jobs = E["JOBS"]
runs = defaultdict(list)           # name -> [(wall, user, sys, rss_kb)]
order = []
for line in open(E["TIMES"]):
    name, wall, user, sys_, rss = line.rstrip("\n").split("\t")
    if name not in runs: order.append(name)
    runs[name].append((float(wall), float(user), float(sys_), int(rss)))

def pick(name):
    """The median run by wall time (lower median for an even count)."""
    rs = runs[name]
    med = statistics.median_low([r[0] for r in rs])
    return next(r for r in rs if r[0] == med)

def level(name):
    # "bale gzip -6 -p 2 ..." -> "6"
    return next(t[1:] for t in name.split() if t.startswith("-") and t[1:].isdigit())

def out_file(name, tool=None):
    # "bale gzip -6 ..." -> bale6.gz; with tool="pigz" -> pigz6.gz;
    # "bale gzip --codec zlib -6 ..." -> bale-zlib6.gz; "... -6 -p 1 ..." -> scale-p1.gz
    if tool is None and "--codec zlib" in name:
        return os.path.join(E["WORK"], f"bale-zlib{level(name)}.gz")
    if tool is None and name.startswith("bale") and f"-p {jobs}" not in name:
        return os.path.join(E["WORK"], "scale-p" + name.split("-p ")[1].split()[0] + ".gz")
    return os.path.join(E["WORK"], f"{tool or name.split()[0]}{level(name)}.gz")

def is_codec(name): return name.startswith("codec:")
def is_comp(name): return "corpus.tar" in name and not is_codec(name)

L = []
L.append("# bale benchmark\n")
L.append(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
L.append(f"- machine: nproc = {E['NPROC']}, CPU: {E['CPU']}, "
         f"load average before timing: {E['LOADAVG']}")
L.append(f"- command: `{E['INVOKED']}` with BENCH_RUNS={E['BENCH_RUNS']} "
         f"(gzip rows: GZIP_RUNS={E['GZIP_RUNS']})")
L.append(f"- bale {E['REV']}, {E['PIGZ_V']}, {E['GZIP_V']}; bale and pigz use -p {jobs}")
L.append(f"- corpus: bench/work/corpus.tar, {corpus} bytes ({corpus/1e6:.1f} MB), tar of:")
for line in open(E["SUMMARY"]):
    size, what = line.rstrip("\n").split("\t", 1)
    L.append(f"  - `{what}` ({int(size)/1e6:.1f} MB)")
L.append("")

hdr = ["command", "wall s (median)", "CPU s", "MB/s", "output bytes",
       "size vs pigz", "peak RSS MiB"]
L.append("| " + " | ".join(hdr) + " |")
L.append("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|")
size = {}
for name in order:
    if is_comp(name):
        size[name] = os.path.getsize(out_file(name))
for name in order:
    if is_codec(name): continue
    wall, user, sys_, rss = pick(name)
    n = len(runs[name])
    label = f"`{name}`" + ("" if n == int(E["BENCH_RUNS"]) else f" ({n} run{'s' if n > 1 else ''})")
    if is_comp(name):
        pz = os.path.getsize(out_file(name, "pigz"))
        ob, ratio = f"{size[name]:,}", f"{size[name]/pz:.4f}"
    else:
        ob, ratio = "—", "—"
    mbs = corpus / wall / 1e6 if wall > 0 else float("inf")
    L.append(f"| {label} | {wall:.2f} | {user+sys_:.2f} | {mbs:.1f} | {ob} | {ratio} | {rss/1024:.1f} |")
L.append("")
L.append("Wall s is the median over the runs (the lower median for an even count); "
         "MB/s is corpus (uncompressed) bytes ÷ wall ÷ 10⁶, for compression and "
         "decompression alike. CPU s is user + sys of the median run, children included. "
         "Peak RSS is /usr/bin/time's %M: the maximum resident set of the largest single "
         "process in the tree (bale's worker processes are reaped by bale, so they count), "
         "not the sum over processes.")
L.append("")

# Scaling, from this run.
def wall(name): return pick(name)[0]
codec_name = next(n for n in order if is_codec(n))
codec_mbs = corpus / wall(codec_name) / 1e6
cores = int(E["NPROC"])
L.append("## Scaling\n")
L.append(f"The codec alone: `bench/codec.c` compresses the corpus, in memory, in 4 MiB chunks "
         f"with libdeflate -6 and takes each chunk's CRC-32, one chunk after another on one core: "
         f"median {wall(codec_name):.2f} s, **{codec_mbs:.1f} MB/s**. That is the most one worker can do; "
         f"{cores} cores can do at most {cores} × that. Efficiency is bale's throughput ÷ "
         f"(min(-p, cores) × the codec alone).\n")
L.append("| bale gzip -6 | wall s | MB/s | × -p 1 | efficiency |")
L.append("|---|---:|---:|---:|---:|")
p1 = wall("bale gzip -6 -p 1 -c corpus.tar")
for p in (1, 2, 4):
    w = wall(f"bale gzip -6 -p {p} -c corpus.tar")
    mbs = corpus / w / 1e6
    L.append(f"| `-p {p}` | {w:.2f} | {mbs:.1f} | {p1 / w:.2f} | {mbs / (min(p, cores) * codec_mbs):.0%} |")
L.append("")

# Targets, from this run (issue 6's; issue 2 asked for >= 1.30 and >= 2.00).
c_bale, c_pigz = f"bale gzip -6 -p {jobs} -c corpus.tar", f"pigz -6 -p {jobs} -c corpus.tar"
f_bale, f_pigz = f"bale gzip -1 -p {jobs} -c corpus.tar", f"pigz -1 -p {jobs} -c corpus.tar"
d_bale, d_pigz = f"bale gunzip -p {jobs} -c bale6.gz", "pigz -dc bale6.gz"
t = [
    ("bale gzip -6 throughput ÷ pigz -6 throughput (-p %s)" % jobs,
     wall(c_pigz) / wall(c_bale), ">= 2.20", lambda x: x >= 2.2, "{:.2f}"),
    ("bale gzip -6 size ÷ pigz -6 size",
     size[c_bale] / size[c_pigz], "<= 1.0000", lambda x: x <= 1.0, "{:.4f}"),
    ("bale gzip -1 throughput ÷ pigz -1 throughput (-p %s)" % jobs,
     wall(f_pigz) / wall(f_bale), ">= 1.80", lambda x: x >= 1.8, "{:.2f}"),
    ("bale gunzip speed ÷ pigz -dc speed (bale6.gz)",
     wall(d_pigz) / wall(d_bale), ">= 3.00", lambda x: x >= 3.0, "{:.2f}"),
    ("bale gzip -6: -p 2 throughput ÷ -p 1 throughput",
     p1 / wall(c_bale), ">= 1.85", lambda x: x >= 1.85, "{:.2f}"),
]
L.append("## Targets\n")
L.append("| target | this run | goal | result |")
L.append("|---|---:|---:|---|")
for label, val, goal, ok, fmt in t:
    L.append(f"| {label} | {fmt.format(val)} | {goal} | {'PASS' if ok(val) else 'MISS'} |")
print("\n".join(L))
PY

echo
cat "$RESULTS"
echo
log "report written to $RESULTS"
