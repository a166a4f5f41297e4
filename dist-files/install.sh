#!/bin/sh
# Installs bale from this unpacked release tarball into a prefix, without
# root: the binary, the man page and the bash, zsh and fish completions.
#
#   ./install.sh             into ~/.local (bin/bale, share/man/man1, ...)
#   ./install.sh /opt/bale   into any other prefix
#
# The binary is self-contained (the Swift runtime, libdeflate, libcrypto, zlib
# and libstdc++ linked in): it needs libc, which every recent Linux has, and
# ISA-L, which this tarball carries in lib/bale/ (installed beside bin/, as
# prefix/lib/bale, where the binary looks first: its RUNPATH is
# $ORIGIN/../lib/bale only, never its own directory, where anyone who can
# write there could put a library of their own).
#
# Before it copies anything, it runs the binary once: on a system too old
# for it (its glibc older than the one it was built against, or a library
# missing), the loader's message and what the binary needs are printed, and
# nothing is installed (exit 1).
set -eu
prefix=${1:-"$HOME/.local"}
here=$(cd "$(dirname "$0")" && pwd)
# The newest glibc symbol version the binary uses (make dist fills it in).
glibc_needed=@GLIBC_VERSION@
if ! failure=$("$here/bin/bale" --version 2>&1 > /dev/null); then
    glibc_here=$(ldd --version 2>/dev/null | sed -n '1s/.* //p')
    echo "install.sh: bale cannot run on this system, nothing was installed:" >&2
    echo "  ${failure:-bin/bale --version failed}" >&2
    echo "  bale needs x86-64 Linux with glibc $glibc_needed or newer (this system: ${glibc_here:-unknown})," >&2
    echo "  (RHEL and Rocky 9, Debian 12, Ubuntu 22.04 or newer)." >&2
    exit 1
fi
mkdir -p "$prefix/bin" "$prefix/lib/bale" "$prefix/share/man/man1" \
    "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" \
    "$prefix/share/fish/vendor_completions.d"
# Each file is copied beside its place under a temporary name, then renamed
# over it. A bale running from this prefix (a batch job during an upgrade)
# keeps the files it has open: copied over in place, the binary failed
# ("Text file busy", and the script went on to say it had installed), and
# the library was rewritten under the running processes (SIGBUS, SIGSEGV).
# Any failure stops the script, with nothing half-copied left in place.
put() {
    staged="$2.install-$$"
    if ! { cp "$1" "$staged" && chmod "$3" "$staged" && mv -f "$staged" "$2"; }; then
        rm -f "$staged"
        echo "install.sh: could not install $2; stopped" >&2
        exit 1
    fi
}
# The library first: a job started in between runs the old binary with
# the new library, which it was built against too, never the new binary
# with the old one.
for library in "$here"/lib/bale/*; do
    put "$library" "$prefix/lib/bale/$(basename "$library")" 644
done
put "$here/bin/bale" "$prefix/bin/bale" 755
put "$here/share/man/man1/bale.1" "$prefix/share/man/man1/bale.1" 644
put "$here/share/bash-completion/completions/bale" "$prefix/share/bash-completion/completions/bale" 644
put "$here/share/zsh/site-functions/_bale" "$prefix/share/zsh/site-functions/_bale" 644
put "$here/share/fish/vendor_completions.d/bale.fish" "$prefix/share/fish/vendor_completions.d/bale.fish" 644
echo "installed bale into $prefix (put $prefix/bin on PATH)"
