import HeapModule

/// The median and the maximum of a growing set of values, each insertion O(log n): the
/// Fitness pane's median of a 100,000-trial study without keeping a sorted array (whose
/// insertions moved half of it, a thousand times a second on a tabular study).
struct RunningMedian {
    /// The smaller half (`count / 2` values) and the larger half (the rest).
    private var lower = Heap<Double>()
    private var upper = Heap<Double>()
    private(set) var maximum: Double?

    var count: Int { lower.count + upper.count }

    mutating func insert(_ value: Double) {
        maximum = max(maximum ?? value, value)
        if let smallestUpper = upper.min, value < smallestUpper { lower.insert(value) } else { upper.insert(value) }
        // Rebalance so that lower holds exactly count / 2 values.
        while lower.count > count / 2 { upper.insert(lower.popMax()!) }
        while lower.count < count / 2 { lower.insert(upper.popMin()!) }
    }

    /// The value at index `count / 2` of the sorted values (the upper median for an even count); nil when empty.
    var median: Double? { upper.min }
}
