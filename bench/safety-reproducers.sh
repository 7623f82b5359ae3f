#!/bin/bash
# The non-ONNX reproducers of issue 21's campaign, run against a build of the command:
#   dotnet build src/InfoField.Cli -o out && bench/safety-reproducers.sh out/infofield.dll
# Per case: exit code, wall seconds, peak memory (GNU time), lines and characters on standard error, and the first line
# (or what the case checks). Each case runs under a 20 s timeout (rc 124). Needs /usr/bin/time, bc, mkfifo and python3.
# Run it as a user who cannot write to /: one case checks where a relative link is followed to.
BIN=$1
W=$(mktemp -d)
cd "$W" || exit 1
python3 - <<'PY'
import gzip, hashlib, json, os, random, struct, zlib
random.seed(0)
os.makedirs("mnist", exist_ok=True)
for prefix, count in [("train", 48), ("t10k", 16)]:
    open(f"mnist/{prefix}-images-idx3-ubyte", "wb").write(struct.pack(">IIII", 0x803, count, 28, 28) + bytes(random.randrange(256) for _ in range(count * 784)))
    open(f"mnist/{prefix}-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, count) + bytes(i % 10 for i in range(count)))
tiny = {"format": "infofield-network/2", "name": "tiny", "input": [1, 32, 32],
        "stages": [{"units": [{"name": "c8", "ops": [{"type": "conv", "out": 8, "kernel": 3, "padding": 1}, {"type": "bn"}, {"type": "relu"}]}]}],
        "head": [{"type": "globalavgpool"}, {"type": "flatten"}, {"type": "linear", "out": 10}]}
json.dump(tiny, open("tiny.json", "w"))
json.dump(dict(tiny, name="evil\u001b[31mRED\u0007\nline2\u202e"), open("ctl.json", "w"))
open("surrogate.json", "w").write(json.dumps(tiny).replace('"tiny"', '"x\\ud800y"'))
rpw = dict(tiny, input=[16, 8, 8], stages=[{"units": [{"ops": [{"type": "rpw", "out": 16, "groups": 4, "overlap": "X"}]}]}])
open("underflow.json", "w").write(json.dumps(rpw).replace('"X"', "1e-400"))
# A PNG of 69 bytes declaring 26000 x 26000 pixels (valid CRCs), in an image-folder dataset of 1x8x8 images.
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">II", 26000, 26000) + bytes([8, 6, 0, 0, 0])) + chunk(b"IDAT", zlib.compress(bytes(40))) + chunk(b"IEND", b"")
for split in ("train", "test"):
    for label in ("a", "b"):
        os.makedirs(f"images/{split}/{label}", exist_ok=True)
        open(f"images/{split}/{label}/0.png", "wb").write(png)
PY
mkfifo fifo.ifckpt
ln -s /dev/zero zero.ifckpt
T="--dataset mnist --data-dir mnist --epochs 1 --batch-size 16 --threads 1 --train-limit 48 --test-limit 16"
dotnet "$BIN" train tiny.json $T --out run > /dev/null 2>&1
python3 - <<'PY'
import hashlib, json, struct
data = open("run/checkpoint.ifckpt", "rb").read()
magic, rest = data[:23], data[23:-32]
length = struct.unpack("<i", rest[:4])[0]
header, sections = json.loads(rest[4:4 + length]), rest[4 + length:]
def write(name, change, raw=None):
    h = dict(header); change(h)
    text = raw(json.dumps(h)) if raw else json.dumps(h)
    body = magic + struct.pack("<i", len(text.encode())) + text.encode() + sections
    open(name, "wb").write(body + hashlib.sha256(body).digest())
write("channels.ifckpt", lambda h: h.update(normalization={"mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]}))
write("classes.ifckpt", lambda h: h.update(classes=[str(i) for i in range(100000)]))
write("surrogate.ifckpt", lambda h: h.update(architecture=h["architecture"].replace('"tiny"', '"x\\ud800"')))
PY
ID=$(dotnet "$BIN" compare tiny.json $T --seeds 1 --results probe --plan --json 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['runs'][0]['id'])")
echo precious > victim.txt
C="compare tiny.json $T --seeds 1"
mkdir -p claimlink/claims claimfifo/claims claimloop/claims resultfifo resultbig
ln -s "$W/victim.txt" "claimlink/claims/$ID.claim"
mkfifo "claimfifo/claims/$ID.claim"
ln -s "$ID.claim" "claimloop/claims/$ID.claim"
mkfifo "resultfifo/$ID.json"
head -c 17000000 /dev/zero > "resultbig/$ID.json"
mkdir links && ln -s target.json links/lnk
STRAY=$(seq 1 3000 | sed 's/^/stray/')

run() {
  local name=$1; shift
  local start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o rss.txt timeout 20 dotnet "$BIN" "$@" > out.txt 2> err.txt < /dev/null
  local rc=$?
  local end=$(date +%s.%N)
  printf "%-18s rc=%-3s %5.1fs %6dMB %2d lines %5d chars | %s\n" "$name" $rc $(echo "$end - $start" | bc) $(( $(tail -1 rss.txt) / 1024 )) \
    $(grep -c '' err.txt) $(wc -c < err.txt) "$(grep -v '^Command exited' err.txt | grep -v '^\[' | head -1 | cut -c1-110)"
}
run surrogate-spec analyze surrogate.json
run surrogate-ckpt eval surrogate.ifckpt --data-dir mnist
run report-65536 report tiny.json --block A --channels 65536 --out a.html
run plan-seeds compare tiny.json $T --seeds 2147483647 --plan --results plan
run ckpt-devzero eval zero.ifckpt --data-dir mnist
run ckpt-fifo eval fifo.ifckpt --data-dir mnist
run png-26000 train tiny.json --dataset folder --data-dir images --input 1x8x8 --epochs 1 --out pngrun
run ckpt-channels eval channels.ifckpt --data-dir mnist
run ckpt-classes eval classes.ifckpt --data-dir mnist
run stray-args analyze tiny.json $STRAY
run overlap-1e-400 optimize underflow.json --out underflow-out.json
echo "                   written overlap: $(grep -o '"overlap": [^,}]*' underflow-out.json 2>/dev/null || echo none)"
run claim-link $C --results claimlink
echo "                   victim.txt now: $(head -c 60 victim.txt | tr '\n' ' ')"
run claim-fifo $C --results claimfifo
run claim-loop $C --results claimloop
run result-fifo $C --results resultfifo
run result-16MB $C --results resultbig
run control-chars analyze ctl.json
echo "                   escape bytes on stdout: $(grep -c $'\x1b' out.txt)"
(cd links && timeout 20 dotnet "$BIN" optimize "$W/tiny.json" --out lnk --follow-links > /dev/null 2>&1; echo "follow-links       rc=$?: links/target.json $( [ -f target.json ] && echo written || echo absent ), /target.json $( [ -f /target.json ] && echo written || echo absent )")
rm -rf "$W"
