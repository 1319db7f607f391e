import Foundation
import Tensor

/// A small generated image set for tests and machines without Fashion-MNIST. Each class has a
/// seeded template (an oriented stripe pattern plus a bright blob at a class-specific place,
/// and a colour per channel); each image is its class template, shifted by up to `maxShift`
/// pixels, scaled in contrast, plus Gaussian noise, clipped to [0, 1]. A small network learns
/// it in an epoch; the same seed gives the same images.
public struct SyntheticDataset: Equatable, Sendable {
    public var classCount: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    /// Standard deviation of the per-pixel noise.
    public var noise: Float
    /// Largest random translation in pixels.
    public var maxShift: Int
    /// Seeds the class templates; training and test sets made from the same value share them.
    public var seed: UInt64

    public init(classCount: Int = 10, channels: Int = 1, height: Int = 28, width: Int = 28,
                noise: Float = 0.2, maxShift: Int = 2, seed: UInt64 = 0) {
        self.classCount = classCount
        self.channels = channels
        self.height = height
        self.width = width
        self.noise = noise
        self.maxShift = maxShift
        self.seed = seed
    }

    /// `count` images with balanced labels in a seeded order. `sampleSeed` draws the images
    /// (use different values for training and test sets). Throws `DataError` for a bad size.
    public func make(count: Int, sampleSeed: UInt64, name: String = "synthetic") throws -> ImageDataset {
        guard count >= 0 else { throw DataError("synthetic: image count \(count); expected 0 or more") }
        guard classCount >= 1, classCount <= 1000 else {
            throw DataError("synthetic: class count \(classCount); expected 1…1000")
        }
        guard channels >= 1, channels <= 64, height >= 4, width >= 4, height <= 512, width <= 512 else {
            throw DataError("synthetic: image size \(channels)x\(height)x\(width); expected 1…64 channels and 4…512 pixels a side")
        }
        guard noise >= 0, noise.isFinite else {
            throw DataError("synthetic: noise \(noise); expected a finite value >= 0")
        }
        let templates = makeTemplates()
        let size = channels * height * width
        let plane = height * width
        var generator = SeededGenerator(seed: sampleSeed ^ 0x5EED_DA7A_0000_0001)
        var labels = (0..<count).map { $0 % classCount }
        labels.shuffle(using: &generator)
        let shift = max(0, min(maxShift, min(height, width) / 4))
        var pixels = [Float](repeating: 0, count: count * size)
        let (h, w, c, sigma) = (height, width, channels, noise)
        templates.withUnsafeBufferPointer { tpl in
            pixels.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    let label = labels[i]
                    let dy = shift > 0 ? generator.nextInt(2 * shift + 1) - shift : 0
                    let dx = shift > 0 ? generator.nextInt(2 * shift + 1) - shift : 0
                    let contrast = 0.75 + 0.5 * generator.nextFloat()
                    let src = tpl.baseAddress! + label * size
                    let dst = out.baseAddress! + i * size
                    for ch in 0..<c {
                        for y in 0..<h {
                            // Shift with edge clamping so no border artefact gives the shift away.
                            let sy = min(max(y - dy, 0), h - 1)
                            let srow = src + ch * plane + sy * w
                            let drow = dst + ch * plane + y * w
                            for x in 0..<w {
                                let sx = min(max(x - dx, 0), w - 1)
                                let v = srow[sx] * contrast + sigma * generator.nextNormal()
                                drow[x] = min(max(v, 0), 1)
                            }
                        }
                    }
                }
            }
        }
        let names = (0..<classCount).map { "pattern \($0)" }
        return try ImageDataset(name: name, images: pixels, labels: labels, channels: channels,
                                height: height, width: width, classCount: classCount, classNames: names)
    }

    /// One CHW template per class, values in [0, 1].
    func makeTemplates() -> [Float] {
        var generator = SeededGenerator(seed: seed ^ 0x7E3A_1A7E_0000_0002)
        let size = channels * height * width
        var templates = [Float](repeating: 0, count: classCount * size)
        let (h, w) = (Float(height), Float(width))
        for k in 0..<classCount {
            // Stripe orientation spread over half a turn, frequency alternating by class.
            let angle = Float.pi * (Float(k) + 0.3 * generator.nextFloat()) / Float(classCount)
            let period = (k % 2 == 0 ? 0.45 : 0.25) * min(h, w) * (0.9 + 0.2 * generator.nextFloat())
            let phase = 2 * Float.pi * generator.nextFloat()
            // Blob centre on a ring, one place per class.
            let around = 2 * Float.pi * Float(k) / Float(classCount)
            let cy = h / 2 + 0.28 * h * sin(around), cx = w / 2 + 0.28 * w * cos(around)
            let radius = 0.12 * min(h, w)
            var colour = (0..<channels).map { _ in 0.4 + 0.6 * generator.nextFloat() }
            if channels == 1 { colour = [1] }
            let (ca, sa) = (cos(angle), sin(angle))
            for ch in 0..<channels {
                let base = k * size + ch * height * width
                for y in 0..<height {
                    for x in 0..<width {
                        let fy = Float(y), fx = Float(x)
                        let stripe = 0.5 + 0.5 * sin(2 * Float.pi * (fx * ca + fy * sa) / period + phase)
                        let d2 = ((fy - cy) * (fy - cy) + (fx - cx) * (fx - cx)) / (radius * radius)
                        let blob = exp(-d2)
                        templates[base + y * width + x] = colour[ch] * min(1, 0.55 * stripe + 0.8 * blob)
                    }
                }
            }
        }
        return templates
    }
}
