// swift-tools-version:6.0
import PackageDescription

// bale's fuzz targets, built apart from bale: each is an executable linked
// with libFuzzer (swiftc -sanitize=fuzzer), which only the fuzz build asks
// for, so `swift build` of bale itself never sees these flags. `make fuzz`
// in the parent directory builds and runs them (Fuzz/run.sh).
let package = Package(
    name: "BaleFuzz",
    dependencies: [
        // Named, so the product below is found whatever the clone's directory is called.
        .package(name: "bale", path: ".."),
    ],
    targets: [
        // libFuzzer's LLVMFuzzerRunDriver, and memfd_create, which Swift cannot import.
        .target(name: "CFuzzSupport"),
        // What the targets share: the driver's entry, the input cut in pieces.
        .target(
            name: "FuzzSupport",
            dependencies: ["CFuzzSupport", .product(name: "BaleCore", package: "bale")]
        ),
        .executableTarget(
            name: "FuzzGzipHeader",
            dependencies: ["FuzzSupport", .product(name: "BaleCore", package: "bale")]
        ),
        .executableTarget(
            name: "FuzzInflate",
            dependencies: ["FuzzSupport", .product(name: "BaleCore", package: "bale")]
        ),
        .executableTarget(
            name: "FuzzTar",
            dependencies: ["FuzzSupport", .product(name: "BaleCore", package: "bale")]
        ),
        .executableTarget(
            name: "FuzzIndex",
            dependencies: ["FuzzSupport", "CFuzzSupport", .product(name: "BaleCore", package: "bale")]
        ),
        .executableTarget(
            name: "FuzzFrames",
            dependencies: ["FuzzSupport", .product(name: "BaleCore", package: "bale")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
