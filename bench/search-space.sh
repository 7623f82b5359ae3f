#!/bin/sh
# The NAS-Bench-201 search space through infofield (docs/performance.md, "Search spaces"): the batch with and without
# op fields, parse and analysis on one core, short commands, the alpha study and a short training run. Run it on a quiet
# machine from the repository root after
#   dotnet build -c Release bench/InfoField.Benchmarks && dotnet build -c Release src/InfoField.Cli && dotnet build -c Release samples/NasBench201
#   samples/NasBench201/bin/Release/net10.0/NasBench201 jsonl /tmp/space.jsonl
# BASE=path/to/an/older/infofield compares every command with that build, run alternately (it must write the same batch).
NEW=${NEW:-src/InfoField.Cli/bin/Release/net10.0/infofield}
BENCH=${BENCH:-bench/InfoField.Benchmarks/bin/Release/net10.0/InfoField.Benchmarks.dll}
S=${S:-/tmp/space.jsonl}
OUT=$(mktemp -d)
date -u; uptime
for i in 1 2; do
  if [ -n "$BASE" ]; then
    /usr/bin/time -f "base   batch full : wall %e user %U sys %S" $BASE analyze --batch $S > $OUT/base.jsonl
  fi
  /usr/bin/time -f "new    batch full : wall %e user %U sys %S" $NEW analyze --batch $S > $OUT/new.jsonl
  [ -n "$BASE" ] && { cmp $OUT/base.jsonl $OUT/new.jsonl && echo "same bytes: $(stat -c %s $OUT/new.jsonl)"; }
  /usr/bin/time -f "new    batch brief: wall %e user %U sys %S" $NEW analyze --batch $S --detail false > $OUT/new.jsonl
  echo "brief bytes: $(stat -c %s $OUT/new.jsonl)"
  DOTNET_TC_CallCountingDelayMs=0 /usr/bin/time -f "new    batch brief, TC delay 0: wall %e user %U sys %S" $NEW analyze --batch $S --detail false > $OUT/new.jsonl
done
rm -f $OUT/*.jsonl
taskset -c 0 dotnet $BENCH space 5 1 $S | tail -2
taskset -c 0 dotnet $BENCH space 5 1 $S brief | tail -2
for i in 1 2 3; do
  [ -n "$BASE" ] && /usr/bin/time -f "base analyze vgg16: wall %e user %U" $BASE analyze vgg16 > /dev/null
  /usr/bin/time -f "new  analyze vgg16: wall %e user %U" $NEW analyze vgg16 > /dev/null
  [ -n "$BASE" ] && /usr/bin/time -f "base analyze resnet50 --json: wall %e user %U" $BASE analyze resnet50 --json > /dev/null
  /usr/bin/time -f "new  analyze resnet50 --json: wall %e user %U" $NEW analyze resnet50 --json > /dev/null
done
for i in 1 2; do
  [ -n "$BASE" ] && /usr/bin/time -f "base study alpha: wall %e user %U" $BASE study alpha > /dev/null
  /usr/bin/time -f "new  study alpha: wall %e user %U" $NEW study alpha > /dev/null
done
for i in 1 2; do
  for p in 1 0; do
    DOTNET_TieredPGO=$p $NEW train vgg11 --dataset fashion-mnist --width 0.25 --epochs 1 --train-limit 8192 --test-limit 512 --augment on --json --out $OUT/train 2>/dev/null | grep -o '"imagesPerSecond": *[0-9.]*' | sed "s/^/TieredPGO=$p train: /"
    rm -rf $OUT/train
  done
done
rm -rf $OUT
date -u; uptime
