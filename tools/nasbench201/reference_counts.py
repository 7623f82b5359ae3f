#!/usr/bin/python3
"""Parameter and MAC counts of the NAS-Bench-201 space as the framework builds it, for InfoField's tests.

Run with Debian's python3-torch 1.13:
    /usr/bin/python3 tools/nasbench201/reference_counts.py tests/fixtures/nasbench201/reference.tsv

Builds the NAS-Bench-201 network of every cell (written here after the structure of the framework's
cell_operations.py, cells.py and tiny_network.py: C = 16, N = 5, 10 classes, 32x32x3 input), counts its parameters as
PyTorch does (sum of numel over parameters, every edge's op included, also ops whose output ends in a 'none' edge)
and its MACs by forward hooks on every Conv2d and Linear that runs in one forward pass of one sample (a 'none' edge
runs no convolution; a convolution whose output a 'none' edge multiplies by zero still runs and counts). The cell's
output is recorded as constant zero when one forward pass of the cell alone on a random input gives exact zeros.

Each line: code, params, macs, zero (1 when the cell's output is constant zero). The code is the cell's six edge ops
as digits in the edge order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, each digit the op's index in
none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3; the codes are in ascending order, so line i + 1
(after the header) is cell i of InfoField's enumeration (samples/NasBench201).
"""
import itertools
import sys

import torch
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]


def relu_conv_bn(c_in, c_out, kernel, stride, padding):
    return nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=padding, bias=False), nn.BatchNorm2d(c_out))


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def edge_op(name, channels):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return relu_conv_bn(channels, channels, 1, 1, 0)
    if name == "nor_conv_3x3":
        return relu_conv_bn(channels, channels, 3, 1, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise ValueError(name)


class Cell(nn.Module):
    """Node i is the sum of op(i <- j)(node j) over every j < i; node 3 is the output."""

    def __init__(self, code, channels):
        super().__init__()
        self.edges = nn.ModuleList(edge_op(OPS[op], channels) for op in code)

    def forward(self, x):
        nodes = [x]
        for i in range(1, 4):
            nodes.append(sum(self.edges[e](nodes[j]) for e, (to, j) in enumerate(EDGES) if to == i))
        return nodes[3]


class Reduction(nn.Module):
    """The residual block between stages: ReLU-conv3x3(stride 2)-BN, ReLU-conv3x3-BN, shortcut 2x2 avg pool + 1x1 conv."""

    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_a = relu_conv_bn(c_in, c_out, 3, 2, 1)
        self.conv_b = relu_conv_bn(c_out, c_out, 3, 1, 1)
        self.downsample = nn.Sequential(nn.AvgPool2d(2, stride=2, padding=0), nn.Conv2d(c_in, c_out, 1, bias=False))

    def forward(self, x):
        return self.downsample(x) + self.conv_b(self.conv_a(x))


def network(code, c=16, n=5, classes=10):
    layers = [nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)]
    channels = c
    for stage in range(3):
        if stage > 0:
            layers.append(Reduction(channels, channels * 2))
            channels *= 2
        layers += [Cell(code, channels) for _ in range(n)]
    layers += [nn.BatchNorm2d(channels), nn.ReLU(inplace=True), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes)]
    return nn.Sequential(*layers)


def macs(model, sample):
    total = [0]

    def conv_hook(module, inputs, output):
        total[0] += output.numel() * (module.in_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]

    def linear_hook(module, inputs, output):
        total[0] += output.numel() * module.in_features

    hooks = []
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            hooks.append(module.register_forward_hook(conv_hook))
        elif isinstance(module, nn.Linear):
            hooks.append(module.register_forward_hook(linear_hook))
    with torch.no_grad():
        model(sample)
    for hook in hooks:
        hook.remove()
    return total[0]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/nasbench201/reference.tsv"
    torch.manual_seed(0)
    torch.set_num_threads(1)
    sample = torch.randn(1, 3, 32, 32)
    cell_input = torch.randn(2, 16, 8, 8)
    lines = ["code\tparams\tmacs\tzero"]
    for code in itertools.product(range(5), repeat=6):
        model = network(code).eval()
        params = sum(p.numel() for p in model.parameters())
        with torch.no_grad():
            zero = int(bool((Cell(code, 16).eval()(cell_input) == 0).all()))
        lines.append(f"{''.join(map(str, code))}\t{params}\t{macs(model, sample)}\t{zero}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{len(lines) - 1} cells, {sum(l.endswith(chr(9) + '1') for l in lines)} with a constant zero output -> {out}")


if __name__ == "__main__":
    main()
