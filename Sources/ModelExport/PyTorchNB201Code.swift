import NAS

/// model.py's NAS-Bench-201 part: TinyNetwork with InferCell and ResNetBasicblock (Dong & Yang
/// 2020, models/cell_infers), for one cell, with the input channels as a parameter; the
/// state-dict keys are the original ones.
enum PyTorchNB201Code {
    static func source(architecture: NB201Architecture, channels: Int, cellsPerStage: Int) -> String {
        let ops = "[" + architecture.ops.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "]"
        return """
            # The op on each edge of the cell: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2 (\(architecture.nb201String)).
            ARCH = \(ops)
            CHANNELS = \(channels)
            CELLS_PER_STAGE = \(cellsPerStage)


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


            class Identity(nn.Module):
                def forward(self, x):
                    return x


            class Zero(nn.Module):
                def forward(self, x):
                    return x.mul(0.0)


            def make_op(name, C):
                if name == "none":
                    return Zero()
                if name == "skip_connect":
                    return Identity()
                if name == "nor_conv_1x1":
                    return ReLUConvBN(C, C, 1, 1, 0)
                if name == "nor_conv_3x3":
                    return ReLUConvBN(C, C, 3, 1, 1)
                if name == "avg_pool_3x3":
                    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
                raise ValueError("unknown NAS-Bench-201 operation " + name)


            class InferCell(nn.Module):
                \"\"\"Node k sums its edges from nodes 0..k-1 (none edges left out); node 3 is the output.\"\"\"

                def __init__(self, arch, C):
                    super().__init__()
                    self.arch = list(arch)
                    self.layers = nn.ModuleList([make_op(name, C) for name in arch])

                def forward(self, x):
                    nodes = [x]
                    edge = 0
                    for node in range(1, 4):
                        terms = []
                        for j in range(node):
                            if self.arch[edge] != "none":
                                terms.append(self.layers[edge](nodes[j]))
                            edge += 1
                        if not terms:
                            nodes.append(x.mul(0.0))
                            continue
                        total = terms[0]
                        for term in terms[1:]:
                            total = total + term
                        nodes.append(total)
                    return nodes[3]


            class ResNetBasicblock(nn.Module):
                def __init__(self, inplanes, planes):
                    super().__init__()
                    self.conv_a = ReLUConvBN(inplanes, planes, 3, 2, 1)
                    self.conv_b = ReLUConvBN(planes, planes, 3, 1, 1)
                    self.downsample = nn.Sequential(
                        nn.AvgPool2d(kernel_size=2, stride=2, padding=0),
                        nn.Conv2d(inplanes, planes, 1, stride=1, padding=0, bias=False),
                    )

                def forward(self, x):
                    return self.conv_b(self.conv_a(x)) + self.downsample(x)


            class TinyNetwork(nn.Module):
                \"\"\"NAS-Bench-201's macro network: stem, three stages of N cells joined by residual blocks.\"\"\"

                def __init__(self, C=CHANNELS, N=CELLS_PER_STAGE, arch=ARCH, num_classes=NUM_CLASSES,
                             in_channels=INPUT_SHAPE[0], mean=MEAN, std=STD):
                    super().__init__()
                    self.normalize = Normalize(mean, std)
                    self.stem = nn.Sequential(nn.Conv2d(in_channels, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
                    cells = []
                    C_prev = C
                    for stage in range(3):
                        C_curr = C * 2 ** stage
                        if stage > 0:
                            cells.append(ResNetBasicblock(C_prev, C_curr))
                        for _ in range(N):
                            cells.append(InferCell(arch, C_curr))
                        C_prev = C_curr
                    self.cells = nn.ModuleList(cells)
                    self.lastact = nn.Sequential(nn.BatchNorm2d(C_prev), nn.ReLU(inplace=False))
                    self.global_pooling = nn.AdaptiveAvgPool2d(1)
                    self.classifier = nn.Linear(C_prev, num_classes)

                def forward(self, images):
                    x = self.stem(self.normalize(images))
                    for cell in self.cells:
                        x = cell(x)
                    x = self.global_pooling(self.lastact(x))
                    return self.classifier(x.view(x.size(0), -1))


            def build_model():
                \"\"\"The network (randomly initialised; load model.safetensors into it).\"\"\"
                return TinyNetwork()

            """
    }
}
