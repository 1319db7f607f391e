#!/usr/bin/env python3
"""Check a model directory written by `nas-tui train --save DIR` against other runtimes.

    check_saved_model.py onnx DIR CASES [DIR CASES ...]   onnxruntime's logits from DIR/model.onnx
    check_saved_model.py torch DIR CASES [DIR CASES ...]  PyTorch's logits from DIR/model.py and
                                                          DIR/model.safetensors (load_state_dict(strict=True))
    check_saved_model.py accuracy DIR                     onnxruntime's test accuracy on Fashion-MNIST's
                                                          test set against DIR/metrics.json's test_accuracy

CASES is a safetensors file with `images` (float32 N x C x H x W, pixels in [0, 1]) and `logits`
(nas-tui's own logits for them). Each check prints one JSON object on a line; with --tolerance T
the script exits 1 when a difference (max |logit difference|, or accuracy points) is larger than T.
Needs numpy, safetensors and onnxruntime (onnx mode also onnx; torch mode torch).
"""
import argparse
import gzip
import importlib.util
import json
import os
import struct
import sys

import numpy as np


def onnx_logits(directory, images):
    import onnx
    import onnxruntime as ort

    path = os.path.join(directory, "model.onnx")
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    inputs = [i.name for i in session.get_inputs()]
    outputs = [o.name for o in session.get_outputs()]
    if inputs != ["images"] or outputs != ["logits"]:
        raise SystemExit(f"{path}: inputs {inputs} and outputs {outputs}; expected ['images'] and ['logits']")
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    info = {"opset": opset, "producer": f"{model.producer_name} {model.producer_version}"}
    return session.run(["logits"], {"images": images})[0], info


def torch_logits(directory, images):
    import torch
    from safetensors.torch import load_file

    spec = importlib.util.spec_from_file_location("nas_tui_saved_model", os.path.join(directory, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.build_model()
    net.load_state_dict(load_file(os.path.join(directory, "model.safetensors")), strict=True)
    net.eval()
    with torch.no_grad():
        logits = net(torch.from_numpy(images)).numpy()
    return logits, {"torch": torch.__version__, "tensors": len(net.state_dict())}


def compare(mode, directory, cases_path):
    from safetensors.numpy import load_file

    cases = load_file(cases_path)
    images, expected = cases["images"].astype(np.float32), cases["logits"].astype(np.float32)
    run = onnx_logits if mode == "onnx" else torch_logits
    logits, info = run(directory, images)
    if logits.shape != expected.shape:
        raise SystemExit(f"logits {list(logits.shape)}; nas-tui's are {list(expected.shape)}")
    difference = float(np.max(np.abs(logits.astype(np.float64) - expected.astype(np.float64))))
    scale = float(np.max(np.abs(expected)))
    agree = int(np.sum(np.argmax(logits, axis=1) == np.argmax(expected, axis=1)))
    report = {"mode": mode, "directory": directory, "images": int(images.shape[0]), "max_abs_diff": difference,
              "max_abs_logit": scale, "argmax_agree": agree, **info}
    print(json.dumps(report), flush=True)
    return difference


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def accuracy(args, directory):
    import onnxruntime as ort

    with open(os.path.join(directory, "metrics.json")) as f:
        metrics = json.load(f)
    if metrics.get("dataset") != "fashion-mnist":
        raise SystemExit(f"metrics.json: trained on {metrics.get('dataset')!r}; this check reads Fashion-MNIST's test set")

    def find(name):
        for candidate in (name + ".gz", name):
            path = os.path.join(args.data, candidate)
            if os.path.exists(path):
                return path
        raise SystemExit(f"{os.path.join(args.data, name)}[.gz] not found; install dataset-fashion-mnist or pass --data DIR")

    count = int(metrics["test_images"])
    images = read_idx(find("t10k-images-idx3-ubyte"))[:count]
    labels = read_idx(find("t10k-labels-idx1-ubyte"))[:count].astype(np.int64)
    # Pixels as nas-tui reads them: byte / 255 in float32.
    images = (images.astype(np.float32) / np.float32(255)).reshape(len(images), 1, 28, 28)
    session = ort.InferenceSession(os.path.join(directory, "model.onnx"), providers=["CPUExecutionProvider"])
    correct = 0
    for start in range(0, len(images), 500):
        logits = session.run(["logits"], {"images": images[start:start + 500]})[0]
        correct += int(np.sum(np.argmax(logits, axis=1) == labels[start:start + 500]))
    onnx_accuracy = correct / len(images)
    points = abs(onnx_accuracy - float(metrics["test_accuracy"])) * 100
    print(json.dumps({"mode": "accuracy", "images": len(images), "onnx_accuracy": onnx_accuracy,
                      "metrics_accuracy": metrics["test_accuracy"], "difference_points": points}))
    return points


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["onnx", "torch", "accuracy"])
    parser.add_argument("paths", nargs="+", help="DIR (accuracy) or DIR CASES pairs (onnx, torch)")
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist", help="Fashion-MNIST's IDX files (accuracy)")
    parser.add_argument("--tolerance", type=float, help="exit 1 when a difference is larger")
    args = parser.parse_args()
    if args.mode == "accuracy":
        if len(args.paths) != 1:
            parser.error("accuracy takes one saved model directory")
        differences = [accuracy(args, args.paths[0])]
    else:
        if len(args.paths) % 2:
            parser.error(f"{args.mode} takes DIR CASES pairs; CASES is a safetensors file with images and logits")
        differences = [compare(args.mode, d, c) for d, c in zip(args.paths[::2], args.paths[1::2])]
    if args.tolerance is not None and not all(d <= args.tolerance for d in differences):
        print(f"differences {differences}: larger than the tolerance {args.tolerance}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
