import Foundation

/// Per-channel mean and standard deviation: `x' = (x - mean[c]) / std[c]`.
public struct ChannelNormalization: Equatable, Sendable, CustomStringConvertible {
    public let mean: [Float]
    public let std: [Float]

    /// Throws `DataError` when the counts differ or a std is not positive.
    public init(mean: [Float], std: [Float]) throws {
        guard mean.count == std.count, !mean.isEmpty else {
            throw DataError("normalisation: \(mean.count) means and \(std.count) stds; expected one of each per channel")
        }
        if let bad = std.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw DataError("normalisation: std[\(bad)] = \(std[bad]); expected a positive finite value")
        }
        if let bad = mean.firstIndex(where: { !$0.isFinite }) {
            throw DataError("normalisation: mean[\(bad)] = \(mean[bad]); expected a finite value")
        }
        self.mean = mean
        self.std = std
    }

    public var description: String {
        let f = { (v: [Float]) in v.map { String(format: "%.4f", $0) }.joined(separator: ", ") }
        return "mean [\(f(mean))], std [\(f(std))]"
    }

    /// The normalised value of a raw pixel value `raw` in channel `c` (e.g. the padding fill).
    public func apply(_ raw: Float, channel c: Int) -> Float { (raw - mean[c]) / std[c] }
}

extension ImageDataset {
    /// Per-channel mean and standard deviation of the pixels (population std, Double sums).
    /// A channel with zero spread gets std 1 so normalising it is well defined.
    public func channelStatistics() -> ChannelNormalization {
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        let plane = height * width
        let n = count
        let c = channels
        images.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for ch in 0..<c {
                var s = 0.0, q = 0.0
                for i in 0..<n {
                    let p = base + (i * c + ch) * plane
                    // Float partial sums per plane keep the debug loop short and the error small.
                    var ps: Float = 0, pq: Float = 0
                    for k in 0..<plane { let v = p[k]; ps += v; pq += v * v }
                    s += Double(ps); q += Double(pq)
                }
                sums[ch] = s; squares[ch] = q
            }
        }
        let total = Double(max(n * plane, 1))
        var mean = [Float](repeating: 0, count: c)
        var std = [Float](repeating: 1, count: c)
        for ch in 0..<c {
            let m = sums[ch] / total
            let variance = max(squares[ch] / total - m * m, 0)
            mean[ch] = Float(m)
            let sd = Float(variance.squareRoot())
            std[ch] = sd > 1e-6 ? sd : 1
        }
        // Both arrays are finite and std > 0 by construction.
        return try! ChannelNormalization(mean: mean, std: std)
    }

    /// A copy normalised with `stats` (compute them on the training set and apply the same to
    /// the test set). Throws `DataError` when the data set is already normalised or the channel
    /// counts differ.
    public func normalized(using stats: ChannelNormalization) throws -> ImageDataset {
        if let applied = normalization {
            throw DataError("data set '\(name)': already normalised (\(applied)); normalisation is applied once")
        }
        guard stats.mean.count == channels else {
            throw DataError("data set '\(name)': normalisation has \(stats.mean.count) channels, the images have \(channels)")
        }
        var out = self
        let plane = height * width
        let n = count
        let c = channels
        out.withMutableImages { buffer in
            guard let base = buffer.baseAddress else { return }
            for ch in 0..<c {
                let shift = stats.mean[ch]
                let scale = 1 / stats.std[ch]
                for i in 0..<n {
                    let p = base + (i * c + ch) * plane
                    for k in 0..<plane { p[k] = (p[k] - shift) * scale }
                }
            }
        }
        out.setNormalization(stats)
        return out
    }

    /// A copy normalised with its own per-channel statistics.
    public func normalized() throws -> ImageDataset { try normalized(using: channelStatistics()) }
}
