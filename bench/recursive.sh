#!/usr/bin/env bash
# bench/recursive.sh — benchmark of `bale gzip -r` (issue 4; part of `make bench`).
#
# Compressing a directory tree file by file, in place, is what `gzip -r`
# does; with many small files the work per file (open, stat, create,
# rename, set times) weighs as much as the compression, so this measures
# something bench/run.sh (one big stream) and bench/pack.sh (one archive)
# do not. Builds bale in release mode, then, on each of the two trees that
# bench/pack.sh builds in bench/work/, times
#   bale gzip -r -k -p 2 DIR
#   gzip -r -k DIR
#   pigz -r -k -p 2 DIR
#   find DIR -type f ! -name '*.gz' -print0 | xargs -0 -P 2 -n 256 gzip -k
# (the last is what one writes today to use both cores with plain gzip; it
# runs as one `bash -c`, so that the whole pipeline is timed). All at the
# default level, 6; GZIP and PIGZ are unset so that no option comes from the
# environment. The report goes to bench/recursive-results.md.
#
# The trees (built by bench/pack.sh, reused here; run `bash bench/pack.sh`
# first if bench/work/big or bench/work/small is missing):
#   big/    ~0.5 GB of large and medium files (/usr/include, /usr/share/doc,
#           the Swift runtime .so files, swift-frontend).
#   small/  100,000 regular files under 64 KiB (/usr/share, /usr/include,
#           /root/.pyenv).
# Each command compresses its own fresh copy of the tree: before every timed
# run the tree is copied (cp -a, untimed) to /dev/shm/bale-r/TOOL (BENCH_RDIR
# to change it; it must be on tmpfs), then `sync` writes back dirty pages;
# after the run the copy is checked and deleted (untimed). tmpfs, as in
# pack.sh: on this machine's ext4, creating and deleting 100,000 files is
# not repeatable from run to run (see bench/pack.sh), and every tool pays
# the same on tmpfs: reading, compressing, creating the .gz files.
#
# What the trees hold besides files to compress, and what each tool says
# about it (measured with gzip 1.12 and pigz 2.6):
#   - files already ending in .gz (from /usr/share/doc and others): gzip -r
#     skips them silently (exit 0); pigz prints "skipping: F ends with .gz"
#     for each and exits 1, even with -q; the find | xargs line leaves them
#     out itself.
#   - symbolic links (big/ only): gzip prints "F: Too many levels of
#     symbolic links" (it opens with O_NOFOLLOW without -f) and exits 1;
#     pigz prints "skipping: F is a symbolic link" and exits 1.
#   - a file F beside an F.gz that is already there (two in small/): gzip
#     prints "F.gz already exists; not overwritten" and exits 2 (with stdin
#     not a terminal: every command runs with stdin from /dev/null, so that
#     nothing can stop to ask), pigz "skipping: F.gz exists"; with xargs the
#     gzip that meets it exits 2 and so xargs exits 123.
# So a run counts as successful when its exit status is 0, 1 or 2 (123 for
# the xargs line) AND every line it wrote to stderr is one of these skip
# messages (any other line ends the benchmark), AND the checks below pass.
# The report gives each command's exit status and number of stderr lines.
#
# Checks after every timed run (untimed), for every tool: the .gz files
# created are exactly one F.gz for each regular file F not ending in .gz
# (less those whose F.gz was already there), the originals are all still
# there (-k), the .gz files that were there are unchanged (size and mtime),
# and nothing else appeared (no temporary files left behind). A mismatch
# ends the benchmark for bale and gzip; for pigz and the xargs line it is
# logged and shows in the report's ".gz files" column. For bale also:
# gzip -t on every .gz it created, and ~200 of them (evenly spread)
# decompressed and compared with the original bytes.
#
# Environment:
#   BENCH_RUNS       runs per command, median taken (default 3); rounds
#                    interleave the tools so that drift affects all alike
#   BENCH_RDIR       where the copies go (default /dev/shm/bale-r; tmpfs)
#   BENCH_SKIP_BALE  1: leave bale out (not built, not run): to try the
#                    script before `bale gzip -r` exists
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$ROOT/bench/work"
RESULTS="$ROOT/bench/recursive-results.md"
BENCH_RUNS="${BENCH_RUNS:-3}"
BENCH_SKIP_BALE="${BENCH_SKIP_BALE:-0}"
JOBS=2                                   # -p for bale and pigz, -P for xargs
TREES=(big small)
RDIR="${BENCH_RDIR:-/dev/shm/bale-r}"     # the copies, on tmpfs (see above)
TIMES="$WORK/recursive-times.tsv"        # raw measurements of this run
TREEINFO="$WORK/recursive-trees.tsv"     # what each tree holds (see section 2)
LISTS="$WORK/recursive-lists"            # NUL-separated name lists, sorted (C locale)
SAMPLE=200                               # bale outputs compared byte for byte, per run

# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
check_counts BENCH_RUNS
[[ "$BENCH_SKIP_BALE" =~ ^[01]$ ]] || die "BENCH_SKIP_BALE must be 0 or 1 (got '$BENCH_SKIP_BALE')"
unset GZIP PIGZ                          # gzip and pigz read options from these

# --- 1. Tools, the release binary, the trees ---------------------------------
require_tools pigz gzip python3 find xargs sort comm cmp cp sed
if (( BENCH_SKIP_BALE )); then
    log "BENCH_SKIP_BALE=1: bale is left out (not built, not run)"
    TOOLS=(gzip pigz xargs)
else
    build_bale
    TOOLS=(bale gzip pigz xargs)
fi

for T in "${TREES[@]}"; do
    [[ -d "$WORK/$T" ]] ||
        die "no tree $WORK/$T: run 'bash bench/pack.sh' first (it builds bench/work/big and bench/work/small, once)"
done
cd "$WORK"   # tree names below are relative to bench/work (and to each copy's directory)

[[ "$(stat -f -c %T "$(dirname "$RDIR")")" == tmpfs ]] ||
    die "$(dirname "$RDIR") is not a tmpfs: set BENCH_RDIR to a directory on one (see the top of this file)"
mkdir -p "$RDIR" "$LISTS"

# The temporary file timed() uses, made here so that the EXIT trap also
# removes the copies (timed() sets its own trap only when TF is unset).
# Only what this script creates below $RDIR is removed, never $RDIR's other contents.
TF="$(mktemp)"
cleanup() {
    rm -f "$TF"
    local t
    for t in bale gzip pigz xargs probe; do rm -rf -- "${RDIR:?}/$t" "$RDIR/$t.err" "$RDIR/$t.err.status"; done
    rmdir -- "$RDIR" 2>/dev/null || true
}
trap cleanup EXIT

