"""Parameters and MACs of torchvision's r3d_18 (the zoo's `r3d-18`), with PyTorch (a reference tool; the tests need no Python).

torchvision.models.video.r3d_18(weights=None) with 400 classes (Kinetics-400), run on a 1 x 3 x 16 x 112 x 112 clip.
MACs are counted by forward hooks on Conv3d (output elements x input channels per group x kernel taps) and Linear
(in x out features), as InfoField counts them (batch norm, ReLU, pooling and additions are not MACs).

    /usr/bin/python3 tools/zoo/r3d_counts.py
"""
import torch
from torchvision.models.video import r3d_18

macs = 0


def count(module, inputs, output):
    global macs
    if isinstance(module, torch.nn.Conv3d):
        taps = module.kernel_size[0] * module.kernel_size[1] * module.kernel_size[2]
        macs += output.numel() * (module.in_channels // module.groups) * taps
    elif isinstance(module, torch.nn.Linear):
        macs += module.in_features * module.out_features


for classes, shape in [(400, (1, 3, 16, 112, 112))]:
    macs = 0
    net = r3d_18(weights=None, num_classes=classes).eval()
    for m in net.modules():
        if isinstance(m, (torch.nn.Conv3d, torch.nn.Linear)):
            m.register_forward_hook(count)
    with torch.no_grad():
        out = net(torch.zeros(*shape))
    assert out.shape == (1, classes)
    params = sum(p.numel() for p in net.parameters())
    print(f"r3d_18(num_classes={classes}) on {'x'.join(map(str, shape[1:]))}: {params:,} parameters, {macs:,} MACs")
