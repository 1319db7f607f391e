// swift-tools-version:5.10
// nas-tui: steer neural architecture searches from the terminal.
// Layers (imports point down only): nas-tui → TUI → Engine → Search → NAS → Tensor → CBLAS.
import PackageDescription

/// Hot loops in the tensor core run without overflow checks in release builds.
let fastMath: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "nas-tui",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nas-tui", targets: ["nas-tui"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: fastMath),
        .target(name: "NAS", dependencies: ["Tensor", "CZlib"], swiftSettings: fastMath),
        .target(name: "TUI", dependencies: ["CNcurses"]),
        .executableTarget(
            name: "nas-tui",
            dependencies: [
                "Tensor", "NAS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "NASTests", dependencies: ["NAS", "Tensor"]),
        .testTarget(name: "TUITests", dependencies: ["TUI"]),
    ]
)
