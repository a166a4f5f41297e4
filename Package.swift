// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "bale",
    products: [
        .executable(name: "bale", targets: ["bale"]),
        .library(name: "BaleCore", targets: ["BaleCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // The system zlib (Debian's zlib1g-dev), through a module map.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // libdeflate 1.25, built from a copy of its source with one change
        // to the compressor (it stores blocks that do not compress, as zlib
        // does, so they inflate at memcpy speed): the deflate of levels
        // 2-12, the inflate of bale's own members (whose sizes are known)
        // and CRC-32. include/CDeflate.h says why.
        // The Makefile compiles it with the system's C compiler into
        // .build/cdeflate/libbaledeflate.a (`make deflate`, a step of
        // `make build`, `release`, `test`, `bench`, `fuzz`), which gcc
        // makes ~5% faster than SwiftPM's clang would (module.modulemap).
        .systemLibrary(name: "CDeflate"),
        // ISA-L (Debian's libisal-dev): Intel's deflate and inflate with
        // hand-written SIMD, the fastest at bale's fastest levels and for
        // inflating streams whose sizes are unknown.
        .systemLibrary(
            name: "CIsal",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        // The system's libcrypto (Debian's libssl-dev), for SHA-256: fast
        // (SHA instructions), and no 35 s of swift-crypto in every clean build.
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The few POSIX pieces Swift cannot import: pipe2, F_SETPIPE_SZ,
        // the wait-status macros; and SHA-256 of two files at once on the
        // SHA instructions (SHA256Pair.c).
        .target(name: "CSystem"),
        .target(
            name: "BaleCore",
            dependencies: [
                "CZlib", "CDeflate", "CIsal", "CCrypto", "CSystem",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // libdeflate as a static archive, not a shared library (whose
            // every call and table access inside the library goes through
            // the GOT or PLT): with Debian's libdeflate.a instead of its
            // libdeflate.so, bale -6 -p 1 took 18-27% less time (README,
            // "Choices behind the figures").
            linkerSettings: [
                .unsafeFlags(["-L\(Context.packageDirectory)/.build/cdeflate"]),
            ]
        ),
        .executableTarget(
            name: "bale",
            dependencies: [
                "BaleCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Look for shared libraries in ../lib/bale beside the binary's
            // directory before the system's: the dist tarball carries ISA-L
            // there (Debian has no static libisal), so it runs on nodes
            // without libisal2 (Makefile, dist). And hypotf bound to its
            // first glibc version, so the binary runs on glibc 2.34
            // (Sources/CSystem/GlibcFloor.c says why).
            linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib/bale",
                                           "-Xlinker", "--wrap=hypotf"])]
        ),
        .testTarget(
            name: "BaleCoreTests",
            dependencies: ["BaleCore", "CZlib"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["bale"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
