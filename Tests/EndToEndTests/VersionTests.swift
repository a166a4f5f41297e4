import Foundation
import Testing

/// `bale --version` names bale's build and the libraries it runs with, so
/// that a batch log says what made an archive; the library versions must
/// be those Debian installed (dpkg's upstream version: no epoch, no
/// Debian revision, no `.dfsg`).
@Suite struct VersionTests {
    @Test(.enabled(if: Machine.has("dpkg-query"), "needs dpkg-query to know the installed library versions"))
    func versionNamesTheLibrariesDebianInstalled() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            "$BALE" --version > out; echo "status=$?"
            head -1 out | grep -q '^bale [^ ]' && echo "names bale's build"
            upstream() { v=$(dpkg-query -W -f='${Version}' "$1"); v=${v#*:}; v=${v%-*}; echo "${v%[.+~]dfsg*}"; }
            grep -qx "libdeflate $(upstream libdeflate-dev)" out && echo "libdeflate matches"
            # bale's copy of a libdeflate compressor (Sources/CDeflate), named apart.
            copy=$(sed -n 's/^#define LIBDEFLATE_VERSION_STRING[[:space:]]*"\(.*\)"/\1/p' "\#(DebianPackageTests.repository)/Sources/CDeflate/libdeflate/libdeflate.h")
            grep -qx "libdeflate compressor $copy (bale's copy)" out && echo "compressor matches"
            grep -qx "isal $(upstream libisal-dev)" out && echo "isal matches"
            grep -qx "zlib $(upstream zlib1g-dev)" out && echo "zlib matches"
            grep -q "^OpenSSL $(upstream libssl-dev) " out && echo "OpenSSL matches"
            """#)
        #expect(run.stdout == """
            status=0
            names bale's build
            libdeflate matches
            compressor matches
            isal matches
            zlib matches
            OpenSSL matches

            """, "\(run.stdout)\(run.stderr)")
    }
}
