import Foundation
import Tensor

/// Seeded training-time augmentation, as in the DARTS CIFAR pipeline: a random crop of the
/// image padded by `cropPadding` pixels on every side (padding is black, i.e. raw 0, also
/// after normalisation), then a horizontal flip with probability 1/2, then cutout (DARTS's
/// `Cutout`): one square of side `cutout` at a uniformly random centre, clipped at the borders,
/// set to 0 of the normalised image (the data set's mean; DARTS multiplies the normalised tensor
/// by its mask). Shapes are unchanged.
public struct Augmentation: Equatable, Sendable {
    /// Pixels of padding before the random crop; 0 turns cropping off.
    public var cropPadding: Int
    /// Flip each image left-right with probability 1/2.
    public var horizontalFlip: Bool
    /// The side of the cutout square in pixels; 0 turns cutout off.
    public var cutout: Int

    public init(cropPadding: Int = 0, horizontalFlip: Bool = false, cutout: Int = 0) {
        self.cropPadding = max(0, cropPadding)
        self.horizontalFlip = horizontalFlip
        self.cutout = max(0, cutout)
    }

    /// No augmentation.
    public static let none = Augmentation()
    /// CIFAR standard: pad 4 and crop, random horizontal flip.
    public static let cifar = Augmentation(cropPadding: 4, horizontalFlip: true)

    public var isIdentity: Bool { cropPadding == 0 && !horizontalFlip && cutout == 0 }

    /// Writes an augmented copy of one CHW image from `source` to `target`.
    /// `fill[c]` is the value of a padded pixel in channel c.
    func apply(from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>,
               channels: Int, height: Int, width: Int, fill: [Float],
               generator: inout SeededGenerator) {
        let pad = cropPadding
        let dy = pad > 0 ? generator.nextInt(2 * pad + 1) - pad : 0
        let dx = pad > 0 ? generator.nextInt(2 * pad + 1) - pad : 0
        let flip = horizontalFlip && generator.nextInt(2) == 1
        let plane = height * width
        // Columns x of the crop with a source column inside the image: x + dx in 0..<width.
        let x0 = max(0, -dx), x1 = min(width, width - dx)
        for c in 0..<channels {
            let value = fill[c]
            let src = source + c * plane
            let dst = target + c * plane
            for y in 0..<height {
                let row = dst + y * width
                let sy = y + dy
                if sy < 0 || sy >= height || x0 >= x1 {
                    row.update(repeating: value, count: width)
                    continue
                }
                let srow = src + sy * width
                if !flip {
                    if x0 > 0 { row.update(repeating: value, count: x0) }
                    (row + x0).update(from: srow + x0 + dx, count: x1 - x0)
                    if x1 < width { (row + x1).update(repeating: value, count: width - x1) }
                } else {
                    // Flipped after cropping: out[x] = crop[width-1-x] = src[width-1-x+dx].
                    for x in 0..<width {
                        let cx = width - 1 - x
                        row[x] = (cx >= x0 && cx < x1) ? srow[cx + dx] : value
                    }
                }
            }
        }
        if cutout > 0 {
            applyCutout(to: target, channels: channels, height: height, width: width, generator: &generator)
        }
    }

    /// Draws the centre uniformly over the pixels, row first (as DARTS's `np.random.randint(h)`,
    /// then `w`), and cuts the square out there.
    func applyCutout(to image: UnsafeMutablePointer<Float>, channels: Int, height: Int, width: Int,
                     generator: inout SeededGenerator) {
        let cy = generator.nextInt(height), cx = generator.nextInt(width)
        cutOut(image, centreY: cy, centreX: cx, channels: channels, height: height, width: width)
    }

    /// Zeroes rows cy-L/2 ..< cy-L/2+L and the same columns around cx, clipped to the image, in
    /// every channel. For an even side L this is DARTS's square exactly (an odd one is L wide
    /// where DARTS's would be L-1).
    func cutOut(_ image: UnsafeMutablePointer<Float>, centreY cy: Int, centreX cx: Int, channels: Int, height: Int, width: Int) {
        let y0 = max(0, cy - cutout / 2), y1 = min(height, cy - cutout / 2 + cutout)
        let x0 = max(0, cx - cutout / 2), x1 = min(width, cx - cutout / 2 + cutout)
        guard y0 < y1, x0 < x1 else { return }
        for c in 0..<channels {
            for y in y0..<y1 { (image + (c * height + y) * width + x0).update(repeating: 0, count: x1 - x0) }
        }
    }
}
