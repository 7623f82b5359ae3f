#!/bin/sh
# The ONNX files InfoField writes for the networks of issue 23 (optimize, decompose and export of the fixtures) pass
# onnx.checker.check_model(full_check=True). Python (Debian's python3-onnx) is a reference tool here; the tests do not need it.
# Run from the repository root after dotnet build -c Release src/InfoField.Cli: tools/onnx/check_written.sh
B=${B:-src/InfoField.Cli/bin/Release/net10.0/infofield}
D=$(mktemp -d)
status=0
for f in fcn_resnet50_opset11 fcn_resnet50_opset13 fcn_resnet50_opset17 deeplabv3_mobilenet_v3_large_opset11 deeplabv3_mobilenet_v3_large_opset13 deeplabv3_mobilenet_v3_large_opset17 \
         r3d_18_opset11 r3d_18_opset13 r3d_18_opset17 convnext_tiny_opset11 convnext_tiny_opset13 convnext_tiny_opset17 convnext_tiny_noweights \
         fasterrcnn_mobilenet_v3_large_fpn_backbone_opset11 fasterrcnn_mobilenet_v3_large_fpn_backbone_opset13 fasterrcnn_mobilenet_v3_large_fpn_backbone_opset17 \
         ssdlite320_mobilenet_v3_large_backbone_opset11 ssdlite320_mobilenet_v3_large_backbone_opset13 ssdlite320_mobilenet_v3_large_backbone_opset17 fcn_resnet50_aux_opset13 signal1d; do
  [ -f tests/fixtures/onnx/$f.onnx ] || { echo "missing $f"; status=1; continue; }
  $B decompose tests/fixtures/onnx/$f.onnx --block dw-pw --out $D/$f-dec.onnx > /dev/null 2>$D/err || { echo "decompose $f: $(cat $D/err)"; status=1; }
  $B optimize tests/fixtures/onnx/$f.onnx --out $D/$f-opt.onnx > /dev/null 2>$D/err || { echo "optimize $f: $(head -c 200 $D/err)"; status=1; }
  $B export tests/fixtures/onnx/$f.onnx --out $D/$f-exp.onnx > /dev/null 2>$D/err || { echo "export $f: $(head -c 200 $D/err)"; status=1; }
done
/usr/bin/python3 - "$D" <<'PY'
import sys, os, onnx
d = sys.argv[1]
bad = 0
files = sorted(f for f in os.listdir(d) if f.endswith(".onnx"))
for f in files:
    try:
        onnx.checker.check_model(onnx.load(os.path.join(d, f)), full_check=True)
    except Exception as e:
        bad += 1
        print("FAIL", f, str(e).splitlines()[0][:200])
print(f"{len(files)} files checked (onnx {onnx.__version__}, full_check=True), {bad} failed")
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || status=1
rm -rf $D
exit $status
