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
        // The system zlib (Debian's zlib1g-dev), through a module map;
        // its static archive is linked (BaleCore's linker settings).
        .systemLibrary(
            name: "CZlib",
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
        // Its static archive is linked (BaleCore's linker settings).
        .systemLibrary(
            name: "CCrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The few POSIX pieces Swift cannot import: pipe2, F_SETPIPE_SZ,
        // the wait-status macros; and SHA-256 of many files at once, on the
        // SHA instructions or AVX-512 (SHA256Many.c).
        .target(name: "CSystem"),
        .target(
            name: "BaleCore",
            dependencies: [
                "CZlib", "CDeflate", "CIsal", "CCrypto", "CSystem",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // Static archives, not shared libraries, wherever Debian has
            // them. libdeflate: a shared library's every call and table
            // access inside the library goes through the GOT or PLT, and
            // with Debian's libdeflate.a instead of its libdeflate.so,
            // bale -6 -p 1 took 18-27% less time. libcrypto, zlib and
            // libstdc++ (which the Swift runtime needs): each shared library
            // costs every process its loading and symbol binding, and bale
            // starts three processes for every command (`bale gzip -p 2` of
            // an empty file: ~1.3 ms of CPU and ~140 page faults a process
            // for the three; README, "Choices behind the figures"). The
            // Makefile puts libstdc++.a in .build/static-libs, searched
            // before the compiler's directory, so the runtime's -lstdc++
            // finds it; ISA-L stays shared (Debian has no libisal.a).
            linkerSettings: [
                .linkedLibrary(":libcrypto.a"),
                .linkedLibrary(":libz.a"),
                .unsafeFlags(["-L\(Context.packageDirectory)/.build/cdeflate",
                              "-L\(Context.packageDirectory)/.build/static-libs"]),
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
            // (Sources/CSystem/GlibcFloor.c says why), and arc4random
            // (glibc 2.36, which the static libstdc++'s random_device asks
            // for) replaced by getrandom, for the same reason.
            //
            // The release binary is linked as a fixed-address executable
            // (-no-pie), not position-independent: a PIE's every absolute
            // pointer (Swift's metadata and witness tables, the static
            // libraries' tables: ~41,000 relative relocations) is patched by
            // the dynamic loader at every start, each patched page a private
            // copy. With the static libraries above, `bale gzip -p 2` of an
            // empty file (three processes) took 834 page faults instead of
            // 1,517, and ~3 ms less (README, "Choices behind the figures").
            // What it gives up: the executable's own code and data are not
            // at a random address (libraries, stack and heap still are).
            linkerSettings: [.unsafeFlags(["-Xlinker", "-rpath", "-Xlinker", "$ORIGIN/../lib/bale",
                                           "-Xlinker", "--wrap=hypotf", "-Xlinker", "--wrap=arc4random"]),
                             .unsafeFlags(["-Xclang-linker", "-no-pie"], .when(configuration: .release))]
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
