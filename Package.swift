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
        // libdeflate (Debian's libdeflate-dev): the whole-buffer inflater the
        // workers use for bale's own members, whose sizes are known.
        .systemLibrary(
            name: "CLibdeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
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
        // the wait-status macros.
        .target(name: "CSystem"),
        .target(
            name: "BaleCore",
            dependencies: [
                "CZlib", "CLibdeflate", "CIsal", "CCrypto", "CSystem",
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .executableTarget(
            name: "bale",
            dependencies: [
                "BaleCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
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
