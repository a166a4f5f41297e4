#!/usr/bin/env bash
# bench/pack.sh — benchmark of `bale pack` and `bale unpack` (part of `make bench`).
#
# Builds bale in release mode, builds (once) two directory trees from files
# already on the machine, then, on each tree, times
#   packing:   bale pack -p 2   vs  tar -cf - | pigz -p 2  vs  tar -czf (gzip)
#   unpacking: bale unpack -p 2 vs  pigz -dc | tar -xf -   vs  tar -xzf
# and writes a markdown report to bench/pack-results.md.
#
# The trees, in bench/work/ (gitignored):
#   big/    ~0.5 GB of large and medium files: the same sources as run.sh's
#           corpus (/usr/include, /usr/share/doc, the Swift runtime .so files,
#           swift-frontend), copied with their absolute paths kept below big/.
#   small/  the first 100,000 regular files under 64 KiB of /usr/share,
#           /usr/include and /root/.pyenv (in that order, each sorted),
#           copied with their directory structure kept below small/.
# Both are real copies (cp -a, hard links between files not preserved), so
# every timed command reads real file data. rm -rf bench/work/big (or small)
# to rebuild one.
#
# Extraction targets live on tmpfs, in /dev/shm/bale-x (BENCH_XDIR to
# change it), and each is deleted (untimed) before the next run. On this
# machine's ext4 (no journal) extraction timings were not repeatable: the
# kernel skips recently freed inodes one by one (ext4's recently_deleted()),
# so whatever deleted many files in the minutes before (an earlier run's
# cleanup, a test) made every tool's 100,000-file extraction 3-10x slower
# (measured: 4.3 s -> 13-17 s for pigz -dc | tar -x, bale alike), and the
# ratio between tools moved with it. On tmpfs every tool pays the same, and
# only its own work: reading the archive, inflating, creating the files.
# The packed trees and the archives stay in bench/work (ext4).
#
# Environment:
#   BENCH_RUNS  runs per command, median taken (default 3)
#   GZIP_RUNS   runs per gzip (single-core anchor) command (default 1)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/bench/work"
RESULTS="$ROOT/bench/pack-results.md"
BENCH_RUNS="${BENCH_RUNS:-3}"
GZIP_RUNS="${GZIP_RUNS:-1}"
JOBS=2                                   # -p for bale and pigz
TREES=(big small)
OUT="out"                                # archives, relative to $WORK
XDIR="${BENCH_XDIR:-/dev/shm/bale-x}"     # extraction targets, on tmpfs (see above)
TIMES="$WORK/pack-times.tsv"             # raw measurements of this run
TREEINFO="$WORK/pack-trees.tsv"          # tree, files, entries, bytes
# Each tree's sources are recorded beside it (not inside) in $WORK/T.sources.
BIG_MIN=$((450 * 1000 * 1000))           # target size range of big/, bytes
BIG_MAX=$((600 * 1000 * 1000))
SMALL_FILES=100000                       # files in small/
SMALL_LIMIT=65536                        # small/ takes files strictly below this size, bytes

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
check_counts BENCH_RUNS GZIP_RUNS

# --- 1. Tools and the release binary -----------------------------------------
require_tools pigz gzip python3 tar diff cp find sort xargs
build_bale

mkdir -p "$WORK"
cd "$WORK"   # every command below uses paths relative to bench/work

# --- 2. The input trees ------------------------------------------------------

