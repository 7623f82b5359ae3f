#!/usr/bin/python3
"""Exports the ONNX fixtures of tests/fixtures/onnx from torchvision and a few hand-written modules.

Run with Debian's python3-torch 1.13 / python3-torchvision 0.14 / python3-onnx:
    /usr/bin/python3 tools/onnx/export_fixtures.py tests/fixtures/onnx [NAME ...]
With names, only those fixtures are exported (and their rows of params.txt replaced).

Weights are stripped after export (float initializers with more than 16 values keep their dims, lose their data),
so the files stay small; InfoField's importer reads only dims. Small initializers (Clip bounds, Reshape shapes)
keep their values. Each model's torchvision parameter count is written to params.txt for the tests.
The *_noweights fixtures are exports with export_params=False: every weight, bias and batch-norm statistic is a graph
input with its shape instead of an initializer (the usual way to share an architecture without its weights).
"""
import sys, os
import torch, torch.nn as nn, torchvision, onnx

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/onnx"
only = set(sys.argv[2:])
os.makedirs(out, exist_ok=True)
torch.manual_seed(0)


def strip(path):
    model = onnx.load(path)
    for init in model.graph.initializer:
        count = 1
        for d in init.dims:
            count *= d
        if init.data_type == onnx.TensorProto.FLOAT and count > 16:
            init.ClearField("raw_data")
            del init.float_data[:]
    onnx.save(model, path)


def export(name, model, shape, preserve_bn=True, opset=13, export_params=True, output_names=("output",)):
    model.eval()
    params = sum(p.numel() for p in model.parameters())
    if only and name not in only:
        torch.randn(*shape)  # the input the export would draw: later exports see the random state of a full run
        return None
    path = os.path.join(out, name + ".onnx")
    x = torch.randn(*shape)
    macs[name] = count_macs(model, x) if name in COUNT_MACS else None
    kwargs = dict(opset_version=opset, input_names=["input"], output_names=list(output_names), export_params=export_params)
    if preserve_bn:
        # PRESERVE (with the model in eval mode) keeps BatchNormalization nodes in their inference form instead of
        # folding them into the convolutions; constant folding still turns shape arithmetic into constants.
        kwargs["training"] = torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(model, x, path, **kwargs)
    strip(path)
    return name, params, os.path.getsize(path)


class Shuffle(nn.Module):
    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def forward(self, x):
        n, c, h, w = x.shape
        x = x.view(n, self.groups, c // self.groups, h, w).transpose(1, 2).contiguous()
        return x.view(n, c, h, w)


class Handmade(nn.Module):
    """Dilation, grouped, asymmetric kernels, SE gate, channel shuffle, split, SiLU, hard-swish, LeakyReLU."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.dil = nn.Sequential(nn.Conv2d(16, 16, 3, padding=2, dilation=2), nn.LeakyReLU(0.1))
        self.grp = nn.Sequential(nn.Conv2d(16, 32, 3, stride=2, padding=1, groups=4), nn.BatchNorm2d(32), nn.SiLU())
        self.asym = nn.Sequential(nn.Conv2d(32, 32, (1, 3), padding=(0, 1)), nn.Conv2d(32, 32, (3, 1), padding=(1, 0)), nn.Hardswish())
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(32, 8, 1), nn.ReLU(), nn.Conv2d(8, 32, 1), nn.Hardsigmoid())
        self.gpw = nn.Conv2d(32, 32, 1, groups=4)
        self.shuffle = Shuffle(4)
        self.branch = nn.Sequential(nn.Conv2d(16, 16, 1), nn.ReLU())
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.stem(x)
        x = self.dil(x)
        x = self.grp(x)
        x = self.asym(x)
        x = x * self.se(x)
        x = self.shuffle(self.gpw(x))
        a, b = x.chunk(2, dim=1)
        x = torch.cat([a, self.branch(b)], dim=1)
        x = self.pool(x)
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return torch.softmax(self.fc(x), dim=1)


class Signal(nn.Module):
    """A 1-D network: dilated and strided 1-D convolutions, global pooling by mean."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv1d(2, 16, 7, padding=3, bias=False), nn.BatchNorm1d(16), nn.ReLU(),
            nn.Conv1d(16, 32, 5, stride=2, padding=4, dilation=2), nn.ReLU(),
            nn.Conv1d(32, 32, 3, padding=1, groups=32), nn.Conv1d(32, 64, 1), nn.ReLU())
        self.fc = nn.Linear(64, 5)

    def forward(self, x):
        return self.fc(self.body(x).mean(dim=2))


