import Foundation
import XCTest
@testable import ModelExport
import NAS
import Tensor

/// A network trained with DARTS's auxiliary head saves as the inference network alone: the same
/// safetensors, ONNX graph and model.py as the same network built without the head, and it loads back.
final class AuxiliaryHeadExportTests: XCTestCase {
    func testTheSavedModelHasNoAuxiliaryHead() throws {
        let base = try ExportFixture.darts()
        func built(head: Bool) throws -> Module {
            var generator = SeededGenerator(seed: 8)
            return try base.space.build(base.genotype, inputShape: base.inputShape, classes: base.classes, generator: &generator,
                                        auxiliaryHead: head)
        }
        let withHead = try built(head: true), plain = try built(head: false)
        XCTAssertNotNil((withHead as? AuxiliaryHeadNetwork)?.auxiliaryHead)
        XCTAssertTrue(withHead.namedParameters().contains { $0.name.hasPrefix("auxiliary_head.") })
        withHead.train(false); plain.train(false)

        XCTAssertEqual(StateDict.entries(of: withHead).map(\.name), StateDict.entries(of: plain).map(\.name))
        for (a, b) in zip(StateDict.tensors(of: withHead), StateDict.tensors(of: plain)) { XCTAssertEqual(a.tensor.scalars, b.tensor.scalars, a.name) }
        let onnx = { (m: Module) in try ONNXExport.serializedModel(m, inputShape: base.inputShape, normalization: base.normalization,
                                                                   metadata: [], docString: "d") }
        XCTAssertEqual(try onnx(withHead), try onnx(plain))
        let network = try SavedNetwork(space: base.space, genotype: base.genotype, inputShape: base.inputShape, classes: base.classes)
        let code = { (m: Module) in try PyTorchCode.source(for: m, genotype: base.genotype, network: network, normalization: base.normalization) }
        XCTAssertEqual(try code(withHead), try code(plain))

        // Written and read back (as `predict` does), it is the plain network with the same logits.
        let fixture = ExportFixture(name: "darts-aux", space: base.space, genotype: base.genotype, model: withHead,
                                    inputShape: base.inputShape, classes: base.classes, normalization: base.normalization, images: base.images)
        let saved = try SavedModel.load(try fixture.save())
        XCTAssertNil((saved.model as? AuxiliaryHeadNetwork)?.auxiliaryHead)
        XCTAssertEqual(try ExportFixture(name: "reloaded", space: base.space, genotype: base.genotype, model: saved.model,
                                         inputShape: base.inputShape, classes: base.classes, normalization: base.normalization,
                                         images: base.images).logits().scalars,
                       try fixture.logits().scalars)
    }
}
