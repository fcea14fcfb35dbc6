// swift-tools-version:6.0
import PackageDescription

// The book's package. Chapters are compiled against the release-built `TruflBook` dynamic library
// (the engine and plotting), so that a chapter's own code can be built at -Onone in a second or two.

// The engine's vector kernels (`SIMD8<Float>`, Sources/Trufl/Tensor/VectorMath.swift) are compiled for
// x86-64-v3 (AVX2, FMA, BMI2: every Intel CPU since Haswell, 2013, and AMD's since 2015), one instruction
// per eight lanes instead of two SSE2 halves: 20–25 % off the dequantiser benchmark. `book` checks the CPU
// before anything runs and says so when it lacks them; `TRUFL_PORTABLE=1` at build time compiles for the
// x86-64 baseline instead. Other architectures build for their own baseline.
#if arch(x86_64)
let vectorISA = Context.environment["TRUFL_PORTABLE"] == nil
#else
let vectorISA = false
#endif
let engineSettings: [SwiftSetting] = vectorISA ? [.unsafeFlags(["-target-cpu", "haswell"])] : []
let checkSettings: [SwiftSetting] = vectorISA ? [.define("TRUFL_X86_64_V3")] : []
let package = Package(
    name: "trufl-book",
    products: [
        .library(name: "TruflBook", type: .dynamic, targets: ["Trufl", "Plotting", "BookSupport", "BookCells"]),
        .executable(name: "book", targets: ["book"]),
        .executable(name: "trufl-bench", targets: ["trufl-bench"]),
        .executable(name: "trufl-cell", targets: ["trufl-cell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // Debian's libcmark-dev: the CommonMark parser the runner reads chapters with.
        .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
        // Debian's libopenblas-dev: sgemm for the engine's matmul.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        // Hand-vectorised kernels in C (AVX-512, chosen at run time), e.g. the fused LSTM's steps.
        .target(name: "CTruflKernels"),
        // RDKit (Debian's librdkit-dev, C++17, Boost headers) behind a C interface: the chemistry of the molecule task
        // (SMILES, sanitisation, canonical SMILES, fragments, drawing). Its headers live outside the package, hence
        // the unsafe include flag (allowed in a root package; a system folder, so their warnings stay theirs).
        .target(
            name: "CRDKit",
            cxxSettings: [.unsafeFlags(["-isystem", "/usr/include/rdkit"])],
            linkerSettings: ["RDKitMolDraw2D", "RDKitDepictor", "RDKitSmilesParse", "RDKitGraphMol",
                             "RDKitRDGeneral"].map { .linkedLibrary($0) }),
        // The benchmark's probes of the core it runs on (clock under load, FMA throughput per vector width).
        .target(name: "CMachineProbe"),
        // The engine: tensors, autodiff, distributions, dequantisers, flows, priors, sampling, tasks.
        .target(
            name: "Trufl",
            dependencies: ["COpenBLAS", "CTruflKernels", "CRDKit", .product(name: "Numerics", package: "swift-numerics")],
            swiftSettings: engineSettings),
        // SVG and ASCII figures.
        .target(name: "Plotting"),
        // What the runner and the chapters share, never imported by the engine: the profile, the figures'
        // paths, the tangled program's markers and calls, the variables for experiment cells.
        .target(name: "BookSupport"),
        // A chapter's grid of experiment cells: the cache and the processes that run the missing ones.
        .target(name: "BookCells", dependencies: ["Trufl", "BookSupport"]),
        // Load, tangle, run, compare, bless and render chapters.
        .target(name: "BookRunner", dependencies: ["CCmark", "BookSupport"], swiftSettings: checkSettings),
        // The command-line tool.
        .executableTarget(
            name: "book",
            dependencies: [
                "BookRunner",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Runs one experiment cell (Sources/Trufl/Cells) in a process of its own, for `book` or a scheduler.
        .executableTarget(
            name: "trufl-cell",
            dependencies: ["Trufl", "BookSupport", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        // Benchmarks of the engine, run side by side with PyTorch by `make bench`.
        .executableTarget(
            name: "trufl-bench",
            dependencies: ["Trufl", "BookSupport", "CMachineProbe", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/Bench"),
        .testTarget(name: "TruflTests", dependencies: ["Trufl"]),
        .testTarget(name: "BookSupportTests", dependencies: ["BookSupport", "BookCells", "Trufl"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"]),
        .testTarget(name: "BookRunnerTests", dependencies: ["BookRunner"]),
    ],
    swiftLanguageModes: [.v5],
    cxxLanguageStandard: .cxx17
)
