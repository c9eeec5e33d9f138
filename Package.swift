// swift-tools-version: 6.0
//
// gomemsim — a trace-driven simulator of how a Go program uses memory.
// Layers (an arrow points down only): Trace → Recorder → models (Kernel, Runtime,
// Hardware over Core) → Engine → Store → the `gomemsim` executable.
import PackageDescription

// The trace readers, the generators and the models are called per event from the
// engine, which is generic over them and specialised in the module that runs it: full
// cross-module optimisation lets that module inline their per-event code too (measured:
// gc-grid S=64 2.8 → 2.3 s CPU, identical replay digests). Release builds only.
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]

// Every module those are inlined into names them all as direct dependencies, and every
// target names each module it imports. The build rebuilds a module when a direct
// dependency's interface changes; with the option above a changed function body changes
// that interface (and an `@inlinable` body or a struct's layout always does), but a
// module that reaches the model only through the engine kept the old body inlined — a
// stale release build, and a test that read a reader's fields at their old offsets.
let inlinedModules: [Target.Dependency] = [
    "GoMemSimTrace", "GoMemSimRecorder", "GoMemSimCore", "GoMemSimKernel", "GoMemSimRuntime", "GoMemSimHardware",
]

let package = Package(
    name: "gomemsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gomemsim", targets: ["gomemsim"]),
        .library(name: "GoMemSimKit", targets: [
            "GoMemSimTrace", "GoMemSimRecorder", "GoMemSimCore", "GoMemSimKernel",
            "GoMemSimRuntime", "GoMemSimHardware", "GoMemSimEngine", "GoMemSimStore", "GoMemSimBatch",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries (Debian: libsqlite3-dev, zlib1g-dev; the Makefile installs them).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        // 1. Trace: events, text and binary codecs, importers. No model knowledge.
        .target(name: "GoMemSimTrace", dependencies: ["CZlib"], swiftSettings: hotPathSettings),
        // 2. Recorder: the Go-like DSL and the synthetic generators, compiled to trace events.
        .target(name: "GoMemSimRecorder", dependencies: ["GoMemSimTrace"], swiftSettings: hotPathSettings),
        // 3. Models: the vocabulary they share, then one target per model.
        .target(name: "GoMemSimCore", dependencies: ["GoMemSimTrace"], swiftSettings: hotPathSettings),
        .target(name: "GoMemSimKernel", dependencies: ["GoMemSimCore", "GoMemSimTrace"], swiftSettings: hotPathSettings),
        .target(name: "GoMemSimRuntime", dependencies: [
            "GoMemSimCore", "GoMemSimTrace", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: hotPathSettings),
        .target(name: "GoMemSimHardware", dependencies: [
            "GoMemSimCore", "GoMemSimTrace", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: hotPathSettings),
        // 4. Engine: virtual clock, event queue, goroutine streams, checkpoints, samples.
        .target(name: "GoMemSimEngine", dependencies: inlinedModules),
        // 5. Store: SQLite results.
        .target(name: "GoMemSimStore", dependencies: ["CSQLite", "GoMemSimEngine"] + inlinedModules),
        // 6. Batch: replay jobs from inputs to stored runs; sweeps over configurations.
        .target(name: "GoMemSimBatch", dependencies: ["GoMemSimStore", "GoMemSimEngine"] + inlinedModules),
        // 7. The executable: parses, calls the library, prints.
        .executableTarget(name: "gomemsim", dependencies: [
            "GoMemSimBatch", "GoMemSimStore", "GoMemSimEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ] + inlinedModules),
        // `make bench`: release-build figures (parse speed, replay speed, cache-model speed).
        .executableTarget(name: "gomemsim-bench", dependencies: [
            "GoMemSimBatch", "GoMemSimStore", "GoMemSimEngine",
        ] + inlinedModules),

        .testTarget(name: "GoMemSimTraceTests", dependencies: ["GoMemSimTrace"]),
        .testTarget(name: "GoMemSimRecorderTests", dependencies: ["GoMemSimRecorder", "GoMemSimTrace"]),
        .testTarget(name: "GoMemSimKernelTests", dependencies: ["GoMemSimKernel", "GoMemSimCore", "GoMemSimTrace"]),
        .testTarget(name: "GoMemSimRuntimeTests", dependencies: ["GoMemSimRuntime", "GoMemSimKernel", "GoMemSimEngine", "GoMemSimRecorder",
                                                                 "GoMemSimCore", "GoMemSimTrace"]),
        .testTarget(name: "GoMemSimHardwareTests", dependencies: ["GoMemSimHardware", "GoMemSimCore", "GoMemSimTrace"]),
        .testTarget(name: "GoMemSimEngineTests", dependencies: ["GoMemSimEngine", "GoMemSimCore", "GoMemSimTrace"]),
        .testTarget(name: "GoMemSimStoreTests", dependencies: ["GoMemSimStore", "GoMemSimCore", "GoMemSimEngine"]),
        .testTarget(name: "GoMemSimBatchTests", dependencies: ["GoMemSimBatch", "GoMemSimCore", "GoMemSimEngine", "GoMemSimStore",
                                                               "GoMemSimTrace"]),
        .testTarget(name: "GoMemSimCLITests", dependencies: ["gomemsim", "GoMemSimCore", "GoMemSimTrace", "GoMemSimStore"]),
    ]
)
