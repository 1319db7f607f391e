#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into Fuzz/corpus/<parser>/ from demo/, themes/
and the inputs written in the unit tests. Run once from the repository root; the seeds are
committed (libFuzzer's finds and crashing inputs are added beside them)."""
import gzip, hashlib, os, re, struct, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)

def put(parser, data, name=None):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > 16384:
        return
    d = f"Fuzz/corpus/{parser}"
    os.makedirs(d, exist_ok=True)
    name = name or "seed-" + hashlib.sha1(data).hexdigest()[:12]
    with open(f"{d}/{name}", "wb") as f:
        f.write(data)

def swift_multiline_strings(path):
    """The \"\"\"...\"\"\" literals of a Swift file without interpolation, dedented as Swift does."""
    text = open(path).read()
    for m in re.finditer(r'"""\n(.*?)\n([ \t]*)"""', text, re.S):
        body, indent = m.group(1), m.group(2)
        if "\\(" in body:
            continue
        lines = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in body.split("\n")]
        yield "\n".join(lines).replace('\\"', '"').replace("\\\\", "\\") + "\n"

def swift_string_literals(path, pattern):
    """Single-line string literals of a Swift file that match `pattern`."""
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', open(path).read()):
        s = m.group(1)
        if "\\(" in s or not re.search(pattern, s):
            continue
        yield s.replace('\\"', '"').replace("\\\\", "\\")

# TOML: every demo config and theme, the TOML written in the config tests.
for d in ["demo", "themes"]:
    for f in sorted(os.listdir(d)):
        if f.endswith(".toml"):
            put("toml", open(f"{d}/{f}").read())
for s in swift_multiline_strings("Tests/ConfigTests/ConfigTests.swift"):
    put("toml", s)

# Chain spaces: the demo spaces and the test spaces.
for f in ["demo/chain_mlp.toml", "demo/chain_convnet.toml"]:
    put("chain-space", open(f).read())
for s in swift_multiline_strings("Tests/NASTests/ChainSpaceTests.swift"):
    if "[[layer]]" in s:
        put("chain-space", s)

# Themes.
for f in sorted(os.listdir("themes")):
    put("theme", open(f"themes/{f}").read())
for s in swift_multiline_strings("Tests/TUITests/ThemeTests.swift"):
    put("theme", s)

# DARTS strings, NB201 strings, genotype JSON: the demo genotype and the tests' literals.
darts = open("demo/genotypes/darts_v2.txt").read()
put("darts-string", darts)
for f in ["GenotypeTests", "GenotypeDartsTests", "GenotypeErrorTests"]:
    for s in swift_string_literals(f"Tests/NASTests/{f}.swift", r"Genotype\("):
        put("darts-string", s)
    for s in swift_string_literals(f"Tests/NASTests/{f}.swift", r"^\{"):
        put("genotype-json", s)
for f in ["GenotypeNB201Tests", "GenotypeTests", "GenotypeErrorTests"]:
    for s in swift_string_literals(f"Tests/NASTests/{f}.swift", r"~\d"):
        if not s.startswith("{"):
            put("nb201-string", s)
csv = open("demo/benchmarks/nb201_cifar10_subset.csv").read().split("\n")
for line in csv[1:4]:
    put("nb201-string", line.split(",")[0])
put("genotype-json", '{"space":"nb201","arch":"' + csv[1].split(",")[0] + '"}')
put("genotype-json", '{"space":"chain","params":{"layer0.units":64,"train.lr":0.01,"layer0.act":"relu"}}')

# Tabular CSV: the head of the demo benchmark, a DARTS-string table, a quoted-field table.
put("tabular-csv", "\n".join(csv[:6]) + "\n")
full = open("demo/benchmarks/nb201_full.csv").read().split("\n")
put("tabular-csv", "\n".join(full[:4]) + "\n")
put("tabular-csv", 'arch,accuracy,latency_ms\n"' + darts.strip().replace('"', '""') + '",0.9,1.5\n')
put("tabular-csv", "\ufeffarch,cifar10_val_acc\r\n" + csv[1].split(",")[0] + ",91.5\r\n")

# IDX: small image and label files, plain and gzip.
images = struct.pack(">I", 0x803) + struct.pack(">III", 2, 3, 4) + bytes(range(24))
labels = struct.pack(">I", 0x801) + struct.pack(">I", 2) + bytes([0, 1])
put("idx", images, "seed-images")
put("idx", labels, "seed-labels")
put("idx", gzip.compress(images, mtime=0), "seed-images-gz")
put("idx", gzip.compress(labels, mtime=0) + gzip.compress(b"", mtime=0), "seed-labels-gz-two-members")

# CIFAR-10: one and two records, plain and gzip.
record = bytes([3]) + bytes((i * 7) % 256 for i in range(3072))
put("cifar", record, "seed-one-record")
put("cifar", gzip.compress(record + bytes([9]) + record[1:], mtime=0), "seed-two-records-gz")