# big/: run.sh's corpus selection (same sources, same order, same size
# range), but as a directory tree instead of one tar file.
build_big() {
    local dest="$1" p
    local -a paths=() rel=()
    mapfile -t paths < <(corpus_sources "$BIG_MIN" "$BIG_MAX")
    (( ${#paths[@]} > 0 )) || die "no sources for big/"
    for p in "${paths[@]}"; do rel+=("${p#/}"); done
    printf '%s\n' "${paths[@]}" > "$WORK/big.sources"
    # --parents keeps each source's absolute path below $dest (big/usr/include/...).
    (cd / && cp -a --no-preserve=links --parents -t "$dest" -- "${rel[@]}")
}

# small/: the first $SMALL_FILES regular files below $SMALL_LIMIT bytes,
# taking the sources in order and each source's files in sorted (C locale)
# order, so that the selection is the same on every run of the same machine.
build_small() {
    local dest="$1" src list="$WORK/small.list"
    local -a sources=(/usr/share /usr/include)
    # /root/.pyenv if present; otherwise (or if still short) other system dirs.
    [[ -d /root/.pyenv ]] && sources+=(/root/.pyenv)
    sources+=(/usr/lib /opt/swift)
    : > "$list.all"
    for src in "${sources[@]}"; do
        [[ -d "$src" && ! -L "$src" ]] || continue
        { find "$src" -type f -size "-${SMALL_LIMIT}c" -print0 ||
              log "warning: find reported errors under $src"; } |
            LC_ALL=C sort -z >> "$list.all"
    done
    # The first N names, made relative to / for cp --parents. (Cut from the
    # complete list in a file, not from a live pipe, so that pipefail does
    # not see a SIGPIPE.)
    head -z -n "$SMALL_FILES" "$list.all" | sed -z 's|^/||' > "$list"
    rm -f "$list.all"
    local n
    n=$(tr -cd '\0' < "$list" | wc -c)
    (( n == SMALL_FILES )) || log "warning: only $n files found for small/ (wanted $SMALL_FILES)"
    # Record how many files each source gave ("count<TAB>source").
    : > "$WORK/small.sources"
    for src in "${sources[@]}"; do
        n=$(grep -zc "^${src#/}/" "$list" || true)
        if (( n > 0 )); then printf '%s\t%s\n' "$n" "$src" >> "$WORK/small.sources"; fi
    done
    # Batched cp -a --parents: keeps each file's directory structure (and
    # the attributes of the parent directories it creates).
    (cd / && xargs -0 -a "$list" cp -a --no-preserve=links --parents -t "$dest" --)
    rm -f "$list"
}

# Build a tree into T.tmp and rename it to T only when complete, so that an
# interrupted build is never mistaken for a finished one (and no marker file
# has to live inside the tree).
for T in "${TREES[@]}"; do
    if [[ -d "$T" ]]; then
        log "reusing tree $WORK/$T"
    else
        log "building tree $WORK/$T (once; this takes a while)"
        rm -rf "$T.tmp"; mkdir "$T.tmp"
        "build_$T" "$WORK/$T.tmp"
        mv "$T.tmp" "$T"
    fi
done

# Count and size each tree: regular files, all entries (what tar lists:
# files, directories, symlinks, including the top directory), and the bytes
# of the regular files (the data every command has to read or write).
: > "$TREEINFO"
for T in "${TREES[@]}"; do
    find "$T" -printf '%y %s\n' |
        awk -v t="$T" '{ e++ } $1 == "f" { f++; b += $2 } END { printf "%s\t%d\t%d\t%d\n", t, f, e, b }' >> "$TREEINFO"
done
python3 - "$TREEINFO" <<'PY'
import sys
for line in open(sys.argv[1]):
    t, files, entries, size = line.split()
    print(f"tree {t + '/':7} {int(files):>8,} files {int(entries):>8,} entries {int(size)/1e6:8.1f} MB")
PY
big_bytes=$(awk '$1 == "big" { print $4 }' "$TREEINFO")
(( big_bytes >= BIG_MIN && big_bytes <= BIG_MAX )) ||
    log "warning: big/ holds $big_bytes bytes, outside the 450-600 MB target"

# --- 3. Correctness, before any timing ---------------------------------------
[[ "$(stat -f -c %T "$(dirname "$XDIR")")" == tmpfs ]] ||
    die "$(dirname "$XDIR") is not a tmpfs: set BENCH_XDIR to a directory on one (see the top of this file)"
rm -rf -- "$XDIR"
mkdir -p "$OUT" "$XDIR"
need=$(awk '{ if ($4 > b) b = $4 } END { printf "%d", b * 2 }' "$TREEINFO")
have=$(( $(df -Pk "$XDIR" | awk 'NR == 2 { print $4 }') * 1024 ))
(( have >= need )) ||
    die "$((have / 1000000)) MB free in $XDIR, an extracted tree needs about $((need / 1000000)) MB"

# Read a whole tree through a pipe, to warm the page cache. (Not straight to
# /dev/null: GNU tar notices an archive on /dev/null and skips reading the
# file data altogether.)
warm() { tar -cf - "$1" | cat > /dev/null; }

for T in "${TREES[@]}"; do
    log "checking bale on $T/ (untimed)"
    # Reference listing: a plain GNU tar of the tree (this also warms the cache).
    tar -cf - "$T" | tar -tf - > "$OUT/plain-$T.list"

    # bale pack must archive every entry GNU tar does.
    rm -f "$OUT/bale-$T.tar.gz"
    "$BALE" pack -p "$JOBS" "$T" -o "$OUT/bale-$T.tar.gz" ||
        die "bale pack -p $JOBS $T -o $OUT/bale-$T.tar.gz exited with status $?"
    tar -tzf "$OUT/bale-$T.tar.gz" > "$OUT/bale-$T.list" ||
        die "tar -tzf cannot read $OUT/bale-$T.tar.gz"
    plain_n=$(wc -l < "$OUT/plain-$T.list"); bale_n=$(wc -l < "$OUT/bale-$T.list")
    if (( plain_n != bale_n )); then
        # Show which names differ (directories compared without their trailing /).
        diff <(sed 's|/$||' "$OUT/plain-$T.list" | LC_ALL=C sort) \
             <(sed 's|/$||' "$OUT/bale-$T.list" | LC_ALL=C sort) | head -n 20 >&2 || true
        die "$T: tar -tzf lists $bale_n entries in bale's archive, but $plain_n in a plain tar"
    fi
    log "  $bale_n entries, as in a plain tar"

    # bale unpack must reproduce the tree exactly (contents, and symlinks as
    # symlinks: --no-dereference compares link targets instead of following them).
    rm -rf -- "$XDIR/bale"
    "$BALE" unpack -p "$JOBS" "$OUT/bale-$T.tar.gz" -C "$XDIR/bale" ||
        die "bale unpack -p $JOBS $OUT/bale-$T.tar.gz -C $XDIR/bale exited with status $?"
    if ! diff -r --no-dereference "$T" "$XDIR/bale/$T" > "$OUT/diff-$T.txt" 2>&1; then
        head -n 20 "$OUT/diff-$T.txt" >&2
        die "$T: diff -r $T $XDIR/bale/$T is not empty (full output: $WORK/$OUT/diff-$T.txt)"
    fi
    log "  diff -r $T $XDIR/bale/$T: identical"

    # Metadata (informational only): type, mode, size and mtime of every entry.
    # Directory sizes and mtimes are left out (they depend on the file system
    # and on extraction order).
    # (mtimes in whole seconds: what a tar header holds)
    meta() {
        (cd "$1" && find "$T" -printf '%p\t%y\t%m\t' \( -type d -printf '-\t-\n' -o -printf '%s\t%T@\n' \)) |
            sed -E 's/\.[0-9]+$//' | LC_ALL=C sort
    }
    if ! diff <(meta .) <(meta "$XDIR/bale") > "$OUT/meta-$T.txt"; then
        log "  warning: modes/sizes/mtimes differ after bale unpack ($(grep -c '^<' "$OUT/meta-$T.txt") entries); first lines:"
        head -n 6 "$OUT/meta-$T.txt" >&2
    else
        log "  types, modes, sizes and mtimes: identical"
    fi
    rm -rf -- "$XDIR/bale"
done

# --- 4. Measurement ----------------------------------------------------------
# measure TREE NAME CMD...: run CMD once under /usr/bin/time (stdout to
# /dev/null; pipelines run as one `bash -c`, so that the whole pipeline is
# timed) and append "TREE NAME wall user sys maxrss_kb" to $TIMES.
measure() {
    local tree="$1" name="$2"; shift 2
    timed /dev/null "$@"
    printf '%s\t%s\t%s\n' "$tree" "$name" "${TIMED// /$'\t'}" >> "$TIMES"
    printf '   %-58s %s\n' "$name" "$TIMED" >&2
}

# Untimed, before each timed command: remove its output (an archive: one
# file; an extraction directory on tmpfs: deleted), and write back
# dirty pages (of earlier archives and extractions) so that the kernel does
# not write them during the command's time.
prepare() {
    local p
    for p in "$@"; do
        rm -rf -- "$p"
    done
    sync
}

# Anything else running skews the timings: record the load before we start.
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before timing: $LOADAVG"
: > "$TIMES"

PIPE_PACK='set -o pipefail; tar -cf - "$1" | pigz -p "$2" > "$3"'
PIPE_UNPACK='set -o pipefail; pigz -dc "$1" | tar -xf - -C "$2"'
for T in "${TREES[@]}"; do
    bale_gz="$OUT/bale-$T.tar.gz" pigz_gz="$OUT/pigz-$T.tar.gz" gzip_gz="$OUT/gzip-$T.tar.gz"
    log "$T/: warming the page cache"
    warm "$T"

    # Packing. Rounds interleave the tools so that drift affects all alike.
    log "$T/ pack: $BENCH_RUNS run(s) each for bale and tar | pigz, $GZIP_RUNS for tar -z"
    for ((r = 1; r <= BENCH_RUNS; r++)); do
        log "round $r/$BENCH_RUNS"
        prepare "$bale_gz"
        measure "$T" "bale pack -p $JOBS $T -o $bale_gz" \
            "$BALE" pack -p "$JOBS" "$T" -o "$bale_gz"
        prepare "$pigz_gz"
        measure "$T" "tar -cf - $T | pigz -p $JOBS > $pigz_gz" \
            bash -c "$PIPE_PACK" _ "$T" "$JOBS" "$pigz_gz"
        if (( r <= GZIP_RUNS )); then
            prepare "$gzip_gz"
            measure "$T" "tar -czf $gzip_gz $T" tar -czf "$gzip_gz" "$T"
        fi
    done
    # The archive of the last timed run is the one unpacked below: list it again.
    n=$(tar -tzf "$bale_gz" | wc -l)
    (( n == $(wc -l < "$OUT/plain-$T.list") )) || die "$T: the timed bale archive lists $n entries"

    # Unpacking, each tool its own archive, into a fresh directory each run.
    log "$T/ unpack: $BENCH_RUNS run(s) each for bale and pigz -dc | tar -x, $GZIP_RUNS for tar -xz"
    for ((r = 1; r <= BENCH_RUNS; r++)); do
        log "round $r/$BENCH_RUNS"
        prepare "$XDIR/bale"                  # bale unpack creates -C DIR itself
        measure "$T" "bale unpack -p $JOBS $bale_gz -C $XDIR/bale" \
            "$BALE" unpack -p "$JOBS" "$bale_gz" -C "$XDIR/bale"
        prepare "$XDIR/pigz"; mkdir "$XDIR/pigz"
        measure "$T" "pigz -dc $pigz_gz | tar -xf - -C $XDIR/pigz" \
            bash -c "$PIPE_UNPACK" _ "$pigz_gz" "$XDIR/pigz"
        if (( r <= GZIP_RUNS )); then
            prepare "$XDIR/tar"; mkdir "$XDIR/tar"
            measure "$T" "tar -xzf $gzip_gz -C $XDIR/tar" tar -xzf "$gzip_gz" -C "$XDIR/tar"
        fi
    done
done

# All timing done: now the extracted copies can go.
rm -rf -- "$XDIR"

# --- 5. Report ---------------------------------------------------------------
INVOKED="bash bench/pack.sh"
[[ -n "${MAKELEVEL:-}" ]] && INVOKED="$INVOKED (from make bench)"
export WORK TIMES TREEINFO BENCH_RUNS GZIP_RUNS JOBS INVOKED LOADAVG OUT XDIR
export_machine_facts
export TAR_V="$(tar --version | sed -n 1p)"

python3 - > "$RESULTS" <<'PY'
import os, statistics, datetime
from collections import defaultdict

E = os.environ
jobs, out, x = E["JOBS"], E["OUT"], E["XDIR"]
trees = {}                          # tree -> (files, entries, bytes)
for line in open(E["TREEINFO"]):
    t, f, e, b = line.split()
    trees[t] = (int(f), int(e), int(b))
runs = defaultdict(list)            # (tree, name) -> [(wall, user, sys, rss_kb)]
order = defaultdict(list)           # tree -> names, in first-run order
for line in open(E["TIMES"]):
    tree, name, wall, user, sys_, rss = line.rstrip("\n").split("\t")
    if name not in order[tree]: order[tree].append(name)
    runs[tree, name].append((float(wall), float(user), float(sys_), int(rss)))

def pick(tree, name):
    """The median run by wall time (lower median for an even count)."""
    rs = runs[tree, name]
    med = statistics.median_low([r[0] for r in rs])
    return next(r for r in rs if r[0] == med)

def archive(tree, tool):
    return os.path.getsize(os.path.join(E["WORK"], out, f"{tool}-{tree}.tar.gz"))

def packed_by(name):
    """The archive a pack command writes: 'bale', 'pigz' or 'gzip'; None for unpacking."""
    if name.startswith("bale pack"): return "bale"
    if "| pigz -p" in name: return "pigz"
    if name.startswith("tar -czf"): return "gzip"
    return None

names = {t: dict(
    pack_bale=f"bale pack -p {jobs} {t} -o {out}/bale-{t}.tar.gz",
    pack_pigz=f"tar -cf - {t} | pigz -p {jobs} > {out}/pigz-{t}.tar.gz",
    unpack_bale=f"bale unpack -p {jobs} {out}/bale-{t}.tar.gz -C {x}/bale",
    unpack_pigz=f"pigz -dc {out}/pigz-{t}.tar.gz | tar -xf - -C {x}/pigz") for t in trees}

L = []
L.append("# bale pack / unpack benchmark\n")
L.append(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
L.append(f"- machine: nproc = {E['NPROC']}, CPU: {E['CPU']}, "
         f"load average before timing: {E['LOADAVG']}")
L.append(f"- command: `{E['INVOKED']}` with BENCH_RUNS={E['BENCH_RUNS']} "
         f"(gzip rows: GZIP_RUNS={E['GZIP_RUNS']})")
L.append(f"- bale {E['REV']}, {E['PIGZ_V']}, {E['TAR_V']}; bale and pigz use -p {jobs}, "
         "all compress at level 6")
L.append("- trees (in bench/work; bytes are the regular files' data):")
def describe(tree):
    """What a tree was copied from, from bench/work/TREE.sources."""
    path = os.path.join(E["WORK"], f"{tree}.sources")
    if not os.path.exists(path):
        return "(sources not recorded)"
    lines = [l.rstrip("\n") for l in open(path) if l.strip()]
    if tree == "small":   # "count<TAB>source": regular files under 64 KiB, sorted, first N
        parts = [f"`{src}` ({int(n):,})" for n, src in (l.split("\t", 1) for l in lines)]
        return "regular files under 64 KiB, the first in sorted order from " + ", ".join(parts)
    sos = [l for l in lines if l.endswith(".so") and "/swift/linux/" in l]
    parts = [f"`{l}`" for l in lines if l not in sos]
    if sos:
        parts.insert(2 if len(parts) >= 2 else len(parts),
                     f"`{os.path.dirname(sos[0])}/*.so` ({len(sos)} files)")
    return "copies of " + ", ".join(parts) + " (as in bench/run.sh's corpus)"

for t, (f, e, b) in trees.items():
    L.append(f"  - `{t}/`: {f:,} files, {e:,} entries, {b:,} bytes ({b/1e6:.1f} MB); {describe(t)}")
L.append("")

def md(text):
    """Text for a markdown table cell: | must be escaped, even in `code`."""
    return text.replace("|", "\\|")

hdr = ["command", "wall s (median)", "CPU s", "MB/s", "output bytes",
       md("size vs `tar | pigz`"), "peak RSS MiB"]
for t, (f, e, b) in trees.items():
    L.append(f"## {t}/ ({f:,} files, {b/1e6:.1f} MB)\n")
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|")
    pz = archive(t, "pigz")
    for name in order[t]:
        wall, user, sys_, rss = pick(t, name)
        n = len(runs[t, name])
        label = f"`{md(name)}`" + ("" if n == int(E["BENCH_RUNS"]) else f" ({n} run{'s' if n > 1 else ''})")
        tool = packed_by(name)
        if tool:
            size = archive(t, tool)
            ob, ratio = f"{size:,}", f"{size/pz:.4f}"
        else:
            ob, ratio = "—", "—"
        mbs = b / wall / 1e6 if wall > 0 else float("inf")
        L.append(f"| {label} | {wall:.2f} | {user+sys_:.2f} | {mbs:.1f} | {ob} | {ratio} | {rss/1024:.1f} |")
    L.append("")
L.append("Wall s is the median over the runs (the lower median for an even count); MB/s is "
         "the tree's file bytes ÷ wall ÷ 10⁶, for packing and unpacking alike. CPU s is user + "
         "sys of the median run, children included. Peak RSS is /usr/bin/time's %M: the largest "
         "single process of the command (pipeline), not the sum. Page cache warm; each unpack "
         f"writes into a fresh directory under {x} (tmpfs: see bench/pack.sh for why; the trees "
         "and archives are on ext4); `sync` runs (untimed) before every timed command.")
L.append("")

# Targets, from this run.
def wall(t, key): return pick(t, names[t][key])[0]
rows = []
for t in trees:
    rows += [
        (f"{t}/: bale pack wall ÷ `tar \\| pigz -p {jobs}` wall",
         wall(t, "pack_bale") / wall(t, "pack_pigz"), "<= 0.75", lambda x: x <= 0.75, "{:.2f}"),
        *([(f"{t}/: bale pack wall ÷ `tar \\| pigz -p {jobs}` wall (issue 6)",
            wall(t, "pack_bale") / wall(t, "pack_pigz"), "<= 0.45", lambda x: x <= 0.45, "{:.2f}")]
          if t == "big" else []),
        (f"{t}/: bale archive size ÷ pigz archive size",
         archive(t, "bale") / archive(t, "pigz"), "<= 1.005", lambda x: x <= 1.005, "{:.4f}"),
        (f"{t}/: `pigz -dc \\| tar -x` wall ÷ bale unpack wall",
         wall(t, "unpack_pigz") / wall(t, "unpack_bale"), ">= 1.50", lambda x: x >= 1.5, "{:.2f}"),
    ]
L.append("## Targets\n")
L.append("| target | this run | goal | result |")
L.append("|---|---:|---:|---|")
for label, val, goal, ok, fmt in rows:
    L.append(f"| {label} | {fmt.format(val)} | {goal} | {'PASS' if ok(val) else 'MISS'} |")
print("\n".join(L))
PY

echo
cat "$RESULTS"
echo
log "report written to $RESULTS"
