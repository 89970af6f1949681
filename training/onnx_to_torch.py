#!/usr/bin/env python3
"""Rebuild a torch checkpoint from an exported (int8) ner-minilm ONNX file, so that training can go on
when the original checkpoint is gone (training/runs/ is not committed). Quantized weights are
dequantized ((q - zero_point) * scale); the torch model's logits are checked against onnxruntime's.

Usage: python training/onnx_to_torch.py --onnx models/ner-minilm/model.onnx --out training/runs/NAME/init.pt
then:  python training/train.py --name NAME --init training/runs/NAME/init.pt --lr 5e-5 --head-lr 5e-4 ...
"""
import argparse
import os
import re

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper

from model import BertTagger, Cfg

ROLES = ["q", "k", "v", "ao", "ff1", "ff2"]  # order of the Linear layers in Layer.forward


def matmul_bases(names):
    """Quantized MatMul weight names (without `_quantized`) in graph order: ROLES per layer, layer by layer, then the head."""
    bases = {k[: -len("_quantized")] for k in names if k.startswith("onnx::MatMul_") and k.endswith("_quantized")}
    return sorted(bases, key=lambda k: int(re.search(r"(\d+)$", k).group(1)))


def dequant(inits, base):
    q = inits[base + "_quantized"].astype(np.float32)
    zp = inits[base + "_zero_point"].astype(np.float32)
    scale = inits[base + "_scale"].astype(np.float32)
    if scale.ndim == 1:  # per output channel (MatMul weights are [in, out])
        return (q - zp[None, :]) * scale[None, :]
    return (q - zp) * scale


def torch_from_onnx(path):
    """The BertTagger whose fp32 weights are the exported file's dequantized ones."""
    m = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    mm = matmul_bases(inits)
    cfg = Cfg(layers=(len(mm) - 1) // len(ROLES))  # 6 for ner-minilm, 4 for ner-minilm-l4
    model = BertTagger(cfg)
    sd = {k: v.clone() for k, v in model.state_dict().items()}
    for name, arr in inits.items():
        if name in sd:
            sd[name] = torch.from_numpy(arr.copy())
    sd["word.weight"] = torch.from_numpy(dequant(inits, "word.weight"))
    sd["pos.weight"] = torch.from_numpy(dequant(inits, "pos.weight"))
    # token type 0 is a constant added in the graph; type 1 is never used at run time
    tt0 = next(v for k, v in inits.items() if k.startswith("onnx::Add_") and v.shape == (cfg.hidden,))
    sd["tt.weight"] = torch.from_numpy(np.stack([tt0, tt0]))
    assert len(mm) == cfg.layers * len(ROLES) + 1, f"expected {cfg.layers * len(ROLES) + 1} MatMul weights, got {len(mm)}"
    for i, base in enumerate(mm[:-1]):
        name = f"layers.{i // len(ROLES)}.{ROLES[i % len(ROLES)]}.weight"
        w = torch.from_numpy(dequant(inits, base).T.copy())
        assert w.shape == sd[name].shape, f"{base} -> {name}: {tuple(w.shape)} vs {tuple(sd[name].shape)}"
        sd[name] = w
    sd["head.weight"] = torch.from_numpy(dequant(inits, mm[-1]).T.copy())
    model.load_state_dict(sd)
    model.eval()
    model.use_sdpa = False

    # parity check on random windows: quantized activations in onnxruntime make small differences only
    rng = np.random.default_rng(0)
    ids = rng.integers(1000, cfg.vocab_size, size=(4, 64)).astype(np.int64)
    am = np.ones_like(ids)
    am[1, 40:] = 0
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    ref = sess.run(["logits"], {"input_ids": ids, "attention_mask": am})[0]
    with torch.no_grad():
        out = model(torch.from_numpy(ids), torch.from_numpy(am)).numpy()
    mask = am.astype(bool)
    diff = np.abs(out - ref)[mask].max()
    agree = (out.argmax(-1) == ref.argmax(-1))[mask].mean()
    print(f"max |logit diff| {diff:.4f}; tag agreement {agree:.4f}")
    assert agree > 0.98, "torch model does not reproduce the ONNX model"
    return model, cfg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--onnx", default="models/ner-minilm/model.onnx")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    model, cfg = torch_from_onnx(args.onnx)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"model": model.state_dict(), "cfg": cfg.to_dict(), "source": os.path.basename(args.onnx)}, args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