# --- 2. What each tree holds -------------------------------------------------
# Per tree, in $LISTS:
#   T.plain  regular files not ending in .gz (what -r compresses)
#   T.gz0    regular files already ending in .gz (skipped), and T.gz0meta:
#            each with its size and mtime, to check that they stay unchanged
#   T.want   the .gz files a run must create: F.gz for each F in T.plain,
#            less those that already exist (the tool must leave those alone)
count0() { tr -cd '\0' | wc -c; }    # entries in a NUL-separated list on stdin
gzmeta() { find "$1" -type f -name '*.gz' -printf '%p/%s/%T@\0' | LC_ALL=C sort -z; }
: > "$TREEINFO"
for T in "${TREES[@]}"; do
    find "$T" -type f ! -name '*.gz' -print0 | LC_ALL=C sort -z > "$LISTS/$T.plain"
    find "$T" -type f -name '*.gz' -print0 | LC_ALL=C sort -z > "$LISTS/$T.gz0"
    gzmeta "$T" > "$LISTS/$T.gz0meta"
    sed -z 's/$/.gz/' "$LISTS/$T.plain" | LC_ALL=C sort -z |
        LC_ALL=C comm -z -23 - "$LISTS/$T.gz0" > "$LISTS/$T.want"
    # tree, files, bytes, .gz files, .gz bytes, symlinks, entries, to compress: files, bytes
    read -r files bytes gzf gzb links entries plainb < <(
        find "$T" \( -type f -name '*.gz' -printf 'g %s\n' \) -o \( -type f -printf 'f %s\n' \) \
                  -o \( -type l -printf 'l 0\n' \) -o -printf 'o 0\n' |
            awk '{ e++ } $1 != "o" && $1 != "l" { f++; b += $2 } $1 == "g" { gf++; gb += $2 }
                 $1 == "f" { pb += $2 } $1 == "l" { l++ }
                 END { printf "%d %d %d %d %d %d %d\n", f, b, gf, gb, l, e, pb }')
    want=$(count0 < "$LISTS/$T.want")
    printf '%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n' \
        "$T" "$files" "$bytes" "$gzf" "$gzb" "$links" "$entries" "$want" "$plainb" >> "$TREEINFO"
    log "tree $T/: $files files ($((bytes / 1000000)) MB), of which $gzf already .gz; $links symlinks;" \
        "$want files to compress ($((plainb / 1000000)) MB)"
    (( want == $(count0 < "$LISTS/$T.plain") )) ||
        log "  $(( $(count0 < "$LISTS/$T.plain") - want )) of them have their F.gz already (the tools must skip them)"
done

need=$(awk '{ if ($3 > b) b = $3 } END { printf "%d", b * 2 }' "$TREEINFO")
have=$(( $(df -Pk "$RDIR" | awk 'NR == 2 { print $4 }') * 1024 ))
(( have >= need )) ||
    die "$((have / 1000000)) MB free in $RDIR, a copy and its .gz files need about $((need / 1000000)) MB"

# --- 3. The commands ---------------------------------------------------------
# Runs CMD... (in the current directory, stdin from /dev/null, stderr to
# ERR) and writes its exit status to ERR.status. Succeeds when the status is
# one of OK (a space-separated list); otherwise shows the last messages.
# Usage: bash -c "$WRAP" _ ERR "OK" CMD...
# shellcheck disable=SC2016  # expanded by the inner bash
WRAP='err=$1 ok=$2; shift 2; "$@" < /dev/null 2> "$err"; s=$?; echo "$s" > "$err.status"
      case " $ok " in *" $s "*) exit 0 ;; esac; tail -n 5 "$err" >&2; exit "$s"'
# shellcheck disable=SC2016
PIPE_XARGS='set -o pipefail; find "$1" -type f ! -name "*.gz" -print0 | xargs -0 -P "$2" -n 256 gzip -k'
# The stderr lines a run may write: the skip messages described at the top.
SKIP_RE='Too many levels of symbolic links$|is a symbolic link|already has \.gz suffix -- unchanged$|ends with \.gz$|already exists;[[:space:]]+not overwritten$|skipping: .* exists$'

# set_command TOOL TREE: sets CMD (the argv), NAME (as the report shows it)
# and OK (the exit statuses accepted, see the top).
set_command() {
    local t="$2"
    case "$1" in
        bale)  CMD=("$BALE" gzip -r -k -p "$JOBS" "$t"); NAME="bale gzip -r -k -p $JOBS $t"; OK="0 1 2" ;;
        gzip)  CMD=(gzip -r -k "$t"); NAME="gzip -r -k $t"; OK="0 1 2" ;;
        pigz)  CMD=(pigz -r -k -p "$JOBS" "$t"); NAME="pigz -r -k -p $JOBS $t"; OK="0 1 2" ;;
        xargs) CMD=(bash -c "$PIPE_XARGS" _ "$t" "$JOBS")
               NAME="find $t -type f ! -name '*.gz' -print0 | xargs -0 -P $JOBS -n 256 gzip -k"; OK="0 123" ;;
        *) die "unknown tool $1" ;;
    esac
}

# Before any timing: does this bale have -r at all? (A tiny tree, untimed.)
if (( ! BENCH_SKIP_BALE )); then
    rm -rf -- "$RDIR/probe"; mkdir -p "$RDIR/probe/t/d"
    echo probe > "$RDIR/probe/t/d/f"; echo probe | gzip > "$RDIR/probe/t/g.gz"
    status=0
    (cd "$RDIR/probe" && "$BALE" gzip -r -k -p "$JOBS" t < /dev/null) || status=$?
    if (( status > 2 )) || [[ ! -f "$RDIR/probe/t/d/f.gz" ]]; then
        die "'bale gzip -r -k' (exit status $status) does not compress a small tree with this build (BENCH_SKIP_BALE=1 leaves bale out)"
    fi
    rm -rf -- "$RDIR/probe"
