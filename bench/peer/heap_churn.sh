#!/bin/sh
# System time and images/s of 200 training steps with glibc's default allocator settings and with InfoField's
# (NativeHeap.KeepFreedMemory, applied at start), interleaved. Usage: bench/peer/heap_churn.sh [rounds]
# Needs a Release build: dotnet build -c Release src/InfoField.Cli
set -eu
cd "$(dirname "$0")/../.."
rounds=${1:-2}
cli=src/InfoField.Cli/bin/Release/net10.0/infofield.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() { # $1: label, $2: value of INFOFIELD_NATIVE_HEAP
    INFOFIELD_NATIVE_HEAP=$2 /usr/bin/time -v -o "$work/time" dotnet "$cli" train vgg11 --dataset fashion-mnist \
        --width 0.25 --threads 2 --epochs 1 --train-limit 25600 --test-limit 256 --seed 1 --out "$work/run" --json \
        > "$work/result.json" 2> /dev/null
    rm -rf "$work/run"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$work/time")
    user=$(awk -F': ' '/User time/ { print $2 }' "$work/time")
    ips=$(/usr/bin/python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['imagesPerSecond']))" "$work/result.json")
    printf '%-8s wall %6.1f s  user %6.1f s  system %5.1f s (%4.1f%% of wall)  train images/s %s\n' \
        "$1" "$wall" "$user" "$sys" "$(echo "100 * $sys / $wall" | bc -l)" "$ips"
}
uptime
for round in $(seq "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then run glibc default; run infofield on; else run infofield on; run glibc default; fi
done
uptime
