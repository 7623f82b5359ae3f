#!/bin/bash
# The fuzzing campaign's reproducers (issue 13), run against a build of the command:
#   dotnet build src/InfoField.Cli -o out && bench/hardening-reproducers.sh out/infofield.dll
# Per case: exit code, wall seconds, peak memory (GNU time), lines on standard error, and the first of them.
# Each case runs under a 20 s timeout (rc 124). Needs /usr/bin/time, bc, mkfifo and python3.
BIN=$1
W=$(mktemp -d)
cd $W
mkfifo x.json
python3 - <<'PY'
import json
def spec(op, inp=[3,32,32]):
    return {"input":inp,"stages":[{"units":[{"ops":[op]}]}],"head":[{"type":"globalavgpool"},{"type":"flatten"},{"type":"linear","out":10}]}
json.dump(spec({"type":"conv","out":16,"kernel":2147483647}),open("kernel.json","w"))
json.dump(spec({"type":"conv","out":16,"kernel":3,"padding":2147483647}),open("padding.json","w"))
json.dump(spec({"type":"conv","out":2147483647,"kernel":3}),open("out.json","w"))
json.dump(spec({"type":"conv","out":16,"kernel":3},[2147483647,8,8]),open("in.json","w"))
json.dump(spec({"type":"adaptiveavgpool","output":2147483647}),open("adaptive.json","w"))
json.dump(spec({"type":"conv","out":1073741824,"kernel":1}),open("out30.json","w"))
s=spec({"type":"conv","out":8,"kernel":3}); s["stages"][0]["units"][0]["ops"].append({"type":"maxpool","kernel":2,"padding":2}); json.dump(s,open("pool.json","w"))
s=spec({"type":"conv","out":8,"kernel":3}); s["stages"][0]["units"][0]["ops"][0]={"type":"residual","body":[{"type":"flatten"}]}; json.dump(s,open("flatres.json","w"))
PY
run() {
  local name=$1; shift
  local start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o rss.txt timeout 20 dotnet $BIN "$@" > out.txt 2> err.txt < /dev/null
  local rc=$?
  local end=$(date +%s.%N)
  printf "%-14s rc=%-3s %5.1fs %6dMB %2d lines | %s\n" "$name" $rc $(echo "$end - $start" | bc) $(( $(tail -1 rss.txt) / 1024 )) $(grep -c '' err.txt) "$(grep -v '^Command exited' err.txt | head -1 | cut -c1-110)"
}
run kernel analyze kernel.json
run padding analyze padding.json
run out-2^31 analyze out.json
run in-2^31 analyze in.json
run out-2^30 analyze out30.json
run adaptive analyze adaptive.json
run input-huge analyze vgg11 --input 3x65536x65536
run width-1,5 analyze vgg11 --width 1,5
run out-empty optimize vgg11 --out ''
run bench-batch bench rpw --batch 1000000000 --threads 1
run dev-zero analyze /dev/zero
run fifo analyze x.json
run rule-F-1e6 rule F --channels 1000000
run maxpool-pad analyze pool.json
run flat-in-res optimize flatres.json
run lr-1e308 train vgg11 --dataset mnist --data-dir /nonexistent --lr 1e308 --epochs 1
cd /; rm -rf $W
