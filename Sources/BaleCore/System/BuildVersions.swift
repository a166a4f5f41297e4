// What `bale --version` prints: bale's own version and the versions of the
// codec and crypto libraries it runs with, so that a batch job's log says
// exactly what made an archive. The library versions are asked of the
// libraries at run time (zlib, libcrypto) where they can say so: in the
// release binary both are linked in statically, so that is the version
// linked; a debug build loads the shared libraries, and names those.
// libdeflate and ISA-L have no such call, so their headers' versions are
// the ones bale was built with (libdeflate is bale's own copy, linked in
// statically: Sources/CDeflate; ISA-L is loaded as libisal.so.2).
import CCrypto
import CDeflate
import CIsal
import CSystem
import CZlib

/// The versions of bale and of the libraries it runs with.
public enum BuildVersions {
    /// bale's version: `git describe --tags --always --dirty` of the
    /// checkout `make` built it from, or "unknown".
    public static var bale: String { String(cString: bale_build_version()) }

    /// The version of libdeflate that bale's copy is (with bale's one
    /// change to the compressor: Sources/CDeflate), which compresses levels
    /// 2-12, inflates bale's own members and takes CRC-32s.
    public static var libdeflate: String { String(cString: bale_libdeflate_version()) }

    /// ISA-L's version, from the headers bale was built with.
    public static var isal: String { String(cString: bale_isal_version) }

    /// The loaded zlib's version (`zlibVersion()`).
    public static var zlib: String { String(cString: zlibVersion()) }

    /// The loaded libcrypto's version (`OpenSSL_version`), e.g. "OpenSSL 3.0.17 1 Jul 2025".
    public static var openSSL: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }

    /// One line per component, as `bale --version` prints them.
    public static var summary: String {
        """
        bale \(bale)
        libdeflate \(libdeflate) (bale's copy)
        isal \(isal)
        zlib \(zlib)
        \(openSSL)
        """
    }
}
