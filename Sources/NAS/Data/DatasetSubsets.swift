import Foundation
import Tensor

extension ImageDataset {
    /// The images at `indices`, in that order (indices may repeat). Throws `DataError` for an
    /// index outside `0..<count`.
    public func subset(indices: [Int], name newName: String? = nil) throws -> ImageDataset {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw DataError("data set '\(name)': subset index \(bad) is outside 0..<\(count)")
        }
        return gathered(indices, name: newName ?? "\(name)[\(indices.count)]")
    }

    /// The first `n` images (all of them when `n >= count`).
    public func prefix(_ n: Int) -> ImageDataset {
        let k = max(0, min(n, count))
        if k == count { return self }
        return gathered(Array(0..<k), name: "\(name)[:\(k)]")
    }

    /// `n` images drawn without replacement, seeded; kept in their original order.
    public func randomSubset(_ n: Int, seed: UInt64) -> ImageDataset {
        let k = max(0, min(n, count))
        var order = ImageDataset.permutation(count, seed: seed)
        order.removeLast(count - k)
        order.sort()
        return gathered(order, name: "\(name)[random \(k)]")
    }

    /// A seeded split into two disjoint parts that together hold every image: `train` gets
    /// `count - validationCount` images, `validation` the rest. DARTS search uses
    /// `validationFraction: 0.5` (half the training images for the architecture step).
    /// Throws `DataError` for a fraction outside [0, 1].
    public func split(validationFraction: Double, seed: UInt64) throws -> (train: ImageDataset, validation: ImageDataset) {
        guard validationFraction >= 0, validationFraction <= 1 else {
            throw DataError("data set '\(name)': validation fraction \(validationFraction); expected a value in 0...1")
        }
        let validationCount = Int((Double(count) * validationFraction).rounded())
        return try split(validationCount: validationCount, seed: seed)
    }

    /// A seeded split with exactly `validationCount` images in `validation`.
    public func split(validationCount: Int, seed: UInt64) throws -> (train: ImageDataset, validation: ImageDataset) {
        guard validationCount >= 0, validationCount <= count else {
            throw DataError("data set '\(name)': validation count \(validationCount); expected 0...\(count)")
        }
        let order = ImageDataset.permutation(count, seed: seed)
        let trainCount = count - validationCount
        let trainIndices = order[..<trainCount].sorted()
        let validationIndices = order[trainCount...].sorted()
        return (gathered(trainIndices, name: "\(name)/train-split"),
                gathered(validationIndices, name: "\(name)/validation-split"))
    }

    /// This data set followed by `other` (same image shape and class count).
    public func concatenated(with other: ImageDataset, name newName: String? = nil) throws -> ImageDataset {
        guard other.imageShape == imageShape, other.classCount == classCount else {
            throw DataError("cannot join '\(name)' (\(channels)x\(height)x\(width), \(classCount) classes) with '\(other.name)' (\(other.channels)x\(other.height)x\(other.width), \(other.classCount) classes); expected the same image shape and class count")
        }
        guard other.normalization == normalization else {
            throw DataError("cannot join '\(name)' with '\(other.name)': they are normalised differently")
        }
        var out = self
        out.name = newName ?? name
        out.appendUnchecked(other)
        return out
    }

    /// Copies the images at `indices` (all valid) into a new data set, one memcpy per image.
    func gathered(_ indices: [Int], name newName: String) -> ImageDataset {
        let size = imageSize
        let pixels = [Float](unsafeUninitializedCapacity: indices.count * size) { out, initialized in
            images.withUnsafeBufferPointer { src in
                guard let from = src.baseAddress, let to = out.baseAddress else { return }
                for (j, i) in indices.enumerated() {
                    (to + j * size).initialize(from: from + i * size, count: size)
                }
            }
            initialized = indices.count * size
        }
        var newLabels = [Int](repeating: 0, count: indices.count)
        labels.withUnsafeBufferPointer { src in
            for (j, i) in indices.enumerated() { newLabels[j] = src[i] }
        }
        return ImageDataset(unchecked: newName, images: pixels, labels: newLabels, channels: channels,
                            height: height, width: width, classCount: classCount,
                            classNames: classNames, normalization: normalization)
    }

    /// A seeded permutation of `0..<n` (Fisher–Yates).
    static func permutation(_ n: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<n)
        var generator = SeededGenerator(seed: seed)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = generator.nextInt(i + 1)
                order.swapAt(i, j)
            }
        }
        return order
    }
}
