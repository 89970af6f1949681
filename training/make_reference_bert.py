#!/usr/bin/env python3
"""Build a BERT-base-size reference tagger (12 layers, hidden 768, 12 heads, FFN 3072,
vocab 30522; RANDOM weights, fixed seed) with the same I/O signature as ner-minilm
(input_ids, attention_mask int64 [batch, seq] -> logits float32 [batch, seq, 10, 3]),
export it to ONNX fp32 and dynamic int8 (same quantization call as export_onnx.py).
Used only by the TypeScript benchmark to measure a speed ratio; its outputs are meaningless.

Usage: python training/make_reference_bert.py [--out-dir bench/.cache] [--seed 13]
Writes: <out-dir>/bert-base-ref.fp32.onnx, <out-dir>/bert-base-ref.int8.onnx, <out-dir>/bert-base-ref.json
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import export, quantize, sha256  # noqa: E402
from model import TAGS, TYPES, BertTagger, Cfg  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default=os.path.join(ROOT, "bench", ".cache"))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--per-channel", action="store_true",
                    help="per-channel int8 (use when ner-minilm shipped the int8_per_channel variant)")
    ap.add_argument("--reduce-range", type=int, default=1,
                    help="7-bit weights, as the default NER model since 2026-12-03 (export_onnx.quantize)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    cfg = Cfg(vocab_size=30522, hidden=768, layers=12, heads=12, ffn=3072, max_pos=512)
    model = BertTagger(cfg)
    with torch.no_grad():  # BERT-style init
        for n, p in model.named_parameters():
            if p.ndim >= 2:
                torch.nn.init.normal_(p, std=0.02)
            elif "ln" in n and n.endswith("weight"):
                torch.nn.init.ones_(p)
            else:
                torch.nn.init.zeros_(p)
    model.eval()
    fp32 = os.path.join(args.out_dir, "bert-base-ref.fp32.onnx")
    int8 = os.path.join(args.out_dir, "bert-base-ref.int8.onnx")
    t0 = time.time()
    export(model, fp32)
    quantize(fp32, int8, per_channel=args.per_channel, reduce_range=bool(args.reduce_range))
    meta = {
        "description": "BERT-base-size reference (random weights, seed %d) for speed comparison only" % args.seed,
        "config": cfg.to_dict(), "types": TYPES, "tags": TAGS,
        "inputs": ["input_ids", "attention_mask"], "output": "logits", "max_length": 128,
        "files": {
            "fp32": {"path": os.path.basename(fp32), "bytes": os.path.getsize(fp32), "sha256": sha256(fp32)},
            "int8": {"path": os.path.basename(int8), "bytes": os.path.getsize(int8), "sha256": sha256(int8)},
        },
        "quantization": "onnxruntime.quantization.quantize_dynamic(weight_type=QInt8, per_channel=%s, reduce_range=%s)"
                        % (args.per_channel, bool(args.reduce_range)),
        "int8_weight_bits": 7 if args.reduce_range else 8,
    }
    with open(os.path.join(args.out_dir, "bert-base-ref.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(f"wrote {fp32} ({os.path.getsize(fp32) / 1e6:.1f} MB) and {int8} ({os.path.getsize(int8) / 1e6:.1f} MB) "
          f"in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
