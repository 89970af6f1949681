"""Keeps the lower layers of a trained checkpoint (embeddings, layers 0..n-1, the tagging head) as the
starting point of a smaller, faster student: `train.py --layers n --init <out>`.

  python training/truncate_checkpoint.py --ckpt training/runs/cont4/best.pt --layers 4 --out training/runs/l4/init.pt
"""
import argparse
import os

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ck = torch.load(a.ckpt, weights_only=False)
    model = {k: v for k, v in ck["model"].items() if not k.startswith("layers.") or int(k.split(".")[1]) < a.layers}
    cfg = dict(ck.get("cfg", {}), layers=a.layers)
    os.makedirs(os.path.dirname(a.out) or ".", exist_ok=True)
    torch.save({"model": model, "cfg": cfg, "from": a.ckpt}, a.out)
    print(f"{a.out}: {a.layers} layers from {a.ckpt}")


if __name__ == "__main__":
    main()
