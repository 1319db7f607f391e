import Config
import Foundation
import XCTest
@testable import NAS
import Tensor

/// The `chain` space: the demo configs, sampling, validation, resolution and config errors.
final class ChainSpaceTests: XCTestCase {
    private static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func demo(_ name: String) throws -> ChainSpace {
        try ChainSpace(contentsOfFile: ChainSpaceTests.repoRoot.appendingPathComponent("demo/\(name)").path)
    }

    private func space(_ text: String) throws -> ChainSpace {
        try ChainSpace(parsing: text, file: "space.toml")
    }

    private func spaceError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        do {
            _ = try space(text)
            XCTFail("expected a ConfigError", file: file, line: line)
        } catch let error as ConfigError {
            return error
        } catch {
            XCTFail("expected a ConfigError, got \(error)", file: file, line: line)
        }
        return nil
    }

    private func assignmentError(_ space: ChainSpace, _ assignment: [String: ChainValue],
                                 file: StaticString = #filePath, line: UInt = #line) -> ChainAssignmentError? {
        do {
            try space.validate(assignment)
            XCTFail("expected a ChainAssignmentError", file: file, line: line)
        } catch let error as ChainAssignmentError {
            return error
        } catch {
            XCTFail("expected a ChainAssignmentError, got \(error)", file: file, line: line)
        }
        return nil
    }

    // MARK: Demo files

    func testConvnetDemo() throws {
        let s = try demo("chain_convnet.toml")
        XCTAssertEqual(s.name, "convnet")
        XCTAssertEqual(s.head, .avgpool)
        XCTAssertEqual(s.layers.map(\.name), ["conv1", "block", "fc1"])
        XCTAssertEqual(s.layers.map(\.kind), [.conv, .conv, .linear])
        XCTAssertEqual(s.parameters.map(\.name), [
            "conv1.kernel", "conv1.channels", "conv1.activation", "conv1.pool",
            "block.repeat", "block.kernel", "block.channels", "block.activation", "block.dropout",
            "fc1.units", "fc1.activation", "fc1.dropout",
            "train.lr", "train.optimizer", "train.momentum",
        ])
        XCTAssertEqual(s.parameters.map(\.kind), [
            .choice, .choice, .choice, .fixed,
            .int, .int, .choice, .choice, .float,
            .choice, .fixed, .choice,
            .float, .fixed, .fixed,
        ])
        XCTAssertEqual(s.parameter(named: "conv1.kernel")?.domain, .choice([.int(3), .int(5), .int(7)]))
        XCTAssertEqual(s.parameter(named: "conv1.activation")?.domain,
                       .choice([.string("relu"), .string("gelu"), .string("silu")]))
        XCTAssertEqual(s.parameter(named: "block.repeat")?.domain, .int(low: 1, high: 3, step: 1, log: false))
        XCTAssertEqual(s.parameter(named: "block.kernel")?.values, [.int(3), .int(5)])
        XCTAssertEqual(s.parameter(named: "fc1.dropout")?.domain, .choice([.double(0.25), .double(0.5), .double(0.75)]))
        XCTAssertEqual(s.parameter(named: "train.lr")?.domain, .float(low: 1e-3, high: 1e-1, log: true))
        XCTAssertEqual(s.parameter(named: "train.optimizer")?.domain, .fixed(.string("sgd")))
        XCTAssertEqual(s.parameter(named: "conv1.kernel")?.line, 15)
        XCTAssertTrue(s.parameters.allSatisfy { $0.condition == nil })
        XCTAssertEqual(s.searchableParameters.count, 11)
    }

    func testMLPDemo() throws {
        let s = try demo("chain_mlp.toml")
        XCTAssertEqual(s.name, "mlp")
        XCTAssertEqual(s.parameters.map(\.name), [
            "hidden.repeat", "hidden.activation",
            "hidden[0].units", "hidden[0].dropout",
            "hidden[1].units", "hidden[1].dropout",
            "hidden[2].units", "hidden[2].dropout",
            "train.lr", "train.optimizer",
        ])
        XCTAssertEqual(s.parameter(named: "hidden[1].units")?.domain, .int(low: 4, high: 128, step: 1, log: true))
        XCTAssertEqual(s.parameter(named: "hidden[2].dropout")?.domain, .float(low: 0.2, high: 0.5, log: false))
        XCTAssertNil(s.parameter(named: "hidden[0].units")?.condition, "depth 1 is always built")
        XCTAssertEqual(s.parameter(named: "hidden[1].units")?.condition, .init(parameter: "hidden.repeat", atLeast: 2))
        XCTAssertEqual(s.parameter(named: "hidden[2].dropout")?.condition, .init(parameter: "hidden.repeat", atLeast: 3))
        XCTAssertEqual(s.parameter(named: "train.lr")?.domain, .float(low: 1e-5, high: 1e-1, log: true))
        XCTAssertEqual(s.parameter(named: "train.optimizer")?.domain, .choice([.string("adam"), .string("sgd")]),
                       "optimizer names are read case-insensitively and stored in lower case")
        XCTAssertEqual(s.layers[0].fieldParameters["units"], ["hidden[0].units", "hidden[1].units", "hidden[2].units"])
        XCTAssertEqual(s.layers[0].fieldParameters["activation"], ["hidden.activation"])
    }

    // MARK: Sampling

    func testSamplesStayInDomainOverManySeeds() throws {
        for file in ["chain_convnet.toml", "chain_mlp.toml"] {
            let s = try demo(file)
            for seed in 0..<300 {
                var rng = SeededGenerator(seed: UInt64(seed))
                let a = s.sample(using: &rng)
                for (name, value) in a {
                    let p = try XCTUnwrap(s.parameter(named: name))
                    XCTAssertTrue(p.contains(value), "\(file) seed \(seed): \(name) = \(value) not in \(p.domainDescription)")
                }
                XCTAssertNoThrow(try s.validate(a), "\(file) seed \(seed)")
                XCTAssertEqual(try s.normalized(a), a, "samples are already canonical")
                let arch = try s.resolve(a)
                XCTAssertFalse(arch.layers.isEmpty)
            }
        }
    }

    func testSamplingIsDeterministicPerSeed() throws {
        let s = try demo("chain_mlp.toml")
        var a = SeededGenerator(seed: 7), b = SeededGenerator(seed: 7)
        XCTAssertEqual(s.sample(using: &a), s.sample(using: &b))
    }

    func testDepthDecidesWhichParametersAreSampled() throws {
        let s = try demo("chain_mlp.toml")
        var depths: [Int: Int] = [:]
        var rng = SeededGenerator(seed: 1)
        for _ in 0..<600 {
            let a = s.sample(using: &rng)
            let depth = try XCTUnwrap(a["hidden.repeat"]?.intValue)
            depths[depth, default: 0] += 1
            for r in 0..<3 {
                XCTAssertEqual(a["hidden[\(r)].units"] != nil, r < depth)
                XCTAssertEqual(a["hidden[\(r)].dropout"] != nil, r < depth)
            }
            XCTAssertEqual(try s.resolve(a).layers.count, depth)
        }
        XCTAssertEqual(Set(depths.keys), [1, 2, 3])
        XCTAssertTrue(depths.values.allSatisfy { $0 > 120 }, "depths are uniform: \(depths)")
    }

    func testLogUniformSamplesSpreadOverDecades() {
        let lr = ChainParameter(name: "lr", domain: .float(low: 1e-5, high: 1e-1, log: true))
        var rng = SeededGenerator(seed: 42)
        var decades = [Int](repeating: 0, count: 4)
        let n = 4000
        for _ in 0..<n {
            let x = lr.sample(using: &rng).doubleValue!
            XCTAssertTrue(x >= 1e-5 && x <= 1e-1)
            decades[min(3, max(0, Int(floor(log10(x) + 5))))] += 1
        }
        for count in decades {
            XCTAssertEqual(Double(count) / Double(n), 0.25, accuracy: 0.04, "\(decades)")
        }

        let units = ChainParameter(name: "units", domain: .int(low: 4, high: 128, step: 1, log: true))
        var small = 0, large = 0
        for _ in 0..<n {
            let u = units.sample(using: &rng).intValue!
            XCTAssertTrue((4...128).contains(u))
            if u <= 16 { small += 1 }
            if u > 64 { large += 1 }
        }
        // Log-uniform: [4, 16] and (64, 128] cover similar shares; a linear sampler would give
        // 10% and 50%.
        XCTAssertGreaterThan(Double(small) / Double(n), 0.3)
        XCTAssertLessThan(Double(large) / Double(n), 0.3)

        let lin = ChainParameter(name: "p", domain: .float(low: 0.2, high: 0.5, log: false))
        var below = 0
        for _ in 0..<n where lin.sample(using: &rng).doubleValue! < 0.35 { below += 1 }
        XCTAssertEqual(Double(below) / Double(n), 0.5, accuracy: 0.04)
    }

    func testIntStepSamplesOnlyOnSteps() {
        let p = ChainParameter(name: "k", domain: .int(low: 3, high: 9, step: 2, log: false))
        var rng = SeededGenerator(seed: 3)
        var seen = Set<Int>()
        for _ in 0..<400 { seen.insert(p.sample(using: &rng).intValue!) }
        XCTAssertEqual(seen, [3, 5, 7, 9])
    }

    // MARK: Validation and resolution

    func testValidationRejectsOutOfDomainValues() throws {
        let s = try demo("chain_convnet.toml")
        var rng = SeededGenerator(seed: 11)
        let good = s.sample(using: &rng)

        var a = good
        a["conv1.kernel"] = .int(4)
        let kernel = assignmentError(s, a)
        XCTAssertEqual(kernel?.parameter, "conv1.kernel")
        XCTAssertTrue(kernel?.message.contains("one of 3, 5, 7") ?? false, "\(String(describing: kernel))")
        XCTAssertTrue(kernel?.message.contains("chain_convnet.toml:15") ?? false, "\(String(describing: kernel))")

        a = good
        a["train.lr"] = .double(0.5)
        XCTAssertTrue(assignmentError(s, a)?.message.contains("a float in [0.001, 0.1], log scale") ?? false)

        a = good
        a["block.repeat"] = .int(4)
        XCTAssertEqual(assignmentError(s, a)?.parameter, "block.repeat")

        a = good
        a["conv1.activation"] = .string("tanh")
        XCTAssertTrue(assignmentError(s, a)?.message.contains("one of relu, gelu, silu") ?? false)

        a = good
        a["conv1.channels"] = .string("32")
        XCTAssertEqual(assignmentError(s, a)?.parameter, "conv1.channels")

        a = good
        a["conv1.pool"] = .string("avg")
        XCTAssertTrue(assignmentError(s, a)?.message.contains("fixed at max") ?? false)

        a = good
        a["conv9.kernel"] = .int(3)
        let unknown = assignmentError(s, a)
        XCTAssertEqual(unknown?.parameter, "conv9.kernel")
        XCTAssertTrue(unknown?.message.contains("accepted: conv1.kernel, ") ?? false)

        a = good
        a["fc1.units"] = nil
        let missing = assignmentError(s, a)
        XCTAssertEqual(missing?.message.hasPrefix("missing parameter 'fc1.units': expected one of 64, 128, 256"), true)

        let mlp = try demo("chain_mlp.toml")
        let optimizer = assignmentError(mlp, ["hidden.repeat": .int(1), "hidden[0].units": .int(8),
                                              "hidden[0].dropout": .double(0.3), "train.lr": .double(0.01),
                                              "train.optimizer": .string("rmsprop")])
        XCTAssertTrue(optimizer?.message.contains("one of adam, sgd") ?? false)
        let units = assignmentError(mlp, ["hidden.repeat": .int(1), "hidden[0].units": .int(300),
                                          "hidden[0].dropout": .double(0.3), "train.lr": .double(0.01),
                                          "train.optimizer": .string("adam")])
        XCTAssertTrue(units?.message.contains("an integer in [4, 128], log scale") ?? false)
    }

    func testValidationFillsFixedAndAcceptsJSONNumbers() throws {
        let s = try demo("chain_mlp.toml")
        // Only the active parameters; fixed ones may be left out; 1 may stand for 1.0 (JSON).
        let a: [String: ChainValue] = ["hidden.repeat": .double(2), "hidden[0].units": .int(16),
                                       "hidden[0].dropout": .double(0.25), "hidden[1].units": .int(4),
                                       "hidden[1].dropout": .double(0.5), "train.lr": .double(1e-3),
                                       "train.optimizer": .string("sgd")]
        let n = try s.normalized(a)
        XCTAssertEqual(n["hidden.activation"], .string("relu"))
        guard case .int? = n["hidden.repeat"] else { return XCTFail("repeat is normalised to an int") }
        let arch = try s.resolve(a)
        XCTAssertEqual(arch.layers.map(\.units), [16, 4])
        XCTAssertEqual(arch.layers.map(\.dropout), [0.25, 0.5])
        XCTAssertEqual(arch.layers.map(\.name), ["hidden[0]", "hidden[1]"])
        XCTAssertEqual(arch.train, ChainTrainSettings(learningRate: 1e-3, optimizer: .sgd))
        // Extra values for repetitions that are not built are checked but dropped.
        var extra = a
        extra["hidden[2].units"] = .int(8)
        extra["hidden[2].dropout"] = .double(0.3)
        XCTAssertNil(try s.normalized(extra)["hidden[2].units"])
        extra["hidden[2].units"] = .int(1000)
        XCTAssertEqual(assignmentError(s, extra)?.parameter, "hidden[2].units")
    }

    func testResolveConvnet() throws {
        let s = try demo("chain_convnet.toml")
        let a: [String: ChainValue] = [
            "conv1.kernel": .int(5), "conv1.channels": .int(32), "conv1.activation": .string("gelu"),
            "block.repeat": .int(2), "block.kernel": .int(3), "block.channels": .int(64),
            "block.activation": .string("silu"), "block.dropout": .double(0.1),
            "fc1.units": .int(128), "fc1.dropout": .double(0.5), "train.lr": .double(0.01),
        ]
        let arch = try s.resolve(a)
        XCTAssertEqual(arch.layers, [
            ChainLayer(name: "conv1", kind: .conv, kernel: 5, width: 32, pool: .max, activation: .gelu, dropout: 0),
            ChainLayer(name: "block[0]", kind: .conv, kernel: 3, width: 64, activation: .silu, dropout: 0.1),
            ChainLayer(name: "block[1]", kind: .conv, kernel: 3, width: 64, activation: .silu, dropout: 0.1),
            ChainLayer(name: "fc1", kind: .linear, kernel: nil, width: 128, activation: .relu, dropout: 0.5),
        ])
        XCTAssertEqual(arch.head, .avgpool)
        XCTAssertEqual(arch.train, ChainTrainSettings(learningRate: 0.01, optimizer: .sgd, momentum: 0.9))
        XCTAssertEqual(arch.layers[0].channels, 32)
        XCTAssertNil(arch.layers[0].units)
        XCTAssertTrue(arch.summary.hasPrefix("conv5x5(32) gelu maxpool → conv3x3(64) silu dropout 0.1"), arch.summary)
        let json = try JSONEncoder().encode(arch)
        XCTAssertEqual(try JSONDecoder().decode(ChainArchitecture.self, from: json), arch)
    }

    func testDefaultsAndSharedRepeatWithZeroDepth() throws {
        let s = try space("""
        [[layer]]
        kind = "Conv"
        channels = 8
        repeat = { choice = [0, 1, 2] }

        [[layer]]
        kind = "linear"
        units = 10
        """)
        XCTAssertEqual(s.name, "space")
        XCTAssertEqual(s.head, .flatten)
        XCTAssertEqual(s.parameters.map(\.name), ["layer0.repeat", "layer0.channels", "layer1.units"])
        XCTAssertEqual(s.parameter(named: "layer0.channels")?.condition, .init(parameter: "layer0.repeat", atLeast: 1))
        let none = try s.resolve(["layer0.repeat": .int(0)])
        XCTAssertEqual(none.layers.map(\.kind), [.linear])
        let two = try s.resolve(["layer0.repeat": .int(2)])
        XCTAssertEqual(two.layers.first, ChainLayer(name: "layer0[0]", kind: .conv, kernel: 3, width: 8,
                                                    activation: .relu, dropout: 0))
        XCTAssertEqual(two.train, ChainTrainSettings(learningRate: 1e-3, optimizer: .adam))
    }

    /// `norm = "batch"`: the conv loses its bias and a BatchNorm sits between it and the
    /// activation, in the network, the summary and the latency key; layers saved before
    /// `norm` existed read back without it.
    func testBatchNormConvLayers() throws {
        let s = try space("""
        [[layer]]
        kind = "conv"
        channels = 6
        norm = { choice = ["none", "Batch"] }
        pool = "max"
        """)
        XCTAssertEqual(s.parameter(named: "layer0.norm")?.name, "layer0.norm")
        let plain = try s.resolve(["layer0.norm": .string("none")])
        let normed = try s.resolve(["layer0.norm": .string("batch")])
        XCTAssertEqual(plain.layers[0].norm, ChainNorm.none)
        XCTAssertEqual(normed.layers[0].norm, .batch)
        XCTAssertEqual(normed.layers[0].summary, "conv3x3(6) bn relu maxpool")
        XCTAssertEqual(plain.layers[0].summary, "conv3x3(6) relu maxpool")

        var generator = SeededGenerator(seed: 1)
        let modules = ChainNetwork.convModules(normed.layers[0], inChannels: 2, generator: &generator)
        XCTAssertEqual(modules.map { "\(type(of: $0))" }, ["Conv2d", "BatchNorm", "Activation", "Pool2d"])
        XCTAssertNil((modules[0] as? Conv2d)?.bias)
        XCTAssertNotNil((ChainNetwork.convModules(plain.layers[0], inChannels: 2, generator: &generator)[0] as? Conv2d)?.bias)
        let network = try ChainNetwork(architecture: normed, inputShape: [2, 8, 8], classes: 3, generator: &generator)
        XCTAssertEqual(network.namedBuffers().map(\.name).sorted(), ["body.1.running_mean", "body.1.running_var"])
        XCTAssertEqual(try network(Tensor(repeating: 0.5, shape: [4, 2, 8, 8])).shape, [4, 3])

        let keys = try [plain, normed].map { try chainLatencyItems($0, inputShape: [2, 8, 8], classes: 3)[0].key }
        XCTAssertEqual(keys, ["chain conv3x3 s1 relu pool=max 2x8x8->6", "chain conv3x3 s1 bn relu pool=max 2x8x8->6"])

        var saved = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(normed.layers[0])) as? [String: Any])
        XCTAssertEqual(saved["norm"] as? String, "batch")
        saved["norm"] = nil
        let old = try JSONDecoder().decode(ChainLayer.self, from: JSONSerialization.data(withJSONObject: saved))
        XCTAssertEqual(old, plain.layers[0])
    }

    // MARK: Config errors

    func testImpossibleRangesAreRejectedNamingTheLine() {
        let header = "[space]\nname = \"t\"\n[[layer]]\nkind = \"linear\"\n"  // lines 1-4; the case is line 5
        let cases: [(String, String)] = [
            ("units = { int = [128, 4] }", "the range [128, 4] for 'units' is empty: low must not exceed high"),
            ("units = { int = [0, 8], log = true }", "needs low ≥ 1"),
            ("units = { int = [0, 8] }", "includes 0, but 'units' must be an integer ≥ 1"),
            ("units = 0", "'units' = 0 is not allowed: 'units' must be an integer ≥ 1"),
            ("units = { choice = [] }", "empty choice list"),
            ("units = { choice = [8, 8] }", "duplicate choice 8"),
            ("units = { float = [1, 8] }", "'units' takes integers, not a float range; write { int = [low, high] }"),
            ("units = { int = [4, 9], step = 2 }", "does not end on a step of 2; use high = 8"),
            ("units = { int = [4, 8], step = 2, log = true }", "cannot be combined"),
            ("units = { int = [4] }", "must be two integers [low, high]"),
            ("units = { ints = [4, 8] }", "unknown key 'ints' in layer.units; accepted: choice, float, int, log, step"),
            ("units = { choice = [1], int = [1, 2] }", "give exactly one"),
            ("units = [4, 8]", "write a choice as { choice = [4, 8] }"),
            ("units = 8\ndropout = 1.0", "'dropout' must be a probability in [0, 1)"),
            ("units = 8\ndropout = { float = [-0.1, 0.5] }", "includes -0.1"),
            ("units = 8\ndropout = { float = [0.0, 0.5], log = true }", "needs low > 0"),
            ("units = 8\nactivation = \"tanh\"", "unsupported activation 'tanh'; accepted: relu, gelu, silu (any case)"),
            ("units = 8\nkernel = 3", "unknown key 'kernel' in [[layer]]; accepted: activation, dropout, independent, kind, name, repeat, units"),
            ("units = 8\nrepeat = 0", "never builds the layer"),
            ("units = 8\nrepeat = { int = [-1, 2] }", "includes -1"),
        ]
        for (body, expected) in cases {
            let error = spaceError(header + body)
            let line = 4 + body.split(separator: "\n").count
            XCTAssertEqual(error?.file, "space.toml", body)
            XCTAssertEqual(error?.line, line, "\(body): \(String(describing: error))")
            XCTAssertTrue(error?.message.contains(expected) ?? false, "\(body):\n  \(String(describing: error))\n  wanted: \(expected)")
        }
    }

    func testConvKernelRules() {
        let header = "[[layer]]\nkind = \"conv\"\nchannels = 8\n"  // the case is line 4
        for (body, expected) in [
            ("kernel = 4", "must be an odd integer ≥ 1"),
            ("kernel = 0", "must be an odd integer ≥ 1"),
            ("kernel = { choice = [3, 4] }", "must be an odd integer ≥ 1"),
            ("kernel = { int = [3, 7] }", "includes 4, but 'kernel' must be an odd integer ≥ 1 (use step = 2"),
            ("kernel = { int = [2, 6], step = 2 }", "includes 2"),
            ("pool = \"min\"", "unsupported pool 'min'; accepted: none, max, avg"),
            ("stride = { choice = [0, 1] }", "must be an integer ≥ 1"),
        ] {
            let error = spaceError(header + body)
            XCTAssertEqual(error?.line, 4, "\(body): \(String(describing: error))")
            XCTAssertTrue(error?.message.contains(expected) ?? false, "\(body): \(String(describing: error))")
        }
        XCTAssertNoThrow(try space(header + "kernel = { int = [1, 7], step = 2 }"))
        XCTAssertEqual(spaceError("[[layer]]\nkind = \"conv\"\n")?.message.contains("missing key 'channels'"), true)
        XCTAssertEqual(spaceError("[[layer]]\nkind = \"conv\"\n")?.line, 1)
    }

    func testStructureErrors() {
        let optimizer = spaceError("""
        [[layer]]
        kind = "linear"
        units = 8
        [train]
        optimizer = { choice = ["Adam", "RMSprop", "SGD"] }
        """)
        XCTAssertEqual(optimizer?.description,
                       "space.toml:5:33: unsupported optimizer 'RMSprop'; accepted: sgd, adam (any case)")

        let order = spaceError("""
        [[layer]]
        name = "fc"
        kind = "linear"
        units = 8

        [[layer]]
        kind = "conv"
        channels = 8
        """)
        XCTAssertEqual(order?.line, 6)
        XCTAssertTrue(order?.message.contains("follows the linear layer 'fc' (line 1)") ?? false)

        XCTAssertEqual(spaceError("[[layer]]\nkind = \"dense\"\n")?.message, "unknown layer kind 'dense'; accepted: conv, linear")
        XCTAssertEqual(spaceError("[space]\nname = \"x\"\n")?.message.hasPrefix("no [[layer]] blocks"), true)
        XCTAssertEqual(spaceError("[spaces]\n")?.description,
                       "space.toml:1: unknown key 'spaces' at the top level; accepted: experiment, layer, space, train")
        XCTAssertEqual(spaceError("[space]\nhead = \"gap\"\n[[layer]]\nkind = \"linear\"\nunits = 1")?.line, 2)
        let dup = spaceError("[[layer]]\nname = \"a\"\nkind = \"linear\"\nunits = 1\n[[layer]]\nname = \"a\"\nkind = \"linear\"\nunits = 1")
        XCTAssertEqual(dup?.line, 6)
        XCTAssertTrue(dup?.message.contains("duplicate layer name 'a'") ?? false)
        XCTAssertEqual(spaceError("[[layer]]\nkind = \"linear\"\nunits = 1\n[train]\nlr = { float = [0, 0.1] }")?.line, 5)
        XCTAssertEqual(spaceError("[[layer]]\nkind = \"linear\"\nunits = 1\n[train]\nlr = 0.1\nepochs = 3")?.message,
                       "unknown key 'epochs' in [train]; accepted: batch_size, lr, momentum, optimizer, weight_decay")
    }
}
