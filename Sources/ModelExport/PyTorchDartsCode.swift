import NAS

/// model.py's DARTS part: the operations and NetworkCIFAR of the DARTS code (Liu et al. 2019,
/// cnn/operations.py and cnn/model.py) for one genotype, with the input channels as a parameter
/// and without the auxiliary head; the state-dict keys are the original ones.
enum PyTorchDartsCode {
    static func source(genotype: DartsGenotype, channels: Int, layers: Int) -> String {
        func edges(_ cell: DartsGenotype.Cell) -> String {
            "[" + genotype.pairs(cell).map { "(\"\($0.op.rawValue)\", \($0.input))" }.joined(separator: ", ") + "]"
        }
        func list(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ", ") + "]" }
        return """
            GENOTYPE = {
                "normal": \(edges(.normal)),
                "normal_concat": \(list(genotype.concat(.normal))),
                "reduce": \(edges(.reduce)),
                "reduce_concat": \(list(genotype.concat(.reduce))),
            }
            CHANNELS = \(channels)
            LAYERS = \(layers)


            class ReLUConvBN(nn.Module):
                def __init__(self, C_in, C_out, kernel_size, stride, padding):
                    super().__init__()
                    self.op = nn.Sequential(
                        nn.ReLU(inplace=False),
                        nn.Conv2d(C_in, C_out, kernel_size, stride=stride, padding=padding, bias=False),
                        nn.BatchNorm2d(C_out),
                    )

                def forward(self, x):
                    return self.op(x)


            class DilConv(nn.Module):
                def __init__(self, C_in, C_out, kernel_size, stride, padding, dilation):
                    super().__init__()
                    self.op = nn.Sequential(
                        nn.ReLU(inplace=False),
                        nn.Conv2d(C_in, C_in, kernel_size, stride=stride, padding=padding, dilation=dilation, groups=C_in, bias=False),
                        nn.Conv2d(C_in, C_out, 1, padding=0, bias=False),
                        nn.BatchNorm2d(C_out),
                    )

                def forward(self, x):
                    return self.op(x)


            class SepConv(nn.Module):
                def __init__(self, C_in, C_out, kernel_size, stride, padding):
                    super().__init__()
                    self.op = nn.Sequential(
                        nn.ReLU(inplace=False),
                        nn.Conv2d(C_in, C_in, kernel_size, stride=stride, padding=padding, groups=C_in, bias=False),
                        nn.Conv2d(C_in, C_in, 1, padding=0, bias=False),
                        nn.BatchNorm2d(C_in),
                        nn.ReLU(inplace=False),
                        nn.Conv2d(C_in, C_in, kernel_size, stride=1, padding=padding, groups=C_in, bias=False),
                        nn.Conv2d(C_in, C_out, 1, padding=0, bias=False),
                        nn.BatchNorm2d(C_out),
                    )

                def forward(self, x):
                    return self.op(x)


            class Identity(nn.Module):
                def forward(self, x):
                    return x


            class FactorizedReduce(nn.Module):
                def __init__(self, C_in, C_out):
                    super().__init__()
                    self.relu = nn.ReLU(inplace=False)
                    self.conv_1 = nn.Conv2d(C_in, C_out // 2, 1, stride=2, padding=0, bias=False)
                    self.conv_2 = nn.Conv2d(C_in, C_out // 2, 1, stride=2, padding=0, bias=False)
                    self.bn = nn.BatchNorm2d(C_out)

                def forward(self, x):
                    x = self.relu(x)
                    return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


            OPS = {
                "avg_pool_3x3": lambda C, stride: nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False),
                "max_pool_3x3": lambda C, stride: nn.MaxPool2d(3, stride=stride, padding=1),
                "skip_connect": lambda C, stride: Identity() if stride == 1 else FactorizedReduce(C, C),
                "sep_conv_3x3": lambda C, stride: SepConv(C, C, 3, stride, 1),
                "sep_conv_5x5": lambda C, stride: SepConv(C, C, 5, stride, 2),
                "dil_conv_3x3": lambda C, stride: DilConv(C, C, 3, stride, 2, 2),
                "dil_conv_5x5": lambda C, stride: DilConv(C, C, 5, stride, 4, 2),
            }


            class Cell(nn.Module):
                def __init__(self, genotype, C_prev_prev, C_prev, C, reduction, reduction_prev):
                    super().__init__()
                    if reduction_prev:
                        self.preprocess0 = FactorizedReduce(C_prev_prev, C)
                    else:
                        self.preprocess0 = ReLUConvBN(C_prev_prev, C, 1, 1, 0)
                    self.preprocess1 = ReLUConvBN(C_prev, C, 1, 1, 0)
                    edges = genotype["reduce" if reduction else "normal"]
                    self._concat = genotype["reduce_concat" if reduction else "normal_concat"]
                    self.multiplier = len(self._concat)
                    self._steps = len(edges) // 2
                    self._indices = [index for _, index in edges]
                    self._ops = nn.ModuleList(
                        [OPS[name](C, 2 if reduction and index < 2 else 1) for name, index in edges]
                    )

                def forward(self, s0, s1):
                    states = [self.preprocess0(s0), self.preprocess1(s1)]
                    for i in range(self._steps):
                        h1 = self._ops[2 * i](states[self._indices[2 * i]])
                        h2 = self._ops[2 * i + 1](states[self._indices[2 * i + 1]])
                        states.append(h1 + h2)
                    return torch.cat([states[i] for i in self._concat], dim=1)


            class NetworkCIFAR(nn.Module):
                \"\"\"DARTS's evaluation network for one genotype (no auxiliary head, no drop path: inference).\"\"\"

                def __init__(self, C=CHANNELS, num_classes=NUM_CLASSES, layers=LAYERS, genotype=GENOTYPE,
                             in_channels=INPUT_SHAPE[0], mean=MEAN, std=STD):
                    super().__init__()
                    self.normalize = Normalize(mean, std)
                    C_curr = 3 * C
                    self.stem = nn.Sequential(
                        nn.Conv2d(in_channels, C_curr, 3, padding=1, bias=False),
                        nn.BatchNorm2d(C_curr),
                    )
                    C_prev_prev, C_prev, C_curr = C_curr, C_curr, C
                    self.cells = nn.ModuleList()
                    reduction_prev = False
                    for i in range(layers):
                        reduction = i in (layers // 3, 2 * layers // 3)
                        if reduction:
                            C_curr *= 2
                        cell = Cell(genotype, C_prev_prev, C_prev, C_curr, reduction, reduction_prev)
                        reduction_prev = reduction
                        self.cells.append(cell)
                        C_prev_prev, C_prev = C_prev, cell.multiplier * C_curr
                    self.global_pooling = nn.AdaptiveAvgPool2d(1)
                    self.classifier = nn.Linear(C_prev, num_classes)

                def forward(self, images):
                    s0 = s1 = self.stem(self.normalize(images))
                    for cell in self.cells:
                        s0, s1 = s1, cell(s0, s1)
                    out = self.global_pooling(s1)
                    return self.classifier(out.view(out.size(0), -1))


            def build_model():
                \"\"\"The network (randomly initialised; load model.safetensors into it).\"\"\"
                return NetworkCIFAR()

            """
    }
}
