import Foundation

/// An in-memory labelled image set: Float32 images stored NCHW and contiguous
/// (image i occupies `images[i*imageSize ..< (i+1)*imageSize]`), one label in
/// `0..<classCount` per image. A value type; copies share storage until written.
public struct ImageDataset: Sendable {
    /// A short name for logs and the status bar, e.g. `fashion-mnist/train`.
    public var name: String
    /// Pixels, NCHW contiguous; `count * imageSize` values.
    public private(set) var images: [Float]
    /// Class labels, one per image, each in `0..<classCount`.
    public private(set) var labels: [Int]
    public let channels: Int
    public let height: Int
    public let width: Int
    /// Number of classes (labels are `0..<classCount`).
    public let classCount: Int
    /// Human-readable class names when known (`classNames[label]`).
    public var classNames: [String]?
    /// The per-channel normalisation already applied, if any (applied at most once).
    public private(set) var normalization: ChannelNormalization?

    /// Wraps images and labels; throws `DataError` when the sizes or labels do not agree.
    public init(name: String, images: [Float], labels: [Int], channels: Int, height: Int, width: Int,
                classCount: Int, classNames: [String]? = nil) throws {
        guard channels > 0, height > 0, width > 0 else {
            throw DataError("data set '\(name)': image shape \(channels)x\(height)x\(width) is not positive; expected channels, height and width >= 1")
        }
        guard classCount > 0 else {
            throw DataError("data set '\(name)': class count \(classCount); expected at least 1")
        }
        let imageSize = channels * height * width
        guard images.count == labels.count * imageSize else {
            throw DataError("data set '\(name)': \(images.count) pixel values for \(labels.count) labels of \(channels)x\(height)x\(width) images; expected \(labels.count * imageSize)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= classCount }) {
            throw DataError("data set '\(name)': label \(labels[bad]) at index \(bad) is outside 0..<\(classCount)")
        }
        if let names = classNames, names.count != classCount {
            throw DataError("data set '\(name)': \(names.count) class names for \(classCount) classes; expected one name per class")
        }
        self.init(unchecked: name, images: images, labels: labels, channels: channels, height: height,
                  width: width, classCount: classCount, classNames: classNames, normalization: nil)
    }

    /// Internal initialiser for data already validated by a reader or a subset.
    init(unchecked name: String, images: [Float], labels: [Int], channels: Int, height: Int, width: Int,
         classCount: Int, classNames: [String]?, normalization: ChannelNormalization?) {
        self.name = name
        self.images = images
        self.labels = labels
        self.channels = channels
        self.height = height
        self.width = width
        self.classCount = classCount
        self.classNames = classNames
        self.normalization = normalization
    }

    /// Number of images.
    public var count: Int { labels.count }
    /// Values per image: channels * height * width.
    public var imageSize: Int { channels * height * width }
    /// The shape of one image, `[C, H, W]`.
    public var imageShape: [Int] { [channels, height, width] }
    public var isEmpty: Bool { labels.isEmpty }

    /// A copy of image `index` (CHW), for tests and previews.
    public func image(at index: Int) -> [Float] {
        Array(images[index * imageSize ..< (index + 1) * imageSize])
    }

    /// How many images carry each label.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        return counts
    }

    /// One line for logs: `fashion-mnist/train: 60000 images 1x28x28, 10 classes`.
    public var summary: String {
        "\(name): \(count) images \(channels)x\(height)x\(width), \(classCount) classes"
            + (normalization == nil ? "" : ", normalised")
    }

    /// Replaces the pixels in place (same count); used by normalisation.
    mutating func withMutableImages<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        try images.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Appends another data set's images and labels (shape and classes already checked).
    mutating func appendUnchecked(_ other: ImageDataset) {
        images.append(contentsOf: other.images)
        labels.append(contentsOf: other.labels)
    }

    mutating func setNormalization(_ value: ChannelNormalization) { normalization = value }
}