class SegmentationOutput(nn.Module):
    """torchvision's segmentation models return {"out": ..., "aux": ...}; the fixture's one output is "out"."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


class SegmentationOutputs(nn.Module):
    """A segmentation model built with aux_loss=True returns {"out": ..., "aux": ...}: both, the main output first."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        result = self.model(x)
        return result["out"], result["aux"]


class FeatureMaps(nn.Module):
    """A detection backbone returns an ordered dict of feature maps; the fixture's outputs are its values, in order."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return tuple(self.model(x).values())


class ChannelsFirstLayerNorm(nn.Module):
    """The ConvNeXt authors' LayerNorm for channels-first maps: means over axis 1, no Transpose."""

    def __init__(self, channels, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class VariantBlock(nn.Module):
    """The ConvNeXt authors' block: the layer norm over the last axis of channels-last tokens (nn.LayerNorm), the
    layer scale multiplied in channels-last before the permute back."""

    def __init__(self, dim):
        super().__init__()
        self.dwconv = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.pwconv1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.pwconv2 = nn.Linear(4 * dim, dim)
        self.gamma = nn.Parameter(1e-6 * torch.ones(dim))

    def forward(self, x):
        y = self.dwconv(x).permute(0, 2, 3, 1)
        y = self.gamma * self.pwconv2(self.act(self.pwconv1(self.norm(y))))
        return x + y.permute(0, 3, 1, 2)


class ConvNextVariant(nn.Module):
    """A small ConvNeXt in the authors' own code style (channels-first layer norm by means over axis 1)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 4, stride=4), ChannelsFirstLayerNorm(16))
        self.stage1 = nn.Sequential(VariantBlock(16), VariantBlock(16))
        self.down = nn.Sequential(ChannelsFirstLayerNorm(16), nn.Conv2d(16, 32, 2, stride=2))
        self.stage2 = VariantBlock(32)
        self.norm = nn.LayerNorm(32, eps=1e-6)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = self.stage2(self.down(self.stage1(self.stem(x))))
        return self.head(self.norm(x.mean([-2, -1])))


def count_macs(model, x):
    """Multiply-accumulates of Conv2d, Conv3d, ConvTranspose2d and Linear, by forward hooks (independent of InfoField):
    a convolution's output elements times (C_in / groups) times its kernel's taps (k_h k_w, or k_d k_h k_w); a
    transposed convolution's input elements times (C_out / groups) k_h k_w (as fvcore counts it); a linear layer's
    output elements times its input features."""
    total = [0]

    def taps(m):
        count = 1
        for k in m.kernel_size:
            count *= k
        return count

    def conv(m, inputs, output):
        total[0] += output[0].numel() * (m.in_channels // m.groups) * taps(m)

    def transposed(m, inputs, output):
        total[0] += inputs[0][0].numel() * (m.out_channels // m.groups) * taps(m)

    def linear(m, inputs, output):
        total[0] += output[0].numel() * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.ConvTranspose2d):
            hooks.append(m.register_forward_hook(transposed))
        elif isinstance(m, (nn.Conv2d, nn.Conv3d)):
            hooks.append(m.register_forward_hook(conv))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear))
    with torch.no_grad():
        model(x[:1])
    for h in hooks:
        h.remove()
    return total[0]


# The fixtures whose MACs of Conv2d, ConvTranspose2d and Linear are counted by hooks (macs.txt).
SEGMENTATION = ["fcn_resnet50", "deeplabv3_mobilenet_v3_large", "deeplabv3_resnet50", "lraspp_mobilenet_v3_large",
                "fcn_resnet50_aux", "deeplabv3_resnet50_aux", "deeplabv3_mobilenet_v3_large_aux"]
VIDEO = ["r3d_18", "mc3_18", "r2plus1d_18"]
COUNT_MACS = {f"{model}_opset{opset}" for model in SEGMENTATION + VIDEO for opset in (11, 13, 17)} | {
    "convnext_tiny_opset11", "convnext_tiny_opset13", "convnext_tiny_opset17", "convnext_variant",
    "fasterrcnn_mobilenet_v3_large_fpn_levels_opset11", "fasterrcnn_mobilenet_v3_large_fpn_levels_opset13",
    "fasterrcnn_mobilenet_v3_large_fpn_levels_opset17", "fasterrcnn_mobilenet_v3_large_fpn_backbone_opset11",
    "fasterrcnn_mobilenet_v3_large_fpn_backbone_opset13", "fasterrcnn_mobilenet_v3_large_fpn_backbone_opset17",
    "ssdlite320_mobilenet_v3_large_backbone_opset11", "ssdlite320_mobilenet_v3_large_backbone_opset13",
    "ssdlite320_mobilenet_v3_large_backbone_opset17"}
macs = {}
rows = []
tv = torchvision.models
rows.append(export("resnet18", tv.resnet18(), (1, 3, 224, 224)))
rows.append(export("resnet50", tv.resnet50(), (1, 3, 224, 224)))
rows.append(export("vgg16", tv.vgg16(), (1, 3, 224, 224), opset=11))
rows.append(export("mobilenet_v2", tv.mobilenet_v2(), (1, 3, 224, 224)))
rows.append(export("googlenet", tv.googlenet(aux_logits=False, transform_input=False, init_weights=True), (1, 3, 224, 224)))
rows.append(export("densenet121", tv.densenet121(), (1, 3, 224, 224)))
rows.append(export("shufflenet_v2_x1_0", tv.shufflenet_v2_x1_0(), (1, 3, 224, 224)))
rows.append(export("efficientnet_b0", tv.efficientnet_b0(), (1, 3, 224, 224), opset=17))
# An inference export: batch norm folded into the convolutions' biases (the default of torch.onnx.export in eval mode).
rows.append(export("resnet18_folded", tv.resnet18(), (1, 3, 224, 224), preserve_bn=False, opset=9))
rows.append(export("handmade", Handmade(), (1, 3, 32, 32)))
rows.append(export("signal1d", Signal(), (1, 2, 128)))
# Added later, so last: the random state the earlier exports see (and so their files) stays the same.
# SqueezeNet's classifier is a 1x1 convolution to the classes (then ReLU and global pooling), not a linear layer: the
# organizer must keep it (it once removed it, and the optimized model's output shrank from 1000 to 512 features).
rows.append(export("squeezenet1_0", tv.squeezenet1_0(), (1, 3, 224, 224)))
# Exports without weights (export_params=False) of the same architectures as resnet50 and vgg16 (added after
# squeezenet1_0, so last too).
rows.append(export("resnet50_noweights", tv.resnet50(), (1, 3, 224, 224), export_params=False))
rows.append(export("vgg16_noweights", tv.vgg16(), (1, 3, 224, 224), opset=11, export_params=False))
# Networks whose every block has a squeeze-and-excitation gate read from global pooling: literally each gate makes every
# neuron after it see the whole stage input, so the organizer on the literal field removed every unit after a stage's
# first gate; on the local field (the default) it keeps those whose local field still grows (docs/organizer.md).
rows.append(export("regnet_y_400mf", tv.regnet_y_400mf(), (1, 3, 224, 224)))
rows.append(export("efficientnet_b1", tv.efficientnet_b1(), (1, 3, 240, 240), opset=17))
# Resolution that goes up (issue 23): torchvision's FCN (ResNet-50 backbone, dilated, no auxiliary head as its default
# constructor gives without weights) ends in a bilinear upsample to the input size; at 128 x 128 to keep the gradient
# check fast; at the three opsets exporters write Resize at (11: roi and scales inputs; 13 and 17: empty ones).
for opset in (11, 13, 17):
    rows.append(export(f"fcn_resnet50_opset{opset}", SegmentationOutput(tv.segmentation.fcn_resnet50(weights=None, weights_backbone=None)), (1, 3, 128, 128), opset=opset))
# ConvNeXt (issue 23): torchvision's convnext_tiny (stochastic depth is identity in eval) at 64 x 64 to keep the
# gradient check fast, at the three opsets: at 17 its layer norms are LayerNormalization nodes, at 11 and 13
# ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add; GELU is Div/Erf/Add/Mul/Mul; the pointwise convolutions are
# nn.Linear on channels-last tokens (MatMul then Add between Transposes), counted by the Linear hook as tokens x
# in_features x out_features, the MACs of the 1x1 convolution InfoField reads them as.
for opset in (11, 13, 17):
    rows.append(export(f"convnext_tiny_opset{opset}", tv.convnext_tiny(weights=None), (1, 3, 64, 64), opset=opset))
rows.append(export("convnext_variant", ConvNextVariant(), (1, 3, 32, 32), opset=13))
# More of torchvision's segmentation models (issue 23), their default constructors without weights (no auxiliary
# head), at 128 x 128 and the same three opsets: DeepLabV3 (ASPP with an image-pooling branch: global pooling, a 1x1
# conv and a resize back) on MobileNetV3-Large and on ResNet-50, and LR-ASPP on MobileNetV3-Large (a gate from global
# pooling, and a skip from the stride-8 features to the classifier).
for model in ("deeplabv3_mobilenet_v3_large", "deeplabv3_resnet50", "lraspp_mobilenet_v3_large"):
    for opset in (11, 13, 17):
        rows.append(export(f"{model}_opset{opset}", SegmentationOutput(getattr(tv.segmentation, model)(weights=None, weights_backbone=None)), (1, 3, 128, 128), opset=opset))
# 3-D networks (issue 23): torchvision's video ResNets (default constructors without weights, 400 Kinetics classes) on
# 8-frame clips of 56 x 56 to keep the tests fast: R3D-18 (3x3x3 convolutions), MC3-18 (3x3x3 in the stem and the first
# stage, 1x3x3 after) and R(2+1)D-18 (each 3x3x3 convolution factorized into a 1x3x3 spatial and a 3x1x1 temporal one),
# at the three opsets; their MACs (Conv3d and Linear) counted by hooks.
for model in VIDEO:
    for opset in (11, 13, 17):
        rows.append(export(f"{model}_opset{opset}", getattr(tv.video, model)(weights=None), (1, 3, 8, 56, 56), opset=opset))
# Auxiliary heads (issue 23): the same FCN and DeepLabV3 on ResNet-50 and DeepLabV3 on MobileNetV3-Large built with
# aux_loss=True (still without weights), exported with both outputs, "output" (the model's "out") first and "aux"
# second. The auxiliary head (FCNHead: 3x3 conv, batch norm, ReLU, dropout, 1x1 conv to the classes, then a bilinear
# resize to the input size) reads layer3's output (ResNet-50) or the stride-8 features (MobileNetV3); parameters and
# hook-counted MACs include it.
for model in ("fcn_resnet50", "deeplabv3_resnet50", "deeplabv3_mobilenet_v3_large"):
    for opset in (11, 13, 17):
        built = getattr(tv.segmentation, model)(weights=None, weights_backbone=None, aux_loss=True)
        rows.append(export(f"{model}_aux_opset{opset}", SegmentationOutputs(built), (1, 3, 128, 128), opset=opset, output_names=("output", "aux")))

# The backbone with FPN of torchvision's fasterrcnn_mobilenet_v3_large_fpn (issue 23), without weights, at 128 x 128:
# both FPN levels come from MobileNetV3's stride-32 part, so the lateral 1x1 of the earlier level meets the upsampled
# top level at one size. Without its LastLevelMaxPool (extra_blocks None: outputs '0' and '1', written as "output" and
# "level1", since ONNX names here must not be numbers); the whole backbone, with it, below.
fpn_backbone = tv.detection.fasterrcnn_mobilenet_v3_large_fpn(weights=None, weights_backbone=None).backbone
fpn_backbone.fpn.extra_blocks = None
rows.append(export("fasterrcnn_mobilenet_v3_large_fpn_levels_opset13", FeatureMaps(fpn_backbone), (1, 3, 128, 128), output_names=("output", "level1")))
# Added later, so last: the same at opsets 11 (Resize with roi and scales inputs) and 17.
for opset in (11, 17):
    rows.append(export(f"fasterrcnn_mobilenet_v3_large_fpn_levels_opset{opset}", FeatureMaps(fpn_backbone), (1, 3, 128, 128), opset=opset, output_names=("output", "level1")))
# Added later, so last: the backbone with FPN as torchvision builds it (LastLevelMaxPool kept), at the three opsets:
# outputs '0', '1' and 'pool' written as "output", "level1" and "pool"; 'pool' is a max pooling (kernel 1, stride 2)
# of output '1', an output that reads another output (docs/onnx.md).
for opset in (11, 13, 17):
    full_backbone = tv.detection.fasterrcnn_mobilenet_v3_large_fpn(weights=None, weights_backbone=None).backbone
    rows.append(export(f"fasterrcnn_mobilenet_v3_large_fpn_backbone_opset{opset}", FeatureMaps(full_backbone), (1, 3, 128, 128), opset=opset, output_names=("output", "level1", "pool")))
# ConvNeXt exported without weights (export_params=False, opset 13): its layer norms' scales and shifts, layer scales
# and the channels-last linear layers' weights (each behind a Transpose: nothing folds it without its values) are
# graph inputs; read as weights like the *_noweights fixtures above.
rows.append(export("convnext_tiny_noweights", tv.convnext_tiny(weights=None), (1, 3, 64, 64), export_params=False))
# SSDLite's backbone (issue 23): torchvision's ssdlite320_mobilenet_v3_large (weights=None, weights_backbone=None)
# .backbone, at 128 x 128 and the three opsets: six maps taken along one trunk (the first after the expansion of the
# stride-16 block's inverted residual, the second at the end of MobileNetV3, then four extra blocks, each from the map
# before), written in file order "output" (torchvision's '0'), "out1" ... "out5"; InfoField's main output is the deepest.
ssd_backbone = tv.detection.ssdlite320_mobilenet_v3_large(weights=None, weights_backbone=None).backbone
for opset in (11, 13, 17):
    rows.append(export(f"ssdlite320_mobilenet_v3_large_backbone_opset{opset}", FeatureMaps(ssd_backbone), (1, 3, 128, 128), opset=opset, output_names=("output", "out1", "out2", "out3", "out4", "out5")))
rows = [row for row in rows if row is not None]
counts = {}
params_path = os.path.join(out, "params.txt")
if only and os.path.exists(params_path):
    for line in open(params_path):
        if not line.startswith("#") and line.strip():
            name, value = line.split()
            counts[name] = int(value)
for name, params, size in rows:
    counts[name] = params
with open(params_path, "w") as f:
    f.write("# model torch_parameters (sum of p.numel() over model.parameters())\n")
    for name, params in counts.items():
        f.write(f"{name} {params}\n")
macs_path = os.path.join(out, "macs.txt")
counted = {}
if os.path.exists(macs_path):
    for line in open(macs_path):
        if not line.startswith("#") and line.strip():
            name, value = line.split()
            counted[name] = int(value)
for name, value in macs.items():
    if value is not None:
        counted[name] = value
with open(macs_path, "w") as f:
    f.write("# model torch_macs (multiply-accumulates of Conv2d, Conv3d, ConvTranspose2d and Linear, counted by forward hooks)\n")
    for name, value in counted.items():
        f.write(f"{name} {value}\n")
for name, params, size in rows:
    print(f"{name:22s} params {params:>10d} bytes {size:>9d}")
