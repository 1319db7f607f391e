// swift-tools-version:5.10
// nas-tui: steer neural architecture searches from the terminal.
// Layers (imports point down only): nas-tui → TUI → Engine → Search → NAS → Config, Tensor → CBLAS;
// ModelExport (saved models) sits above NAS beside Search, used by the executable.
import Foundation
import PackageDescription

/// The tensor core is optimised in every build: tests run the kernels users run, in seconds
/// (debug builds keep overflow checks; release builds drop them in the hot loops).
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "nas-tui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nas-tui", targets: ["nas-tui"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        // PostgreSQL studies (workers on many hosts); NIO and Logging are what PostgresNIO's API is made of.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Heap: the running median of a study's fitness (the Fitness pane), O(log n) a trial.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: fastMath),
        // The TOML reader (configs, chain spaces, themes): not a NAS concept, below everything that reads files.
        .target(name: "Config"),
        .target(name: "NAS", dependencies: ["Tensor", "Config", "CZlib"]),
        .target(name: "Search", dependencies: ["NAS", "Tensor"]),
        // The timed workloads of bench/WORKLOADS.md, above Search so that W2 times DartsSearch's own step.
        .target(name: "Benchmarks", dependencies: ["Search", "NAS", "Tensor"]),
        // The trained model as files: ONNX (through SwiftProtobuf's runtime; the ONNX messages are
        // generated once and committed), safetensors, PyTorch code, genotype and metrics JSON.
        .target(name: "ModelExport", dependencies: ["NAS", "Tensor", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "Engine", dependencies: ["Search", "NAS", "Tensor", .product(name: "GRDB", package: "GRDB.swift"),
                                              .product(name: "PostgresNIO", package: "postgres-nio"),
                                              .product(name: "NIOCore", package: "swift-nio"),
                                              .product(name: "NIOPosix", package: "swift-nio"),
                                              .product(name: "Logging", package: "swift-log"),
                                              .product(name: "HeapModule", package: "swift-collections")]),
        .target(name: "TUI", dependencies: ["CNcurses", "Config", "Engine"]),
        .executableTarget(
            name: "nas-tui",
            dependencies: [
                "Tensor", "Config", "NAS", "Search", "Engine", "TUI", "ModelExport", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"]),
        .testTarget(name: "NASTests", dependencies: ["NAS", "Config", "Tensor"]),
        .testTarget(name: "SearchTests", dependencies: ["Search", "NAS", "Tensor"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "Search"]),
        .testTarget(name: "ModelExportTests", dependencies: ["ModelExport", "NAS", "Tensor"]),
        // A PostgreSQL server of the tests' own (tools/pg_test_server.sh), for the engine and end-to-end tests.
        .target(name: "PostgresTestSupport", path: "Tests/PostgresTestSupport"),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Search", "NAS", "Config", "Tensor", "PostgresTestSupport",
                                                        .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Engine"]),
        // Runs the built executable: the command-line contract, headless runs, exports.
        .testTarget(name: "EndToEndTests", dependencies: ["PostgresTestSupport"]),
    ]
)

/// The libFuzzer harnesses under Fuzz/, one per parser: only with NAS_TUI_FUZZ=1 (`make fuzz`,
/// built with `--sanitize=fuzzer` into .build-fuzz), since libFuzzer provides their `main`.
let fuzzers: [(name: String, dependencies: [Target.Dependency])] = [
    ("toml", ["Config"]),
    ("chain-space", ["NAS"]),
    ("darts-string", ["NAS"]),
    ("nb201-string", ["NAS"]),
    ("genotype-json", ["NAS"]),
    ("idx", ["NAS"]),
    ("cifar", ["NAS"]),
    ("tabular-csv", ["Search"]),
    ("theme", ["TUI"]),
]
if ProcessInfo.processInfo.environment["NAS_TUI_FUZZ"] == "1" {
    for fuzzer in fuzzers {
        package.targets.append(.executableTarget(
            name: "fuzz-\(fuzzer.name)", dependencies: fuzzer.dependencies, path: "Fuzz/\(fuzzer.name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