fi

# --- 4. Measurement ----------------------------------------------------------
# fresh_copy TOOL TREE: $RDIR/TOOL/TREE, a new copy of bench/work/TREE (untimed).
fresh_copy() {
    rm -rf -- "${RDIR:?}/$1"; mkdir -p "$RDIR/$1"
    cp -a -- "$2" "$RDIR/$1/"
    sync
}

# verify TOOL TREE: the checks described at the top, on $RDIR/TOOL/TREE
# after the run; sets MADE (new .gz files) and GZBYTES (their bytes).
verify() {
    local tool="$1" t="$2" d="$RDIR/$1" f n other missing extra strict=0
    [[ "$tool" == bale || "$tool" == gzip ]] && strict=1
    # Its messages: only the skip messages.
    other=$(grep -Evc -- "$SKIP_RE" "$d.err" || true)
    if (( other > 0 )); then
        cp "$d.err" "$WORK/recursive-$tool-$t.err"
        grep -Ev -- "$SKIP_RE" "$d.err" | head -n 10 >&2
        die "$tool on $t/: $other unexpected line(s) on stderr (above; all in $WORK/recursive-$tool-$t.err)"
    fi
    (cd "$d" && find "$t" -type f -name '*.gz' -print0 | LC_ALL=C sort -z |
        LC_ALL=C comm -z -23 - "$LISTS/$t.gz0") > "$LISTS/new"
    MADE=$(count0 < "$LISTS/new")
    GZBYTES=$(cd "$d" && xargs -0 -r -a "$LISTS/new" stat -c %s -- | awk '{ b += $1 } END { printf "%d", b }')
    missing=$(LC_ALL=C comm -z -23 "$LISTS/$t.want" "$LISTS/new" | count0)
    extra=$(LC_ALL=C comm -z -13 "$LISTS/$t.want" "$LISTS/new" | count0)
    if (( missing + extra > 0 )); then
        (( strict )) && die "$tool on $t/: $MADE .gz files created, $missing missing and $extra unexpected (of $(count0 < "$LISTS/$t.want") wanted)"
        log "  warning: $tool on $t/: $MADE .gz files created, $missing missing and $extra unexpected"
    fi
    # The originals (-k), the .gz files that were there, and nothing else.
    n=$(cd "$d" && find "$t" -type f ! -name '*.gz' -print0 | count0)
    (( n == $(count0 < "$LISTS/$t.plain") )) || die "$tool on $t/: $n files not ending in .gz left, $(count0 < "$LISTS/$t.plain") before (-k keeps them)"
    n=$(cd "$d" && gzmeta "$t" | LC_ALL=C comm -z -23 "$LISTS/$t.gz0meta" - | count0)
    (( n == 0 )) || die "$tool on $t/: $n of the .gz files already in the tree were changed or removed"
    n=$(cd "$d" && find "$t" -print0 | count0)
    (( n == $(awk -v t="$t" '$1 == t { print $7 }' "$TREEINFO") + MADE )) ||
        die "$tool on $t/: $n entries after the run, expected the tree's $(awk -v t="$t" '$1 == t { print $7 }' "$TREEINFO") + $MADE .gz files (something else was left behind)"
    [[ "$tool" == bale ]] || return 0
    # bale: every output passes gzip -t; a sample decompresses to the original bytes.
    (cd "$d" && xargs -0 -r -a "$LISTS/new" -n 500 -P "$JOBS" gzip -t) ||
        die "bale on $t/: gzip -t fails on some of its .gz files (in $d)"
    local step=$(( MADE / SAMPLE > 0 ? MADE / SAMPLE : 1 ))
    n=0
    while IFS= read -r -d '' f; do
        gzip -dc -- "$d/$f" | cmp -s - "$WORK/${f%.gz}" ||
            die "bale on $t/: $d/$f does not decompress to $WORK/${f%.gz}"
        n=$((n + 1))
    done < <(sed -z -n "1~${step}p" "$LISTS/new" | head -z -n "$SAMPLE")
    log "  bale: gzip -t passes on all $MADE, $n compared with the originals: identical"
}

