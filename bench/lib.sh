# bench/lib.sh — what bench/run.sh and bench/pack.sh share. Sourced, not run.
# Expects ROOT (the repository) to be set.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: FAIL: %s\n' "$*" >&2; exit 1; }

# The clock `timed` reads is bash's $EPOCHREALTIME (bash 5.0 and later).
(( BASH_VERSINFO[0] >= 5 )) || die "needs bash 5 or later (for \$EPOCHREALTIME); this is $BASH_VERSION"

# Under set -e a failing command ends a script without a word; say which.
# (A version query piped to `head -n1` once did: head exits, the tool gets
# SIGPIPE, pipefail fails the pipeline. Such queries use `sed -n 1p`, which
# reads all its input.)
trap 'printf "bench: FAIL: line %s: %s (status %s)\n" "$LINENO" "$BASH_COMMAND" "$?" >&2' ERR

# Each named variable must hold a positive integer.
check_counts() {
    local v
    for v in "$@"; do
        [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
    done
}

# Every named command must be on the PATH, and GNU time at /usr/bin/time.
require_tools() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "bench: '$tool' not found; run make setup" >&2; exit 1; }
    done
    [[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time not found; run make setup" >&2; exit 1; }
}

# Builds the release binary and sets BALE to it.
build_bale() {
    log "building release binary"
    # As `make release` builds it: the same flags, so the two share one build.
    swift build -c release --static-swift-stdlib --disable-local-rpath --package-path "$ROOT"
    BALE="$ROOT/.build/release/bale"
    [[ -x "$BALE" ]] || die "no binary at $BALE after the build"
}

# Apparent size in bytes of a file or a directory tree.
size_of() { du -sb -- "$1" | cut -f1; }

# The corpus's sources, one path a line, totalling MIN..MAX bytes where the
# machine allows: always the text (headers, docs) and the Swift runtime
# libraries, then large toolchain binaries in a fixed order until the total
# is in range (skipping any that would overshoot). Symlinks are skipped so
# that each file counts once. The same machine always gives the same list.
corpus_sources() {
    local min="$1" max="$2" total=0 p s
    local -a paths=()
    for p in /usr/include /usr/share/doc /opt/swift/usr/lib/swift/linux/*.so; do
        [[ -e "$p" && ! -L "$p" ]] || continue
        paths+=("$p"); total=$((total + $(size_of "$p")))
    done
    for p in /opt/swift/usr/bin/swift-frontend /opt/swift/usr/lib/liblldb.so.* \
             /opt/swift/usr/bin/lld /opt/swift/usr/bin/clangd /opt/swift/usr/bin/docc; do
        (( total >= min )) && break
        [[ -f "$p" && ! -L "$p" ]] || continue
        s=$(size_of "$p")
        (( total + s <= max )) || continue
        paths+=("$p"); total=$((total + s))
    done
    (( ${#paths[@]} > 0 )) || die "none of the corpus sources exist"
    printf '%s\n' "${paths[@]}"
}

# The hypervisor's steal time so far, summed over the CPUs, in clock ticks
# (USER_HZ, 100 a second on Linux): the eighth figure of /proc/stat's "cpu"
# line, the time a virtual CPU wanted to run and the host ran something
# else. Sets STEAL_TICKS (0 where the line has no such figure); starts no
# process, so it can be read around a timed command.
read_steal() {
    local cpu user nice system idle iowait irq softirq steal rest
    read -r cpu user nice system idle iowait irq softirq steal rest < /proc/stat
    STEAL_TICKS=${steal:-0}
}

# Runs a command under GNU time with its standard output to OUT, and sets
# TIMED to "wall user sys peak_rss_kb" (space-separated), TIMED_US to the
# wall time in microseconds and STOLEN_TICKS to the steal time (see
# read_steal) during the run. A failing command
# ends the benchmark. Uses the temporary file $TF (made here on first use).
timed() {
    local out="$1"; shift
    if [[ -z "${TF:-}" ]]; then TF="$(mktemp)"; trap 'rm -f "$TF"' EXIT; fi
    # The wall time is read from the clock around the run, to the
    # microsecond: /usr/bin/time's %e has hundredths only, too coarse for
    # the jobs of a tenth of a second (a sum, a gunzip) whose ratios the
    # table reports. The clock is bash's own $EPOCHREALTIME, which starts no
    # process: read by `date +%s%N` (until 2026-12-01), each reading started
    # one, and the two added ~1.4 ms to every command's time (3.1 ms around
    # /usr/bin/time true, against 1.8 ms now), a bias against the faster
    # tool of each pair. time's own start still adds about a millisecond to
    # both sides.
    # Read as whole microseconds (its six decimals without their point, or
    # the comma some locales write), so no number with a fraction is parsed.
    local start end stolen_before
    read_steal; stolen_before=$STEAL_TICKS
    start=${EPOCHREALTIME/[.,]/}
    if ! /usr/bin/time -f '%e %U %S %M' -o "$TF" "$@" > "$out"; then
        cat "$TF" >&2
        die "command failed: $*"
    fi
    end=${EPOCHREALTIME/[.,]/}
    read_steal
    STOLEN_TICKS=$((STEAL_TICKS - stolen_before))
    TIMED_US=$((end - start))
    # /usr/bin/time's line is the last one (the command's stderr went to ours).
    local wall
    wall=$(awk -v us=$((end - start)) 'BEGIN { printf "%.4f", us / 1e6 }')
    TIMED="$wall $(tail -n 1 "$TF" | cut -d' ' -f2-)"
}

# Exports what the reports print about the machine and the tools:
# NPROC, CPU, REV (bale's git revision), PIGZ_V.
export_machine_facts() {
    export NPROC="$(nproc)"
    export CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
    export REV="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+dirty')"
    export PIGZ_V="$(pigz --version 2>&1 | sed -n 1p)"
}
