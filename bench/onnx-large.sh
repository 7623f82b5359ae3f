#!/bin/bash
# ONNX files of any size (issue 24, section 2): analyze, optimize --out and decompose --out on torchvision's vgg11_bn
# exported WITH its weights (532 MB), the same file with the weights' data STRIPPED (dims kept, as the test fixtures),
# and exported WITHOUT them (export_params=False), for one or more builds of the command, side by side in one run:
#   dotnet build src/InfoField.Cli -c Release -o out && bench/onnx-large.sh out [other-build ...]
# Each command runs ROUNDS times (default 3) per build and file; printed: the median wall seconds and the largest peak
# memory (GNU time). The models are exported once into $ONNX_LARGE_DIR (default a temporary folder; never committed)
# with Debian's python3-torch 1.13 / python3-torchvision 0.14 / python3-onnx (/usr/bin/python3). Needs /usr/bin/time.
set -e
ROUNDS=${ROUNDS:-3}
DIR=${ONNX_LARGE_DIR:-$(mktemp -d)}
mkdir -p "$DIR"
if [ ! -f "$DIR/vgg11_bn.onnx" ] || [ ! -f "$DIR/vgg11_bn_noweights.onnx" ] || [ ! -f "$DIR/vgg11_bn_stripped.onnx" ]; then
  (cd "$DIR" && /usr/bin/python3 - <<'PY'
import warnings, torch, torchvision
warnings.filterwarnings("ignore")
torch.manual_seed(0)
model = torchvision.models.vgg11_bn().eval()
kwargs = dict(opset_version=13, input_names=["input"], output_names=["output"], training=torch.onnx.TrainingMode.PRESERVE)
torch.onnx.export(model, torch.randn(1, 3, 224, 224), "vgg11_bn.onnx", **kwargs)
torch.onnx.export(model, torch.randn(1, 3, 224, 224), "vgg11_bn_noweights.onnx", export_params=False, **kwargs)
import onnx
stripped = onnx.load("vgg11_bn.onnx")
for tensor in stripped.graph.initializer:
    if tensor.data_type == onnx.TensorProto.FLOAT and len(tensor.raw_data) > 64:
        tensor.ClearField("raw_data")
onnx.save(stripped, "vgg11_bn_stripped.onnx")
PY
  )
fi
ls -l "$DIR"/vgg11_bn*.onnx | awk '{printf "%s %\047d bytes\n", $NF, $5}'
measure() {  # build, then the command's arguments; prints "median_seconds peak_MB" or "failed"
  local build=$1; shift
  local times=() peak=0
  for i in $(seq "$ROUNDS"); do
    rm -f "$DIR"/out.onnx
    local start=$(date +%s.%N)
    if ! /usr/bin/time -f "%M" -o "$DIR/rss.txt" dotnet "$build/infofield.dll" "$@" > /dev/null 2> "$DIR/err.txt"; then
      echo "fails (exit 1)"
      return
    fi
    local end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
    local rss=$(tail -1 "$DIR/rss.txt")
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  local median=$(printf "%s\n" "${times[@]}" | sort -n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
  printf "%.2f s %4d MB" "$median" $(( peak / 1024 ))
}
printf "\n%-8s %-40s %-17s %-17s %-17s\n" build command "with weights" "stripped" "export_params=False"
for build in "$@"; do
  for command in "analyze" "optimize --out out.onnx" "decompose --block dw-pw --out out.onnx"; do
    read -r -a parts <<< "${command/out.onnx/$DIR/out.onnx}"
    row=()
    for file in vgg11_bn vgg11_bn_stripped vgg11_bn_noweights; do
      row+=("$(measure "$build" "${parts[0]}" "$DIR/$file.onnx" "${parts[@]:1}")")
    done
    printf "%-8s %-40s %-17s %-17s %-17s\n" "$(basename "$build")" "$command" "${row[@]}"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
