#!/bin/sh
# The NAS-Bench-201 search space through infofield (docs/performance.md, "Search spaces"): the batch with and without
# op fields (to a file and to /dev/null), parse and analysis on one core, short commands, the alpha study and a short
# training run. Run it on a quiet machine from the repository root after
#   dotnet build -c Release bench/InfoField.Benchmarks && dotnet build -c Release src/InfoField.Cli && dotnet build -c Release samples/NasBench201
#   samples/NasBench201/bin/Release/net10.0/NasBench201 jsonl /tmp/space.jsonl
# BASE=path/to/an/older/infofield compares every CLI command with that build, run alternately (it must write the same
# batch); BASE_BENCH=path/to/an/older/InfoField.Benchmarks.dll does the same for parse and analysis on one core.
NEW=${NEW:-src/InfoField.Cli/bin/Release/net10.0/infofield}
BENCH=${BENCH:-bench/InfoField.Benchmarks/bin/Release/net10.0/InfoField.Benchmarks.dll}
S=${S:-/tmp/space.jsonl}
OUT=$(mktemp -d)
date -u; uptime
for i in 1 2; do
  for detail in true false; do
    for build in BASE NEW; do
      [ $build = BASE ] && [ -z "$BASE" ] && continue
      [ $build = BASE ] && cli=$BASE || cli=$NEW
      # A file's writes depend on the kernel's dirty pages (docs/performance.md): as root, start each from a dropped cache.
      rm -f $OUT/$build.jsonl; sync; [ "$(id -u)" = 0 ] && echo 3 > /proc/sys/vm/drop_caches
      /usr/bin/time -f "$build batch --detail $detail > file: wall %e user %U sys %S" $cli analyze --batch $S --detail $detail > $OUT/$build.jsonl
      /usr/bin/time -f "$build batch --detail $detail > /dev/null: wall %e user %U sys %S" $cli analyze --batch $S --detail $detail > /dev/null
    done
    [ -n "$BASE" ] && { cmp $OUT/BASE.jsonl $OUT/NEW.jsonl && echo "same bytes: $(stat -c %s $OUT/NEW.jsonl)"; }
    echo "bytes: $(stat -c %s $OUT/NEW.jsonl)"
    rm -f $OUT/*.jsonl; sync
  done
done
for mode in full brief; do
  [ -n "$BASE_BENCH" ] && { printf "base %s: " $mode; taskset -c 0 dotnet $BASE_BENCH space 5 1 $S $mode | tail -1; }
  printf "new  %s: " $mode; taskset -c 0 dotnet $BENCH space 5 1 $S $mode | tail -1
done
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
  for build in BASE NEW; do
    [ $build = BASE ] && [ -z "$BASE" ] && continue
    [ $build = BASE ] && cli=$BASE || cli=$NEW
    $cli train vgg11 --dataset fashion-mnist --width 0.25 --epochs 1 --train-limit 8192 --test-limit 512 --augment on --json --out $OUT/train 2>/dev/null | grep -o '"imagesPerSecond": *[0-9.]*' | sed "s/^/$build train: /"
    rm -rf $OUT/train
  done
done
rm -rf $OUT
date -u; uptime
