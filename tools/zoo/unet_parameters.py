"""Parameter count of the U-Net layout the zoo's `unet` builds, with PyTorch (a reference tool; the tests need no Python).

The layout is written here from the U-Net paper (Ronneberger, Fischer and Brox, 2015) with the choices of
milesial/Pytorch-UNet's `UNet(n_channels, n_classes, bilinear=False)`: 'same' padding, 3x3 convolutions without bias
followed by batch norm and ReLU, 2x2 max pooling, 2x2 transposed convolutions (with bias) halving the channels, the
encoder's map concatenated before each decoder level's two convolutions, and a 1x1 classifier with bias.

    /usr/bin/python3 tools/zoo/unet_parameters.py
"""
import torch
from torch import nn


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Net(nn.Module):
    def __init__(self, channels, classes, widths=(64, 128, 256, 512, 1024)):
        super().__init__()
        self.down = nn.ModuleList([block(channels, widths[0])] + [block(a, b) for a, b in zip(widths, widths[1:])])
        self.ups = nn.ModuleList([nn.ConvTranspose2d(b, a, 2, stride=2) for a, b in zip(widths[-2::-1], widths[:0:-1])])
        self.merge = nn.ModuleList([block(2 * a, a) for a in widths[-2::-1]])
        self.classify = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x):
        kept = []
        for i, level in enumerate(self.down):
            x = level(x if i == 0 else nn.functional.max_pool2d(x, 2))
            kept.append(x)
        for up, merge, skip in zip(self.ups, self.merge, kept[-2::-1]):
            x = merge(torch.cat([skip, up(x)], 1))
        return self.classify(x)


for channels, classes in [(3, 2), (3, 10), (3, 1000), (1, 10)]:
    net = Net(channels, classes)
    out = net(torch.zeros(1, channels, 32, 32))
    assert out.shape == (1, classes, 32, 32)
    print(f"UNet(n_channels={channels}, n_classes={classes}): {sum(p.numel() for p in net.parameters()):,} parameters")
