#!/bin/sh
# Installs bale from this unpacked release tarball into a prefix, without
# root: the binary, the man page and the bash, zsh and fish completions.
#
#   ./install.sh             into ~/.local (bin/bale, share/man/man1, ...)
#   ./install.sh /opt/bale   into any other prefix
#
# The binary is self-contained (the Swift runtime and libdeflate linked in):
# it needs libc, zlib and libcrypto, which every Debian and Ubuntu has, and
# ISA-L, which this tarball carries in lib/bale/ (installed beside bin/, as
# prefix/lib/bale, where the binary looks first: its RUNPATH is
# $ORIGIN/../lib/bale).
set -eu
prefix=${1:-"$HOME/.local"}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$prefix/bin" "$prefix/lib/bale" "$prefix/share/man/man1" \
    "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" \
    "$prefix/share/fish/vendor_completions.d"
cp "$here/bin/bale" "$prefix/bin/bale" && chmod 755 "$prefix/bin/bale"
for library in "$here"/lib/bale/*; do
    cp "$library" "$prefix/lib/bale/" && chmod 644 "$prefix/lib/bale/$(basename "$library")"
done
cp "$here/share/man/man1/bale.1" "$prefix/share/man/man1/bale.1"
cp "$here/share/bash-completion/completions/bale" "$prefix/share/bash-completion/completions/bale"
cp "$here/share/zsh/site-functions/_bale" "$prefix/share/zsh/site-functions/_bale"
cp "$here/share/fish/vendor_completions.d/bale.fish" "$prefix/share/fish/vendor_completions.d/bale.fish"
echo "installed bale into $prefix (put $prefix/bin on PATH)"
