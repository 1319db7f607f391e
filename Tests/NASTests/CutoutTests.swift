import XCTest
@testable import NAS
import Tensor

/// Cutout (DARTS's `Cutout`) against hand-computed images, alone and after crop and flip, and the
/// augmentation's stored form with and without it.
final class CutoutTests: XCTestCase {
    /// A 1x4x5 image holding 1...20 row by row.
    private let image: [Float] = (1...20).map(Float.init)

    private func cutOut(_ side: Int, centre: (Int, Int), channels: Int = 1, source: [Float]? = nil) -> [Float] {
        var out = source ?? image
        out.withUnsafeMutableBufferPointer {
            Augmentation(cutout: side).cutOut($0.baseAddress!, centreY: centre.0, centreX: centre.1, channels: channels, height: 4, width: 5)
        }
        return out
    }

    private func augment(_ augmentation: Augmentation, seed: UInt64, fill: Float = -1) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        var out = [Float](repeating: .nan, count: 20)
        image.withUnsafeBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                augmentation.apply(from: s.baseAddress!, to: o.baseAddress!, channels: 1, height: 4, width: 5, fill: [fill], generator: &generator)
            }
        }
        return out
    }

    func testCutoutZeroesTheSquareAroundItsCentre() {
        // Side 2 at (1, 2): rows 0..<2, columns 1..<3 (DARTS: centre - L/2 ..< centre + L/2).
        XCTAssertEqual(cutOut(2, centre: (1, 2)), [ 1, 0, 0, 4, 5,
                                                    6, 0, 0, 9, 10,
                                                   11, 12, 13, 14, 15,
                                                   16, 17, 18, 19, 20])
        // Side 4 at (2, 2): rows 0..<4, columns 0..<4.
        XCTAssertEqual(cutOut(4, centre: (2, 2)), [0, 0, 0, 0, 5,
                                                   0, 0, 0, 0, 10,
                                                   0, 0, 0, 0, 15,
                                                   0, 0, 0, 0, 20])
        // An odd side 3 at (2, 3): rows 1..<4, columns 2..<5 (three wide).
        XCTAssertEqual(cutOut(3, centre: (2, 3)), [ 1, 2, 3, 4, 5,
                                                    6, 7, 0, 0, 0,
                                                   11, 12, 0, 0, 0,
                                                   16, 17, 0, 0, 0])
    }

    func testCutoutIsClippedAtTheBordersAndCoversEveryChannel() {
        // Side 4 at the corner (0, 4): rows -2..<2 and columns 2..<6, clipped to rows 0..<2, columns 2..<5.
        XCTAssertEqual(cutOut(4, centre: (0, 4)), [ 1, 2, 0, 0, 0,
                                                    6, 7, 0, 0, 0,
                                                   11, 12, 13, 14, 15,
                                                   16, 17, 18, 19, 20])
        // Side 2 at (3, 0): rows 2..<4, columns -1..<1 → 0..<1; the same square in both channels.
        let two = cutOut(2, centre: (3, 0), channels: 2, source: image + image.map { -$0 })
        XCTAssertEqual(two, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 12, 13, 14, 15, 0, 17, 18, 19, 20,
                             -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, 0, -12, -13, -14, -15, 0, -17, -18, -19, -20])
        // A square larger than the image blanks it all.
        XCTAssertEqual(cutOut(12, centre: (1, 1)), [Float](repeating: 0, count: 20))
    }

    func testSeededCutoutDrawsItsCentreRowFirst() {
        // Cutout alone draws the centre's row in 0..<4, then its column in 0..<5: seed 1 draws (2, 2),
        // so rows 1..<3 and columns 1..<3 go.
        var draws = SeededGenerator(seed: 1)
        XCTAssertEqual([draws.nextInt(4), draws.nextInt(5)], [2, 2])
        XCTAssertEqual(augment(Augmentation(cutout: 2), seed: 1), [ 1, 2, 3, 4, 5,
                                                                   6, 0, 0, 9, 10,
                                                                  11, 0, 0, 14, 15,
                                                                  16, 17, 18, 19, 20])
    }

    func testCropFlipThenCutoutByHand() {
        // Seed 20 draws the crop's offsets dy = 1, dx = -1 (each in -1...1), a flip, then the cutout
        // centre (1, 1). The crop reads source row y+1, column x-1:
        //   [-1, 6, 7, 8, 9], [-1, 11, 12, 13, 14], [-1, 16, 17, 18, 19], [-1, -1, -1, -1, -1];
        // the flip reverses each row, and the side-2 square takes rows 0..<2, columns 0..<2.
        var draws = SeededGenerator(seed: 20)
        let drawn = [draws.nextInt(3) - 1, draws.nextInt(3) - 1, draws.nextInt(2), draws.nextInt(4), draws.nextInt(5)]
        XCTAssertEqual(drawn, [1, -1, 1, 1, 1])
        XCTAssertEqual(augment(Augmentation(cropPadding: 1, horizontalFlip: true, cutout: 2), seed: 20),
                       [ 0,  0,  7,  6, -1,
                         0,  0, 12, 11, -1,
                        19, 18, 17, 16, -1,
                        -1, -1, -1, -1, -1], "padding is the fill (-1), the cut-out square is 0")
    }

    func testTheStoredAugmentationReadsOlderFilesWithoutCutout() throws {
        let old = try JSONDecoder().decode(Augmentation.self, from: Data(#"{"crop_padding":4,"horizontal_flip":true}"#.utf8))
        XCTAssertEqual(old, .cifar)
        let new = Augmentation(cropPadding: 2, horizontalFlip: true, cutout: 8)
        XCTAssertEqual(try JSONDecoder().decode(Augmentation.self, from: JSONEncoder().encode(new)), new)
        XCTAssertFalse(Augmentation(cutout: 1).isIdentity)
    }
}
