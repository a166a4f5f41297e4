#!/usr/bin/env bash
# bench/index.sh — issue 19's lines of `make bench`: what an indexed archive
# gives, beside GNU tar on the same archive (bale's, which tar reads too):
#
#   bale list                        vs tar -tzf                (goal ≥ 50×)
#   bale cat of one file (middle)    vs tar -xzOf of it         (goal ≥ 50×)
#   bale unpack of two named files   vs tar -xzf of one of them (goal ≥ 20×)
#
# on one archive of about 500 MB and 30,000+ entries packed by bale from
# files already on the machine (/usr/include, /usr/share, Python's library),
# copied once into bench/work/index/tree and packed by the bale under test. GNU tar reads the whole stream to find a
# name or to list; bale reads the index from the file's tail and, for cat
# and unpack, only the members holding the named entries.
#
# Called by bench/run.sh (its report gets this section); runs alone too:
#   bash bench/index.sh             writes bench/index-results.md
#   BENCH_QUICK=1 bash bench/index.sh   a ~24 MB archive, one run each
#
# Times are wall clock around each command, in microseconds from bash's
# $EPOCHREALTIME (bale's answers take tens of milliseconds, finer than
# /usr/bin/time's 10 ms); rounds interleave bale and tar; the median of BENCH_RUNS is taken.
# The outputs are checked against tar's before the report is written.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$ROOT/bench/index-results.md"
BENCH_QUICK="${BENCH_QUICK:-0}"
if [[ "$BENCH_QUICK" == 1 ]]; then
    BENCH_RUNS="${BENCH_RUNS:-1}"
    WORK="$ROOT/bench/work/quick/index"
    CAP=$((24 * 1000 * 1000))
else
    BENCH_RUNS="${BENCH_RUNS:-3}"
    WORK="$ROOT/bench/work/index"
    CAP=$((500 * 1000 * 1000))
fi
XDIR="${BENCH_XDIR:-/dev/shm/bale-bench-x}/index"

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
check_counts BENCH_RUNS
require_tools tar python3 cmp
[[ -n "${BALE:-}" && -x "${BALE:-}" ]] || build_bale
mkdir -p "$WORK"

# --- 1. The archive (once) ---------------------------------------------------
if [[ ! -f "$WORK/.built" ]]; then
    log "building the index corpus in $WORK (once)"
    rm -rf "$WORK/tree" && mkdir -p "$WORK/tree"
    python3 - "$CAP" > "$WORK/files.txt" <<'PY'
import glob, os, stat, sys
cap, total, files = int(sys.argv[1]), 0, []
for top in ["/usr/include", "/usr/share"] + sorted(glob.glob("/usr/lib/python3*")):
    for d, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode) and total + st.st_size <= cap:
                files.append(p[1:]); total += st.st_size
print("\n".join(files))
PY
    tar -C / -cf - --files-from="$WORK/files.txt" | tar -C "$WORK/tree" -xf -
    touch "$WORK/.built"
fi
cd "$WORK"
# Packed anew by the bale under test (a few seconds): its index is the one
# this bale writes and reads.
rm -f archive.tar.gz
"$BALE" pack -q tree -o archive.tar.gz
ENTRIES=$("$BALE" list archive.tar.gz | wc -l)
# The regular files, in archive order: the one in the middle for cat, it
# and the one three quarters in for unpack.
"$BALE" list archive.tar.gz | awk '$1 ~ /^-/ { print $NF }' > regular.txt
FILES=$(wc -l < regular.txt)
MIDDLE=$(sed -n "$((FILES / 2))p" regular.txt)
LATER=$(sed -n "$((FILES * 3 / 4))p" regular.txt)
[[ -n "$MIDDLE" && -n "$LATER" && "$MIDDLE" != *" "* && "$LATER" != *" "* ]] ||
    die "no plain names to pick at the middle and three quarters of the archive"

# --- 2. Measurement ----------------------------------------------------------
TIMES="$WORK/times.tsv"
: > "$TIMES"
# clock NAME OUT CMD...: one run of CMD, standard output to OUT, its wall
# seconds to $TIMES.
clock() {
    local name="$1" out="$2"; shift 2
    # Microseconds from bash's own clock, which starts no process (as
    # bench/lib.sh's `timed`; `date` added ~0.7 ms a reading): the
    # separator dropped from $EPOCHREALTIME's six decimals.
    local start end
    start=${EPOCHREALTIME/[.,]/}
    "$@" > "$out" || die "command failed: $*"
    end=${EPOCHREALTIME/[.,]/}
    printf '%s\t%s\n' "$name" "$((end - start))" >> "$TIMES"
    printf '   %-34s %8.3f s\n' "$name" "$((end - start))e-6" >&2
}
fresh_xdir() { rm -rf "$XDIR" && mkdir -p "$XDIR/bale" "$XDIR/tar"; }

LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
cat archive.tar.gz > /dev/null       # warm the page cache
for ((r = 1; r <= BENCH_RUNS; r++)); do
    log "index round $r/$BENCH_RUNS"
    clock "bale list"        bale.list  "$BALE" list archive.tar.gz
    clock "tar -tzf"         tar.list   tar -tzf archive.tar.gz
    clock "bale cat"         bale.cat   "$BALE" cat archive.tar.gz "$MIDDLE"
    clock "tar -xzOf"        tar.cat    tar -xzOf archive.tar.gz "$MIDDLE"
    fresh_xdir
    clock "bale unpack two"  /dev/null  "$BALE" unpack archive.tar.gz -C "$XDIR/bale" "$MIDDLE" "$LATER"
    clock "tar -xzf one"     /dev/null  tar -xzf archive.tar.gz -C "$XDIR/tar" "$MIDDLE"
done

# --- 3. Checks (untimed) -----------------------------------------------------
[[ $(wc -l < bale.list) == $(wc -l < tar.list) ]] || die "bale list and tar -tzf list different numbers of entries"
cmp -s bale.cat tar.cat || die "bale cat $MIDDLE differs from tar -xzOf's"
cmp -s "$XDIR/bale/$MIDDLE" "$XDIR/tar/$MIDDLE" || die "bale unpack's $MIDDLE differs from tar's"
tar -xzOf archive.tar.gz "$LATER" | cmp -s - "$XDIR/bale/$LATER" || die "bale unpack's $LATER differs from tar's"
rm -rf "$XDIR"

# --- 4. Report ---------------------------------------------------------------
export_machine_facts
export TIMES LOADAVG ENTRIES MIDDLE LATER BENCH_RUNS BENCH_QUICK
export ARCHIVE_BYTES="$(stat -c %s archive.tar.gz)" TAR_V="$(tar --version | sed -n 1p)"
python3 - > "$RESULTS" <<'PY'
import datetime, os, statistics
from collections import defaultdict
E = os.environ
runs = defaultdict(list)
for line in open(E["TIMES"]):
    name, micro = line.rstrip("\n").split("\t")
    runs[name].append(int(micro) / 1e6)
def t(name): return statistics.median(runs[name])
rows = [("`list` vs `tar -tzf`", 50, "tar -tzf", "bale list"),
        ("`cat` of one file from the middle vs `tar -xzOf` of it", 50, "tar -xzOf", "bale cat"),
        ("`unpack` of two named files vs `tar -xzf` of one", 20, "tar -xzf one", "bale unpack two")]
L = ["## Indexed archives (issue 19)\n"]
if E["BENCH_QUICK"] == "1":
    L.append("**Quick run (BENCH_QUICK=1): a ~24 MB archive, one run each; not the goals' figures.**\n")
L.append(f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}; bale {E['REV']}; {E['TAR_V']}")
L.append(f"- `bash bench/index.sh` (from `make bench`), BENCH_RUNS={E['BENCH_RUNS']} (median wall time); "
         f"load average before timing: {E['LOADAVG']}")
L.append(f"- archive: packed by bale (with its index), {int(E['ARCHIVE_BYTES'])/1e6:.1f} MB, {int(E['ENTRIES']):,} entries "
         "(/usr/include, /usr/share, Python's library); both tools read the same file")
L.append(f"- cat: `{E['MIDDLE']}`; unpack: it and `{E['LATER']}` (tar: the first only)")
L.append("")
L.append("| job | goal | bale s | tar s | ratio | holds |")
L.append("|---|---|---:|---:|---:|---|")
for job, goal, theirs, ours in rows:
    ratio = t(theirs) / t(ours)
    L.append(f"| {job} | ≥ {goal}× | {t(ours):.3f} | {t(theirs):.3f} | {ratio:.1f}× | {'yes' if ratio >= goal else 'no'} |")
L.append("")
L.append("A ratio is tar's wall time ÷ bale's: how many times faster bale is.")
print("\n".join(L))
PY
echo
cat "$RESULTS"
log "report written to $RESULTS"
