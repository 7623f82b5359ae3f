#!/usr/bin/python3
"""Parameters and multiply-accumulates of a torchvision model, counted by PyTorch (independent of InfoField).

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14:
    /usr/bin/python3 tools/zoo/torchvision_counts.py convnext_tiny 224
Parameters: sum of p.numel() over model.parameters(). MACs: forward hooks on Conv2d (output elements times
C_in / groups times k_h k_w) and Linear (output elements times in_features), the count tools/onnx/export_fixtures.py
writes to macs.txt; normalizations, activations, layer scale and pooling count none, as InfoField's cost model.
"""
import sys
import torch, torch.nn as nn, torchvision

name = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 224
model = getattr(torchvision.models, name)(weights=None).eval()
total = [0]


def conv(m, inputs, output):
    total[0] += output[0].numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]


def linear(m, inputs, output):
    total[0] += output[0].numel() * m.in_features


for m in model.modules():
    if isinstance(m, nn.Conv2d):
        m.register_forward_hook(conv)
    elif isinstance(m, nn.Linear):
        m.register_forward_hook(linear)
with torch.no_grad():
    model(torch.randn(1, 3, size, size))
print(f"{name} {size}x{size}: params {sum(p.numel() for p in model.parameters())} macs {total[0]}")
