import XCTest
@testable import Tensor

/// Wrong shapes and arguments are rejected with messages that name the values and what is accepted.
final class ShapeErrorTests: XCTestCase {
    private func message(_ body: () throws -> Tensor) -> String {
        do { _ = try body(); return "no error" } catch { return "\(error)" }
    }

    func testMessagesNameShapesAndWhatIsAccepted() throws {
        let a = Tensor(zeros: [2, 3]), b = Tensor(zeros: [4, 5])
        XCTAssertEqual(message { try a.matmul(b) }, "matmul: shapes [2, 3] and [4, 5] do not chain; accepted: [M, K] and [K, N]")
        XCTAssertTrue(message { try a + b }.contains("[2, 3] and [4, 5] differ"))
        let image = Tensor(zeros: [1, 3, 8, 8])
        XCTAssertTrue(message { try image.conv2d(weight: Tensor(zeros: [4, 2, 3, 3])) }.contains("weight [4, 2, 3, 3]"))
        XCTAssertTrue(message { try a.conv2d(weight: Tensor(zeros: [4, 3, 3, 3])) }.contains("accepted: an image batch [N, C, H, W]"))
        XCTAssertTrue(message { try image.conv2d(weight: Tensor(zeros: [4, 3, 11, 11])) }.contains("does not fit input"))
        XCTAssertTrue(message { try a.crossEntropy(labels: [0, 7]) }.contains("label 7 out of range; accepted: 0..<3"))
        XCTAssertTrue(message { try a.reshaped([4, 2]) }.contains("[2, 3] has 6 elements"))
        XCTAssertTrue(message { try image.sliceChannels(2..<5) }.contains("range 2..<5 of 3 channels"))
        XCTAssertTrue(message { try Tensor(shape: [2, 2], scalars: [1]) }.contains("1 scalars given, the shape holds 4"))
        XCTAssertThrowsError(try a.sum().scaled(by: 1).backward()) // nothing requires a gradient
        XCTAssertThrowsError(try randomTensor([2], seed: 1).scaled(by: 2).backward()) // not a scalar
    }
}
