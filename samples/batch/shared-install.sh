#!/bin/sh
# Puts bale on every batch node at once: the release tarball (`make dist`,
# a self-contained binary that needs no Swift toolchain) installed once into
# a directory every node mounts, then used by every array task:
#
#   sh shared-install.sh bale-VERSION-linux-x86_64.tar.gz /shared/tools
#   BALE=/shared/tools/bale/bin/bale sbatch --array=1-16 slurm-array.sbatch /shared/data
#
# Run it on a login node; the nodes only read /shared/tools/bale.
set -eu
tarball=${1:?usage: shared-install.sh bale-VERSION-linux-x86_64.tar.gz SHARED_DIR}
shared=${2:?usage: shared-install.sh bale-VERSION-linux-x86_64.tar.gz SHARED_DIR}
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xzf "$tarball" -C "$unpacked"
sh "$unpacked"/bale-*/install.sh "$shared/bale"
# The version goes into the job logs: it names the build and its libraries.
"$shared/bale/bin/bale" --version
