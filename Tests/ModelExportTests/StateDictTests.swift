import Foundation
import XCTest
@testable import ModelExport
import NAS
import Tensor

/// State-dict names (those of the reference PyTorch code) and strict loading.
final class StateDictTests: XCTestCase {
    private func keys(_ model: Module) -> Set<String> { Set(StateDict.entries(of: model).map(\.name)) }

    /// Named parameters and buffers are exactly `parameters` and `buffers`, in order.
    private func assertNamesCoverEverything(_ model: Module, _ name: String) {
        let named = model.namedParameters(), buffers = model.namedBuffers()
        XCTAssertEqual(named.count, model.parameters.count, name)
        XCTAssertTrue(zip(named, model.parameters).allSatisfy { $0.tensor === $1 }, name)
        XCTAssertEqual(buffers.count, model.buffers.count, name)
        XCTAssertTrue(zip(buffers, model.buffers).allSatisfy { $0.tensor === $1 }, name)
        XCTAssertEqual(Set(named.map(\.name)).count, named.count, "\(name): parameter names are unique")
    }

    func testDartsKeysAreThoseOfTheDARTSCode() throws {
        let fixture = try ExportFixture.darts()
        assertNamesCoverEverything(fixture.model, "darts")
        let keys = keys(fixture.model)
        for key in ["stem.0.weight", "stem.1.weight", "stem.1.bias", "stem.1.running_mean", "stem.1.running_var",
                    "stem.1.num_batches_tracked", "cells.0.preprocess0.op.1.weight", "cells.0.preprocess1.op.2.running_var",
                    "cells.0._ops.0.op.1.weight", "cells.0._ops.0.op.2.weight", "cells.0._ops.0.op.3.bias",
                    "cells.0._ops.0.op.5.weight", "cells.0._ops.0.op.6.weight", "cells.0._ops.0.op.7.num_batches_tracked",
                    "cells.0._ops.1.op.1.weight", "cells.0._ops.1.op.3.running_mean", "cells.1._ops.0.conv_1.weight",
                    "cells.1._ops.0.conv_2.weight", "cells.1._ops.0.bn.running_var", "cells.2.preprocess0.conv_1.weight",
                    "classifier.weight", "classifier.bias"] {
            XCTAssertTrue(keys.contains(key), "darts: \(key) missing from \(keys.sorted().prefix(12))")
        }
        // Pools, identities and `none` hold no tensors.
        XCTAssertFalse(keys.contains { $0.hasPrefix("cells.0._ops.2.") || $0.hasPrefix("cells.0._ops.3.") || $0.hasPrefix("cells.0._ops.6.") })
        XCTAssertEqual(keys.filter { $0.hasPrefix("cells.0._ops.0.") }.count, 4 + 2 * 5) // four convolutions, two batch norms
    }

    func testNB201KeysAreThoseOfTinyNetwork() throws {
        let fixture = try ExportFixture.nb201()
        assertNamesCoverEverything(fixture.model, "nb201")
        let keys = keys(fixture.model)
        for key in ["stem.0.weight", "stem.1.num_batches_tracked", "cells.0.layers.2.op.1.weight", "cells.0.layers.2.op.2.bias",
                    "cells.0.layers.5.op.2.running_var", "cells.1.conv_a.op.1.weight", "cells.1.conv_b.op.2.running_mean",
                    "cells.1.downsample.1.weight", "cells.4.layers.5.op.1.weight", "lastact.0.weight", "lastact.0.num_batches_tracked",
                    "classifier.weight", "classifier.bias"] {
            XCTAssertTrue(keys.contains(key), "nb201: \(key) missing from \(keys.sorted())")
        }
        // none, skip_connect, avg_pool_3x3 and none hold no tensors.
        XCTAssertFalse(keys.contains { key in [0, 1, 3, 4].contains { key.hasPrefix("cells.0.layers.\($0).") } })
        XCTAssertFalse(keys.contains { $0.hasPrefix("cells.1.downsample.0.") })
    }

    func testChainKeysFollowTheSequential() throws {
        let fixture = try ExportFixture.chain()
        assertNamesCoverEverything(fixture.model, "chain")
        // conv1 (0), gelu, max pool, conv2 without bias (3), batch norm (4), silu, avg pool, dropout, flatten,
        // fc (9), relu, dropout, classifier (12).
        XCTAssertEqual(keys(fixture.model), ["body.0.weight", "body.0.bias", "body.3.weight", "body.4.weight", "body.4.bias",
                                             "body.4.running_mean", "body.4.running_var", "body.4.num_batches_tracked",
                                             "body.9.weight", "body.9.bias", "body.12.weight", "body.12.bias"])
    }

