#!/usr/bin/env bash
# Nightly log compression, for cron:
#
#   15 2 * * *  /opt/bale/samples/batch/nightly-logs.sh /var/log/app /var/log/app/manifests
#
# Compresses, in place, every log file under LOGS that has not been written
# to for a day (so files still being appended to are left alone), skipping
# files that are already compressed, and writes a sha256sum manifest of
# what it compressed, so that `cd LOGS && sha256sum -c` — or, once they are
# decompressed, any later check — can prove the bytes are the ones logged.
#
# bale's guarantees make this safe to run unattended: each FILE.gz is
# written under a temporary name and renamed into place only when complete,
# FILE is removed only after that (and after a syncfs), and a run killed
# half-way (reboot, OOM, SIGTERM) is simply finished by the next night's run.
#
# Exit status (as bale's, see `bale help exit-codes`): 0 done, 1 an error
# (some file was not compressed, and is left as it was), 2 warnings only.
set -uo pipefail

LOGS="${1:?usage: nightly-logs.sh LOGS_DIR [MANIFEST_DIR]}"
MANIFESTS="${2:-$LOGS/.manifests}"
BALE="${BALE:-bale}"
mkdir -p "$MANIFESTS"
manifest="$MANIFESTS/compressed-$(date +%Y-%m-%d-%H%M%S).sha256"

# -q: cron mails whatever is printed; only errors should be.
# --older-than 1d: modified more than a day ago.
# --exclude: the manifests themselves, if they live under LOGS.
# -p 2: leave the other cores to the machine's daytime work.
"$BALE" gzip -r -q -p 2 --older-than 1d --exclude '.manifests' --manifest "$manifest" "$LOGS"
status=$?

# The manifest lists the files as they were before compression (paths under
# LOGS without .gz): keep it with the logs' archive.
if [ "$status" -le 2 ] && [ -s "$manifest" ]; then
    echo "$(wc -l < "$manifest") files compressed; manifest: $manifest" >&2
fi
[ -s "$manifest" ] || rm -f "$manifest"   # nothing was old enough
exit "$status"
