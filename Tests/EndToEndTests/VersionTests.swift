import Foundation
import Testing

/// `bale --version` names bale's build and the libraries it runs with, so
/// that a batch log says what made an archive; the library versions must
/// be those Debian installed (dpkg's upstream version: no epoch, no
/// Debian revision, no `.dfsg`), and libdeflate's that of bale's copy.
@Suite struct VersionTests {
    @Test(.enabled(if: Machine.has("dpkg-query"), "needs dpkg-query to know the installed library versions"))
    func versionNamesTheLibrariesDebianInstalled() throws {
        let scratch = Scratch()
        let run = try scratch.run(#"""
            "$BALE" --version > out; echo "status=$?"
            head -1 out | grep -q '^bale [^ ]' && echo "names bale's build"
            upstream() { v=$(dpkg-query -W -f='${Version}' "$1"); v=${v#*:}; v=${v%-*}; echo "${v%[.+~]dfsg*}"; }
            # libdeflate is bale's copy (Sources/CDeflate), not Debian's: named as such.
            copy=$(sed -n 's/^#define LIBDEFLATE_VERSION_STRING[[:space:]]*"\(.*\)"/\1/p' "\#(DebianPackageTests.repository)/Sources/CDeflate/libdeflate/libdeflate.h")
            grep -qx "libdeflate $copy (bale's copy)" out && echo "libdeflate matches"
            grep -c libdeflate out
            grep -qx "isal $(upstream libisal-dev)" out && echo "isal matches"
            grep -qx "zlib $(upstream zlib1g-dev)" out && echo "zlib matches"
            grep -q "^OpenSSL $(upstream libssl-dev) " out && echo "OpenSSL matches"
            """#)
        #expect(run.stdout == """
            status=0
            names bale's build
            libdeflate matches
            1
            isal matches
            zlib matches
            OpenSSL matches

            """, "\(run.stdout)\(run.stderr)")
    }
}
