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
        // libdeflate (Debian's libdeflate-dev): the whole-member inflate of
        // bale's own members, whose sizes are known, and CRC-32 (the workers
        // compress with bale's copy of its compressor, CDeflate, below). Linked statically (BaleCore's linker settings):
        // no pkg-config here, whose -ldeflate would link the shared library.
        .systemLibrary(
            name: "CLibdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // libdeflate 1.25's compressor, built from a copy of its source with
        // one change (it stores blocks that do not compress, as zlib does,
        // so they inflate at memcpy speed): include/CDeflate.h says why.
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
                "CZlib", "CDeflate", "CLibdeflate", "CIsal", "CCrypto", "CSystem",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // libdeflate from Debian's static archive (`-l:libdeflate.a`),
            // not libdeflate.so: the same version, but not compiled as
            // position-independent code for a shared library (whose every
            // call and table access inside the library goes through the
            // GOT or PLT), and bale -6 -p 1 takes 18-27% less time with it
            // (README, "Choices behind the figures").
            linkerSettings: [
                .linkedLibrary(":libdeflate.a"),
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
