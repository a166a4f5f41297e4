#!/usr/bin/env bash
# bench/memory.sh — peak memory of every bale process under load: -p 8 on
# this machine's cores (more workers than cores), on a 4 GiB input, for
# gzip, gunzip and pack. Each process's peak (VmHWM from /proc, sampled
# every 0.1 s until it exits, and read once more as it ends) must stay
# under the README's bound for the parent, window × 2 × chunk plus 32 MiB
# of code and heap, with window = 4·p + io-threads + 2 chunks; and under
# 3 chunks plus 32 MiB for a worker. Writes bench/memory-results.md.
#
# Usage: bash bench/memory.sh   (JOBS=8, SIZE_GIB=4 to change the load)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/bench/lib.sh"
JOBS="${JOBS:-8}"
SIZE_GIB="${SIZE_GIB:-4}"
check_counts JOBS SIZE_GIB
require_tools python3
build_bale

WORK="$ROOT/bench/work/memory"
mkdir -p "$WORK"
INPUT="$WORK/input"
BYTES=$((SIZE_GIB << 30))
if [[ ! -f "$INPUT" || $(stat -c %s "$INPUT") -ne $BYTES ]]; then
    log "making a $SIZE_GIB GiB input from the toolchain's files"
    # Real data (text and binaries), repeated: the memory does not depend
    # on what the bytes are, but the time per chunk does.
    { while :; do cat /opt/swift/usr/lib/swift/linux/*.so /usr/include/*.h 2>/dev/null; done; } \
        | head -c "$BYTES" > "$INPUT" || true   # the loop ends on SIGPIPE once head has its bytes
fi
mkdir -p "$WORK/tree" && ln -f "$INPUT" "$WORK/tree/input"

CHUNK=$((4 << 20))
WINDOW=$((4 * JOBS + 2 + 2))
PARENT_BOUND_KB=$(((WINDOW * 2 * CHUNK + (32 << 20)) / 1024))
WORKER_BOUND_KB=$(((3 * CHUNK + (32 << 20)) / 1024))

# Runs a command in the background and samples every bale process's VmHWM
# (the kernel's own peak RSS) until the command ends; prints
# "parent_peak_kb worker_peak_kb workers_seen seconds".
peaks() {
    python3 - "$@" <<'PY'
import os, subprocess, sys, time
start = time.time()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak = {}
def sample():
    for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
        try:
            status = open(f'/proc/{pid}/status').read()
            if '\nName:\tbale' not in '\n' + status: continue
            ppid = int(status.split('PPid:')[1].split()[0])
            if int(pid) != proc.pid and ppid != proc.pid: continue
            hwm = int(status.split('VmHWM:')[1].split()[0])
            peak[int(pid)] = max(peak.get(int(pid), 0), hwm)
        except (OSError, IndexError, ValueError):
            pass
while proc.poll() is None:
    sample(); time.sleep(0.1)
if proc.returncode != 0: sys.exit(f'exit status {proc.returncode}')
workers = [v for p, v in peak.items() if p != proc.pid]
print(peak.get(proc.pid, 0), max(workers, default=0), len(workers), round(time.time() - start, 1))
PY
}

log "gzip -1 -p $JOBS on $SIZE_GIB GiB"
read -r gzip_parent gzip_worker gzip_seen gzip_s < <(peaks "$BALE" gzip -1 -p "$JOBS" -k -f "$INPUT")
log "gunzip -p $JOBS"
read -r gunzip_parent gunzip_worker gunzip_seen gunzip_s < <(peaks "$BALE" gunzip -p "$JOBS" -c "$INPUT.gz")
log "pack -1 -p $JOBS"
read -r pack_parent pack_worker pack_seen pack_s < <(peaks "$BALE" pack -1 -p "$JOBS" -f "$WORK/tree" -o "$WORK/tree.tar.gz")
rm -f "$INPUT.gz" "$WORK/tree.tar.gz"

verdict() { (( $1 <= $2 )) && echo PASS || echo MISS; }
mib() { echo $(( ($1 + 1023) / 1024 )); }
{
    echo "# bale memory under load"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); bale $(git -C "$ROOT" rev-parse --short HEAD); nproc = $(nproc)"
    echo "- command: \`bash bench/memory.sh\` (JOBS=$JOBS, SIZE_GIB=$SIZE_GIB): a $SIZE_GIB GiB file of toolchain libraries and headers"
    echo "- bounds: parent window × 2 × chunk + 32 MiB = $WINDOW × 8 MiB + 32 MiB = $(mib $PARENT_BOUND_KB) MiB; worker 3 × chunk + 32 MiB = $(mib $WORKER_BOUND_KB) MiB"
    echo "- peak is VmHWM from /proc, sampled every 0.1 s for the parent and every worker"
    echo
    echo "| command | seconds | parent peak MiB | largest worker peak MiB | workers | parent | workers |"
    echo "|---|---:|---:|---:|---:|---|---|"
    for c in gzip gunzip pack; do
        p="${c}_parent"; w="${c}_worker"; n="${c}_seen"; s="${c}_s"
        echo "| \`bale $c -p $JOBS\` | ${!s} | $(mib ${!p}) | $(mib ${!w}) | ${!n} | $(verdict ${!p} $PARENT_BOUND_KB) | $(verdict ${!w} $WORKER_BOUND_KB) |"
    done
} > "$ROOT/bench/memory-results.md"
cat "$ROOT/bench/memory-results.md"
