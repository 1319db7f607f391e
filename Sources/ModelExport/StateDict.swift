import Foundation
import Tensor

/// A network's weights as PyTorch's `state_dict()` names them: every parameter and buffer
/// under its dotted module path (`Module.namedParameters()` / `namedBuffers()`), plus the
/// `num_batches_tracked` counter (I64) of every batch norm, as `nn.BatchNorm2d` has one.
/// Training-only modules (an auxiliary head) are left out: the saved model is the inference network.
public enum StateDict {
    /// Top-level child names of training-only modules, left out of every export (DARTS's
    /// auxiliary classifier head, under either name).
    public static let trainingOnlyModules: Set<String> = ["auxiliary", "auxiliary_head"]

    /// Whether `name` (a module path or tensor key) lies inside a training-only module.
    public static func isTrainingOnly(_ name: String) -> Bool {
        let first = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        return trainingOnlyModules.contains(first)
    }

    /// The state dict of `module`: parameters, buffers, then the batch-norm counters.
    public static func entries(of module: Module) -> [(name: String, entry: SafeTensors.Entry)] {
        tensors(of: module).map { ($0.name, SafeTensors.Entry($0.tensor)) }
            + batchNorms(of: module).map { ($0.name, .int64(shape: [], values: [$0.norm.batchesTracked])) }
    }

    /// Every batch norm with the key of its `num_batches_tracked`.
    static func batchNorms(of module: Module) -> [(name: String, norm: BatchNorm)] {
        module.namedModules().compactMap { path, child in
            guard let norm = child as? BatchNorm, !isTrainingOnly(path) else { return nil }
            return (key(path, "num_batches_tracked"), norm)
        }
    }

    /// The tensors of the state dict by name (parameters and buffers, not the counters).
    public static func tensors(of module: Module) -> [(name: String, tensor: Tensor)] {
        (module.namedParameters() + module.namedBuffers()).filter { !isTrainingOnly($0.name) }
    }

    /// Copies `entries` into `module` as `load_state_dict(strict=True)` does: every key of the
    /// module's state dict must be there with its shape, and no other key may be. `source`
    /// names the file in errors.
    public static func load(_ entries: [String: SafeTensors.Entry], into module: Module, source: String) throws {
        var expected: [String: SafeTensors.Entry] = [:]
        for (name, entry) in Self.entries(of: module) { expected[name] = entry }
        let missing = expected.keys.filter { entries[$0] == nil }.sorted()
        let unexpected = entries.keys.filter { expected[$0] == nil }.sorted()
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(listed(missing))") }
            if !unexpected.isEmpty { parts.append("unexpected \(listed(unexpected))") }
            throw SavedModelError("\(source): the weights do not match the network: \(parts.joined(separator: "; "))")
        }
        for (name, reference) in expected {
            let entry = entries[name]!
            guard entry.shape == reference.shape else {
                throw SavedModelError("\(source): tensor \(name) has shape \(entry.shape); the network needs \(reference.shape)")
            }
        }
        for (name, tensor) in tensors(of: module) {
            guard case .float32(_, let values) = entries[name]! else {
                throw SavedModelError("\(source): tensor \(name) is I64; the network needs F32")
            }
            values.withUnsafeBufferPointer { if let base = $0.baseAddress { tensor.data.update(from: base, count: tensor.count) } }
        }
        for (name, norm) in batchNorms(of: module) {
            guard case .int64(_, let values) = entries[name]! else {
                throw SavedModelError("\(source): tensor \(name) is F32; the network needs I64 (a batch counter)")
            }
            norm.batchesTracked = values.first ?? 0
        }
    }

    private static func key(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }

    private static func listed(_ names: [String]) -> String {
        let shown = names.prefix(4).joined(separator: ", ")
        return names.count > 4 ? "\(names.count) tensors (\(shown), …)" : shown
    }
}
