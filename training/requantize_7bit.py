#!/usr/bin/env python3
"""Re-quantise an exported int8 NER model with 7-bit weights (onnxruntime's reduce_range).

Why: on x86 CPUs without VNNI (AVX2, AVX-512 before VNNI) onnxruntime's fast U8S8 kernels add pairs of u8 x s8
products in 16 bits, which saturate with 8-bit weights, so every session sets session.x64quantprecision
(src/core/ort-session.ts) and onnxruntime then runs the exact but slower U8U8 kernels. With weights in -64..64 a pair
sum stays below 2^15 (2 x 255 x 64 = 32,640): onnxruntime sees that the weights fit and keeps the fast kernels,
with or without the option, and the outputs are the same either way.

The fp32 weights are the source file's dequantized ones (onnx_to_torch.torch_from_onnx). Before writing, the
script checks that plain 8-bit quantisation of them gives back the source's int8 weights exactly, so nothing but
the weight precision changes. The source's extra hidden-state outputs (hidden2, hidden3) are added again.

Usage: python training/requantize_7bit.py --onnx models/ner-minilm-l4/model.onnx --out models/ner-minilm-l4/model.onnx
"""
import argparse
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import add_hidden_output, export, quantize, sha256  # noqa: E402
from onnx_to_torch import torch_from_onnx  # noqa: E402


def initializers(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def hidden_layers(path):
    """1-based layers whose outputs the file exposes as hidden<N>, in the file's order."""
    return [int(o.name[len("hidden"):]) for o in onnx.load(path).graph.output if o.name.startswith("hidden")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", required=True, help="exported int8 model (per-channel, 8-bit weights)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    model, _ = torch_from_onnx(args.onnx)
    layers = hidden_layers(args.onnx)
    with tempfile.TemporaryDirectory() as tmp:
        fp32, q8, q7 = (os.path.join(tmp, f) for f in ("fp32.onnx", "q8.onnx", "q7.onnx"))
        export(model, fp32)
        quantize(fp32, q8, per_channel=True)
        src, back = initializers(args.onnx), initializers(q8)
        quantized = [k for k in src if k.endswith("_quantized")]
        same = all(k in back and np.array_equal(src[k], back[k]) for k in quantized)
        assert same, "8-bit quantisation of the dequantized weights does not give the source's weights back"
        print(f"8-bit round trip: {len(quantized)} quantized weights identical to the source's")
        quantize(fp32, q7, per_channel=True, reduce_range=True)
        w = initializers(q7)
        top = max(int(np.abs(w[k].astype(np.int32)).max()) for k in w if k.endswith("_quantized") and w[k].dtype == np.int8)
        assert top <= 64, f"7-bit weights expected, found |w| = {top}"
        for layer in layers:
            add_hidden_output(q7, layer)
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(q7, "rb") as f, open(args.out, "wb") as g:
            g.write(f.read())
    print(f"wrote {args.out}: int8 weights |w| <= {top}, hidden outputs {layers}, sha256 {sha256(args.out)}")


if __name__ == "__main__":
    main()
