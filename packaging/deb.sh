#!/usr/bin/env bash
# packaging/deb.sh BIN OUTDIR — builds bale_VERSION_amd64.deb from the built
# binary BIN into OUTDIR (make deb: the release build, then this).
#
# No debian/ tree and no debhelper: the package is staged with the Makefile's
# own install-files target (the same files `make install` puts in place, so
# the two cannot drift apart), then gets a copyright file and DEBIAN/control,
# and dpkg-deb --root-owner-group packs it (root-owned files without fakeroot).
#
# Depends is computed from what BIN really loads, not written by hand: each
# library ldd resolves is looked up with dpkg -S to the package that ships it,
# and that package is required at the version installed here (the one BIN was
# linked against; a safe, if strict, lower bound). A library no package owns
# (the Swift runtime of a binary built without --static-swift-stdlib, say)
# would make a package that starts nowhere else, so it stops the build.
set -euo pipefail

bin=${1:?usage: deb.sh BIN OUTDIR}
out=${2:?usage: deb.sh BIN OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
arch=amd64

# The version, from `git describe --tags --always`, made Debian-valid:
# a tag v1.2.0 (a dotted version) gives 1.2.0; 3 commits after it,
# 1.2.0+3.gHASH (sorts after 1.2.0, before 1.2.1); no tag, or one that is not
# a version, 0.0~gitYYYYMMDD.HASH (the commit's date first, so later commits
# sort later; ~ sorts before any real 0.0). A hash alone is no version: it
# may start with a digit, hence the dot the tag patterns require.
describe=$(git -C "$root" describe --tags --always)
if [[ $describe =~ ^v?([0-9]+\.[0-9A-Za-z.]+)-([0-9]+)-g([0-9a-f]+)$ ]]; then
  version="${BASH_REMATCH[1]}+${BASH_REMATCH[2]}.g${BASH_REMATCH[3]}"
elif [[ $describe =~ ^v?([0-9]+\.[0-9A-Za-z.]+)$ ]]; then
  version=${BASH_REMATCH[1]}
else
  version="0.0~git$(git -C "$root" log -1 --format=%cd.%h --date=format:%Y%m%d)"
fi

# Depends: library path → owning package → "package (>= installed version)".
# dpkg -S knows a library by the path its package installed, which may be
# under /lib while ldd reports /usr/lib or the other way round (merged /usr:
# bookworm's packages ship /lib, trixie's /usr/lib), so both are tried.
if ldd "$bin" | grep -q 'not found'; then
  echo "deb.sh: $bin needs libraries not found here:" >&2
  ldd "$bin" | grep 'not found' >&2
  exit 1
fi
depends=()
while read -r library; do
  owner=""
  for candidate in "$library" "${library/#\/usr\/lib\//\/lib\/}" "${library/#\/lib\//\/usr\/lib\/}" \
                   "$(readlink -f "$library")"; do
    owner=$(dpkg -S "$candidate" 2>/dev/null | head -n 1 | cut -d: -f1) && [ -n "$owner" ] && break
  done
  if [ -z "$owner" ]; then
    echo "deb.sh: $bin loads $library, which no Debian package provides;" >&2
    echo "deb.sh: build it with swift build -c release --static-swift-stdlib --disable-local-rpath (make deb does)" >&2
    exit 1
  fi
  depends+=("$owner (>= $(dpkg-query -W -f='${Version}' "$owner"))")
done < <(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
depends_line=$(printf '%s\n' "${depends[@]}" | sort -u | paste -sd, - | sed 's/,/, /g')

# The tree the package unpacks onto /, staged afresh each time.
stage="$out/staging"
rm -rf "$stage" "$out"/bale_*.deb
mkdir -p "$stage/DEBIAN"
make -s -C "$root" install-files DESTDIR="$stage" PREFIX=/usr BIN="$bin" INSTALL_SUDO= > /dev/null
gzip -9n "$stage/usr/share/man/man1/bale.1"   # Debian policy: man pages gzipped, no name or date inside
strip --strip-unneeded "$stage/usr/bin/bale"    # and binaries stripped (32 MB → 16 MB)

# The copyright file, in the machine-readable format (DEP-5). The repository
# carries no LICENSE file, so none can be stated; the file says so.
mkdir -p "$stage/usr/share/doc/bale"
cat > "$stage/usr/share/doc/bale/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: bale
Comment: The bale repository carries no LICENSE file; no licence has been
 declared yet, so none is granted here.
 .
 Linked into /usr/bin/bale statically, besides libdeflate (below): OpenSSL
 3's libcrypto (Apache-2.0, /usr/share/common-licenses/Apache-2.0), zlib
 (Zlib licence), libstdc++ (GPL-3 with the GCC Runtime Library Exception)
 and the Swift runtime (Apache-2.0 with the Runtime Library Exception).
 /usr/share/doc/bale/THIRD-PARTY has their notices.

Files: *
Copyright: the bale authors
License: none
 No licence has been declared for bale. Until one is, all rights are
 reserved by its authors.

Files: Sources/CDeflate/libdeflate/*
Copyright: 2016 Eric Biggers
 2024 Google LLC
License: MIT
 Linked into /usr/bin/bale. /usr/share/doc/bale/THIRD-PARTY has the notice.

EOF
chmod 644 "$stage/usr/share/doc/bale/copyright"

cat > "$stage/DEBIAN/control" <<EOF
Package: bale
Version: $version
Architecture: $arch
Maintainer: bale authors <bale@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends_line
Section: utils
Priority: optional
Description: parallel gzip and .tar.gz for batch jobs
 bale compresses and decompresses gzip in parallel (gzip, gunzip, also
 over whole trees), packs, unpacks, lists and verifies .tar.gz archives,
 and writes and checks SHA-256 manifests (bale sum). Its output is plain
 gzip that any gunzip reads.
EOF

dpkg-deb --build --root-owner-group "$stage" "$out/bale_${version}_${arch}.deb" > /dev/null
echo "$out/bale_${version}_${arch}.deb"
