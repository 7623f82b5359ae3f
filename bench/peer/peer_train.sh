#!/bin/sh
# Peer benchmark: trains the same network for the same steps in PyTorch (bench/peer/peer_train.py, Debian's
# python3-torch) and in InfoField (infofield train, Release build), interleaved round by round (the order alternates),
# and prints images/s of both and their ratio per round, and per model the median ratio with a 95% confidence interval.
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
pytorch() { # $1 model
    /usr/bin/python3 bench/peer/peer_train.py "$1" --width 0.25 --steps "$steps" --threads $threads > "$work/py.json"
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
    for round in $(seq "$rounds"); do
        if [ $((round % 2)) -eq 1 ]; then
            p=$(pytorch "$model"); i=$(infofield "$model")
        else
            i=$(infofield "$model"); p=$(pytorch "$model")
        fi
        ratio=$(echo "$i / $p" | bc -l)
        echo "$ratio" >> "$work/ratios"
        printf '%-10s round %d  pytorch %7.1f img/s  infofield %7.1f img/s  infofield/pytorch %.3f\n' "$model" "$round" "$p" "$i" "$ratio"
    done
    # The median ratio, how many rounds InfoField was at least as fast, and a distribution-free 95% confidence interval
    # of the median ratio (order statistics of the rounds; the binomial sign-test interval, needs 6 rounds or more).
    /usr/bin/python3 - "$model" "$work/ratios" <<'PY'
import math, sys
model, values = sys.argv[1], sorted(float(line) for line in open(sys.argv[2]) if line.strip())
n = len(values)
median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
cdf = lambda k: sum(math.comb(n, i) for i in range(k + 1)) / 2 ** n
k = max((k for k in range(n // 2) if cdf(k) <= 0.025), default=None)
interval = f", 95% CI of the median {values[k]:.3f} to {values[n - 1 - k]:.3f}" if k is not None else ""
faster = sum(v >= 1 for v in values)
print(f"{model:<10} median infofield/pytorch {median:.3f} over {n} rounds{interval}; infofield at least as fast in {faster} of {n}")
PY
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