    func testWeightsRoundTripThroughSafetensorsIntoAFreshNetwork() throws {
        for fixture in try ExportFixture.all() {
            let data = try SafeTensors.encode(Dictionary(uniqueKeysWithValues: StateDict.entries(of: fixture.model).map { ($0.name, $0.entry) }))
            var generator = SeededGenerator(seed: 99)
            let fresh = try fixture.space.build(fixture.genotype, inputShape: fixture.inputShape, classes: fixture.classes, generator: &generator)
            try StateDict.load(try SafeTensors.decode(data).entries, into: fresh, source: "weights")
            for ((name, a), (_, b)) in zip(StateDict.tensors(of: fixture.model), StateDict.tensors(of: fresh)) {
                XCTAssertEqual(a.scalars, b.scalars, "\(fixture.name): \(name)")
            }
            XCTAssertTrue(StateDict.batchNorms(of: fresh).allSatisfy { $0.norm.batchesTracked == 7 }, fixture.name)
            let copy = ExportFixture(name: fixture.name, space: fixture.space, genotype: fixture.genotype, model: fresh,
                                     inputShape: fixture.inputShape, classes: fixture.classes, normalization: fixture.normalization,
                                     images: fixture.images)
            XCTAssertEqual(try copy.logits().scalars, try fixture.logits().scalars, fixture.name)
        }
    }

    func testStrictLoadingNamesMissingUnexpectedAndMisshapenTensors() throws {
        let fixture = try ExportFixture.nb201()
        let entries = Dictionary(uniqueKeysWithValues: StateDict.entries(of: fixture.model).map { ($0.name, $0.entry) })
        var missing = entries
        missing["classifier.bias"] = nil
        XCTAssertThrowsError(try StateDict.load(missing, into: fixture.model, source: "w.safetensors")) { error in
            XCTAssertEqual("\(error)", "w.safetensors: the weights do not match the network: missing classifier.bias")
        }
        var extra = entries
        extra["auxiliary_head.weight"] = .float32(shape: [1], values: [0])
        XCTAssertThrowsError(try StateDict.load(extra, into: fixture.model, source: "w.safetensors")) { error in
            XCTAssertEqual("\(error)", "w.safetensors: the weights do not match the network: unexpected auxiliary_head.weight")
        }
        var misshapen = entries
        misshapen["stem.0.weight"] = .float32(shape: [2, 2], values: [0, 0, 0, 0])
        XCTAssertThrowsError(try StateDict.load(misshapen, into: fixture.model, source: "w.safetensors")) { error in
            XCTAssertEqual("\(error)", "w.safetensors: tensor stem.0.weight has shape [2, 2]; the network needs [4, 3, 3, 3]")
        }
        var wrongType = entries
        wrongType["stem.1.num_batches_tracked"] = .float32(shape: [], values: [1])
        XCTAssertThrowsError(try StateDict.load(wrongType, into: fixture.model, source: "w.safetensors")) { error in
            XCTAssertTrue("\(error)".contains("stem.1.num_batches_tracked is F32"), "\(error)")
        }
    }

    /// A training-only auxiliary head is not part of the saved inference network.
    func testTrainingOnlyModulesAreLeftOut() throws {
        final class WithAuxiliaryHead: Module {
            var generator = SeededGenerator(seed: 1)
            lazy var body = Linear(3, 2, generator: &generator)
            lazy var auxiliary = Sequential([Linear(3, 2, generator: &generator), BatchNorm(2)])
            override var namedChildren: [(name: String, module: Module)] { [("body", body), ("auxiliary", auxiliary)] }
        }
        let model = WithAuxiliaryHead()
        XCTAssertEqual(model.namedParameters().map(\.name), ["body.weight", "body.bias", "auxiliary.0.weight", "auxiliary.0.bias",
                                                             "auxiliary.1.weight", "auxiliary.1.bias"])
        XCTAssertEqual(StateDict.entries(of: model).map(\.name), ["body.weight", "body.bias"])
    }

    /// A module that lists only `children` gets positional names.
    func testModulesWithoutNamesArePositional() throws {
        final class Unnamed: Module {
            let inner: Module
            init(_ inner: Module) { self.inner = inner }
            override var children: [Module] { [inner] }
        }
        var generator = SeededGenerator(seed: 2)
        let model = Unnamed(Sequential([Conv2d(1, 2, kernel: 1, bias: true, generator: &generator), BatchNorm(2)]))
        XCTAssertEqual(model.namedParameters().map(\.name), ["0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias"])
        XCTAssertEqual(model.namedBuffers().map(\.name), ["0.1.running_mean", "0.1.running_var"])
    }
}