# measure TOOL TREE: a fresh copy, the timed run, the checks, the copy deleted;
# appends a line to $TIMES.
measure() {
    local tool="$1" t="$2"
    set_command "$tool" "$t"
    fresh_copy "$tool" "$t"
    cd "$RDIR/$tool"
    timed /dev/null bash -c "$WRAP" _ "$RDIR/$tool.err" "$OK" "${CMD[@]}"
    cd "$WORK"
    local status lines
    status=$(cat "$RDIR/$tool.err.status"); lines=$(wc -l < "$RDIR/$tool.err")
    verify "$tool" "$t"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$tool" "$NAME" "${TIMED// /$'\t'}" \
        "$status" "$lines" "$MADE" "$GZBYTES" >> "$TIMES"
    printf '   %-72s %s  exit %s, %s stderr lines, %s .gz\n' "$NAME" "$TIMED" "$status" "$lines" "$MADE" >&2
    rm -rf -- "${RDIR:?}/$tool" "$RDIR/$tool.err" "$RDIR/$tool.err.status"
}

# Anything else running skews the timings: record the load before we start.
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
log "load average before timing: $LOADAVG"
: > "$TIMES"

for T in "${TREES[@]}"; do
    log "$T/: $BENCH_RUNS run(s) each of ${TOOLS[*]}, each on a fresh copy in $RDIR"
    for ((r = 1; r <= BENCH_RUNS; r++)); do
        log "round $r/$BENCH_RUNS"
        for tool in "${TOOLS[@]}"; do
            measure "$tool" "$T"
        done
    done
done
rm -f "$LISTS/new"

# --- 5. Report ---------------------------------------------------------------
INVOKED="bash bench/recursive.sh"
[[ -n "${MAKELEVEL:-}" ]] && INVOKED="$INVOKED (from make bench)"
(( BENCH_SKIP_BALE )) && INVOKED="BENCH_SKIP_BALE=1 $INVOKED"
export WORK TIMES TREEINFO BENCH_RUNS JOBS INVOKED LOADAVG RDIR BENCH_SKIP_BALE
export_machine_facts
GZIP_V="$(gzip --version | sed -n 1p)"; export GZIP_V

python3 - > "$RESULTS" <<'PY'
import os, statistics, datetime
from collections import defaultdict

E = os.environ
jobs = E["JOBS"]
trees = {}      # tree -> dict
for line in open(E["TREEINFO"]):
    t, *v = line.split("\t")
    files, size, gzf, gzb, links, entries, want, plainb = map(int, v)
    trees[t] = dict(files=files, bytes=size, gzf=gzf, gzb=gzb, links=links,
                    entries=entries, want=want, plainb=plainb)
runs = defaultdict(list)    # (tree, tool) -> [run]
names, order = {}, defaultdict(list)
for line in open(E["TIMES"]):
    t, tool, name, wall, user, sys_, rss, status, lines, made, gzbytes = line.rstrip("\n").split("\t")
    if tool not in order[t]: order[t].append(tool)
    names[t, tool] = name
    runs[t, tool].append(dict(wall=float(wall), cpu=float(user) + float(sys_), rss=int(rss),
                              status=status, lines=int(lines), made=int(made), gzbytes=int(gzbytes)))

def pick(t, tool):
    """The median run by wall time (lower median for an even count)."""
    rs = runs[t, tool]
    med = statistics.median_low([r["wall"] for r in rs])
    return next(r for r in rs if r["wall"] == med)

def md(text):
    """Text for a markdown table cell: | must be escaped, even in `code`."""
    return text.replace("|", "\\|")

L = []
L.append("# bale gzip -r benchmark\n")
L.append(f"- date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
L.append(f"- machine: nproc = {E['NPROC']}, CPU: {E['CPU']}, "
         f"load average before timing: {E['LOADAVG']}")
L.append(f"- command: `{E['INVOKED']}` with BENCH_RUNS={E['BENCH_RUNS']}")
skip = E["BENCH_SKIP_BALE"] == "1"
L.append(("- bale: left out (BENCH_SKIP_BALE=1)" if skip else f"- bale {E['REV']}")
         + f", {E['PIGZ_V']}, {E['GZIP_V']}; bale and pigz use -p {jobs}, xargs -P {jobs}; "
         "all compress at level 6 (the default) and keep the originals (-k)")
L.append("- trees (built by bench/pack.sh in bench/work; each run compresses a fresh copy "
         f"on tmpfs, in {E['RDIR']}):")
for t, i in trees.items():
    L.append(f"  - `{t}/`: {i['files']:,} files, {i['bytes']:,} bytes ({i['bytes']/1e6:.1f} MB); "
             f"{i['gzf']:,} of them already end in .gz ({i['gzb']/1e6:.1f} MB, skipped); "
             f"{i['links']:,} symbolic links (skipped); to compress: {i['want']:,} files, "
             f"{i['plainb']/1e6:.1f} MB" +
             (f" ({i['files'] - i['gzf'] - i['want']} more have their .gz already and are skipped)"
              if i['files'] - i['gzf'] != i['want'] else ""))
L.append("")

hdr = ["command", "wall s (median)", "CPU s", "MB/s", ".gz files", ".gz bytes",
       "exit status (stderr lines)", "peak RSS MiB"]
for t, i in trees.items():
    L.append(f"## {t}/ ({i['want']:,} files to compress, {i['plainb']/1e6:.1f} MB)\n")
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "|".join(["---"] + ["---:"] * (len(hdr) - 1)) + "|")
    for tool in order[t]:
        r = pick(t, tool)
        n = len(runs[t, tool])
        label = f"`{md(names[t, tool])}`" + ("" if n == int(E["BENCH_RUNS"]) else f" ({n} runs)")
        made = f"{r['made']:,}" + ("" if r["made"] == i["want"] else f" (of {i['want']:,})")
        statuses = sorted({x["status"] for x in runs[t, tool]})
        mbs = i["plainb"] / r["wall"] / 1e6 if r["wall"] > 0 else float("inf")
        L.append(f"| {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {mbs:.1f} | {made} | "
                 f"{r['gzbytes']:,} | {'/'.join(statuses)} ({r['lines']:,}) | {r['rss']/1024:.1f} |")
    L.append("")
L.append("Wall s is the median over the runs (the lower median for an even count); CPU s is "
         "user + sys of that run, children included; MB/s is the bytes of the files to compress "
         "÷ wall ÷ 10⁶. .gz files and .gz bytes: the files the run created (checked: one F.gz "
         "for each file F to compress, the originals and the .gz files already there unchanged, "
         "nothing else left; for bale also `gzip -t` on all of them and ~200 compared with the "
         "originals). Exit status: gzip exits 1 for the symbolic links it does not follow and 2 "
         "for an F.gz that exists; pigz exits 1 for every file it skips, even with -q; xargs "
         "exits 123 when one of its gzips exits 1 or 2. Every stderr line was one of these skip "
         "messages (checked). Peak RSS is /usr/bin/time's %M: the largest single process, not "
         "the sum. Each run works on a fresh copy of the tree on tmpfs (copied, untimed, then "
         "`sync`), so the input is in memory and the outputs go to memory for every tool.")
L.append("")

L.append("## Targets\n")
L.append("| target | this run | goal | result |")
L.append("|---|---:|---:|---|")
for t in trees:
    others = [tool for tool in order[t] if tool != "bale"]
    if skip or "bale" not in order[t] or not others:
        L.append(f"| {t}/: bale gzip -r wall ÷ fastest other wall | — | <= 0.60 | not measured |")
        continue
    fastest = min(others, key=lambda tool: pick(t, tool)["wall"])
    ratio = pick(t, "bale")["wall"] / pick(t, fastest)["wall"]
    L.append(f"| {t}/: bale gzip -r wall ÷ fastest other wall (`{md(names[t, fastest])}`) | "
             f"{ratio:.2f} | <= 0.60 | {'PASS' if ratio <= 0.60 else 'MISS'} |")
print("\n".join(L))
PY

echo
cat "$RESULTS"
echo
log "report written to $RESULTS"
