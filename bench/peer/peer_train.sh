#!/bin/sh
# Peer benchmark: trains the same network for the same steps in PyTorch (bench/peer/peer_train.py, Debian's
# python3-torch) and in InfoField (infofield train, Release build), interleaved round by round (the order rotates),
# and prints images/s and the ratio per round, and per model the median ratio with a 95% confidence interval. PyTorch
# runs twice a round: as written by default (NCHW) and in channels-last layout (InfoField's default, see
# docs/performance.md), so InfoField is compared with both.
# Usage: bench/peer/peer_train.sh [rounds] [steps] [models...]   (defaults: 3 rounds, 200 steps, vgg11 mobilenet)
# Needs: dotnet build -c Release src/InfoField.Cli; apt-get install python3-torch; Fashion-MNIST in
# /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist).
set -eu
cd "$(dirname "$0")/../.."
rounds=${1:-3}
steps=${2:-200}
shift 2 2>/dev/null || shift $#
models=${*:-vgg11 mobilenet}
cli=src/InfoField.Cli/bin/Release/net10.0/infofield.dll
threads=2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { /usr/bin/python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).read())[sys.argv[2]])" "$1" "$2"; }
pytorch() { # $1 model, $2 extra option (--channels-last) or nothing
    /usr/bin/python3 bench/peer/peer_train.py "$1" --width 0.25 --steps "$steps" --threads $threads ${2:-} > "$work/py.json"
    field "$work/py.json" imagesPerSecond
}
infofield() { # $1 model
    dotnet "$cli" train "$1" --dataset fashion-mnist --width 0.25 --threads $threads --epochs 1 --augment off \
        --train-limit $((steps * 128)) --test-limit 256 --batch-size 128 --seed 1 --out "$work/run" --json > "$work/if.json" 2> /dev/null
    rm -rf "$work/run"
    field "$work/if.json" imagesPerSecond
}
echo "peer benchmark: $steps steps of batch 128, width 0.25, Fashion-MNIST 32x32, $threads threads, $rounds rounds; $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for model in $models; do
    : > "$work/ratios"
    : > "$work/ratios-cl"
    for round in $(seq "$rounds"); do
        case $((round % 3)) in
            1) p=$(pytorch "$model"); c=$(pytorch "$model" --channels-last); i=$(infofield "$model") ;;
            2) i=$(infofield "$model"); p=$(pytorch "$model"); c=$(pytorch "$model" --channels-last) ;;
            *) c=$(pytorch "$model" --channels-last); i=$(infofield "$model"); p=$(pytorch "$model") ;;
        esac
        ratio=$(echo "$i / $p" | bc -l)
        ratio_cl=$(echo "$i / $c" | bc -l)
        echo "$ratio" >> "$work/ratios"
        echo "$ratio_cl" >> "$work/ratios-cl"
        printf '%-10s round %d  pytorch %7.1f img/s  pytorch channels-last %7.1f img/s  infofield %7.1f img/s  infofield/pytorch %.3f  infofield/pytorch-channels-last %.3f\n' "$model" "$round" "$p" "$c" "$i" "$ratio" "$ratio_cl"
    done
    # The median ratio, how many rounds InfoField was at least as fast, and a distribution-free 95% confidence interval
    # of the median ratio (order statistics of the rounds; the binomial sign-test interval, needs 6 rounds or more).
    for peer in pytorch pytorch-channels-last; do
        file="$work/ratios"; [ "$peer" = pytorch ] || file="$work/ratios-cl"
        /usr/bin/python3 - "$model" "$peer" "$file" <<'PY'
import math, sys
model, peer, values = sys.argv[1], sys.argv[2], sorted(float(line) for line in open(sys.argv[3]) if line.strip())
n = len(values)
median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
cdf = lambda k: sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
k = max((k for k in range(n // 2) if cdf(k) <= 0.025), default=None)
interval = f", 95% CI of the median {values[k]:.3f} to {values[n - 1 - k]:.3f}" if k is not None else ""
faster = sum(v >= 1 for v in values)
print(f"{model:<10} median infofield/{peer} {median:.3f} over {n} rounds{interval}; infofield at least as fast in {faster} of {n}")
PY
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
