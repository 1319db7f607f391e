import Foundation
import NAS
import Tensor

/// model.py: self-contained PyTorch code of a saved network. `build_model()` returns the
/// `nn.Module`; its `state_dict()` keys are those of model.safetensors (so
/// `load_state_dict(..., strict=True)` loads it), it takes the same input as model.onnx (pixels
/// in [0, 1], the normalisation inside `forward`) and returns the logits. The classes mirror the
/// Swift modules and the reference code they follow: DARTS's NetworkCIFAR (operations.py,
/// model.py, without the training-only auxiliary head), NAS-Bench-201's TinyNetwork (InferCell,
/// ResNetBasicblock), and the chain network's `nn.Sequential`.
public enum PyTorchCode {
    /// The source of model.py for `model`, built from `genotype` as `network` describes.
    public static func source(for model: Module, genotype: Genotype, network: SavedNetwork,
                              normalization: ChannelNormalization?) throws -> String {
        let channels = network.inputShape[0]
        let mean = normalization?.mean ?? [Float](repeating: 0, count: channels)
        let std = normalization?.std ?? [Float](repeating: 1, count: channels)
        var text = """
            # model.py, written by nas-tui \(ONNXExport.producerVersion): the trained \(network.space) network
            # \(genotype.summary.replacingOccurrences(of: "\n", with: " "))
            #
            # Self-contained PyTorch code (torch only). build_model() returns the nn.Module; its
            # state_dict() keys are those of model.safetensors beside this file:
            #
            #     import safetensors.torch, model
            #     net = model.build_model()
            #     net.load_state_dict(safetensors.torch.load_file("model.safetensors"), strict=True)
            #     logits = net.eval()(images)   # images: float32 N x \(network.inputShape.map(String.init).joined(separator: " x ")), pixels in [0, 1]
            #
            # The training data's normalisation is inside forward(), as in model.onnx.
            import torch
            import torch.nn as nn

            INPUT_SHAPE = (\(network.inputShape.map(String.init).joined(separator: ", ")))
            NUM_CLASSES = \(network.classes)
            MEAN = \(pythonList(mean))
            STD = \(pythonList(std))


            class Normalize(nn.Module):
                \"\"\"(x - mean) / std per channel; the constants are not part of the state dict.\"\"\"

                def __init__(self, mean, std):
                    super().__init__()
                    self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1), persistent=False)
                    self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1), persistent=False)

                def forward(self, x):
                    return (x - self.mean) / self.std


            """
        switch genotype {
        case .darts(let g):
            guard let c = network.channels, let l = network.layers else { throw SavedModelError("model.py: a darts network needs channels and layers") }
            text += PyTorchDartsCode.source(genotype: g, channels: c, layers: l)
        case .nb201(let a):
            guard let c = network.channels, let n = network.layers else { throw SavedModelError("model.py: an nb201 network needs channels and cells per stage") }
            text += PyTorchNB201Code.source(architecture: a, channels: c, cellsPerStage: n)
        case .chain:
            text += try chainSource(model)
        }
        return text
    }

    /// The chain network: its Sequential, layer by layer.
    static func chainSource(_ model: Module) throws -> String {
        guard let (_, body) = model.namedChildren.first(where: { $0.name == "body" }), let sequential = body as? Sequential else {
            throw SavedModelError("model.py: the chain network has no `body` Sequential")
        }
        let layers = try sequential.layers.map { "            " + (try pythonLayer($0)) + "," }.joined(separator: "\n")
        return """
            class GlobalAvgPool(nn.Module):
                \"\"\"The mean over H and W: [N, C, H, W] -> [N, C].\"\"\"

                def forward(self, x):
                    return x.mean(dim=(2, 3))


            class ChainNetwork(nn.Module):
                \"\"\"The chain space's layers in order, then the classifier.\"\"\"

                def __init__(self, mean=MEAN, std=STD):
                    super().__init__()
                    self.normalize = Normalize(mean, std)
                    self.body = nn.Sequential(
            \(layers)
                    )

                def forward(self, images):
                    return self.body(self.normalize(images))


            def build_model():
                \"\"\"The network (randomly initialised; load model.safetensors into it).\"\"\"
                return ChainNetwork()

            """
    }

    /// One layer of a Sequential as a PyTorch constructor call.
    static func pythonLayer(_ module: Module) throws -> String {
        switch module {
        case let conv as Conv2d:
            let w = conv.weight.shape
            return "nn.Conv2d(\(w[1] * conv.groups), \(w[0]), \(w[2]), stride=\(conv.stride), padding=\(conv.padding), "
                + "dilation=\(conv.dilation), groups=\(conv.groups), bias=\(conv.bias == nil ? "False" : "True"))"
        case let linear as Linear:
            let w = linear.weight.shape
            return "nn.Linear(\(w[1]), \(w[0]), bias=\(linear.bias == nil ? "False" : "True"))"
        case let norm as BatchNorm:
            return "nn.BatchNorm2d(\(norm.runningMean.count), eps=\(norm.epsilon), momentum=\(norm.momentum), affine=\(norm.weight == nil ? "False" : "True"))"
        case let activation as Activation:
            switch activation.kind {
            case .relu: return "nn.ReLU()"
            case .gelu: return "nn.GELU()"
            case .silu: return "nn.SiLU()"
            }
        case let pool as Pool2d:
            let name = pool.kind == .max ? "nn.MaxPool2d" : "nn.AvgPool2d"
            let exclude = pool.kind == .average ? ", count_include_pad=False" : ""
            return "\(name)(\(pool.kernel), stride=\(pool.stride), padding=\(pool.padding)\(exclude))"
        case let dropout as Dropout:
            return "nn.Dropout(p=\(dropout.p))"
        case is GlobalAvgPool:
            return "GlobalAvgPool()"
        case is Flatten:
            return "nn.Flatten()"
        default:
            throw SavedModelError("model.py: no PyTorch layer for \(type(of: module))")
        }
    }

    /// `[0.2860402, 0.3530239]`: each Float in the shortest form that reads back as itself.
    static func pythonList(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
}
