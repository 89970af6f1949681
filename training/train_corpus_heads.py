#!/usr/bin/env python3
"""Corpus heads of `ner-minilm-l4`: per corpus, the top two encoder layers and the tagging head, trained on that
corpus alone, over the frozen vectors of the layer below (the model's `hidden2` output). scispaCy ships a model per
corpus; here a corpus costs two layers (3.6 MB int8) and `--model ner-minilm-l4:<corpus>` selects it.

The shared head learned one convention from corpora that disagree on what a mention is: BC2GM and JNLPBA mark
genes differently, BC5CDR leaves modifiers out ("acute [liver failure]") where other disease corpora keep them.
A corpus head learns its corpus's convention; the encoder's lower layers, and so the relation heads that read
them, are unchanged.

  python training/train_corpus_heads.py --out training/runs/heads --to models/ner-minilm-l4/heads

Per corpus (reseeded, so a head does not depend on the others): copies of the checkpoint's top `--top` layers and
head, AdamW (lr 5e-5 layers, 5e-4 head, linear decay), 2 epochs over the corpus's training windows, batch 16, the
loss of train.py (only the types the corpus annotates). <out>/report.json holds the dev strict micro F1 of the
shared and the corpus head (Python argmax decoding, as train.py's periodic evaluation); a head is exported
(int8 per channel, `<to>/<corpus>.onnx`, inputs `hidden` [b, s, 384] and `attention_mask`, output `logits`
[b, s, 10, 3]) only if it beats the shared head there, and `<to>/heads.json` lists the graph output each reads
(`hidden<layers - top>`) and the types it serves.
"""
import argparse
import collections
import copy
import json
import os
import pickle
import random
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import TYPES, BertTagger, Cfg  # noqa: E402
from train import add_counts, collate, summarize  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NT = len(TYPES)
# Corpus names of train.pkl -> names of the TypeScript corpus registry (src/corpora), used as head names.
CORPUS_NAMES = {"ncbi": "ncbi-disease"}


class CorpusHead(torch.nn.Module):
    """The top encoder layer(s) + tagging head over the vectors of the layer below them."""

    def __init__(self, layers, head):
        super().__init__()
        self.layers, self.head = torch.nn.ModuleList(layers), head
        self.use_sdpa = True   # off for the export: plain MatMul/Softmax attention in the graph

    def forward(self, hidden, attention_mask):
        b, s, _ = hidden.shape
        bias = (1.0 - attention_mask.to(hidden.dtype))[:, None, None, :] * -10000.0
        for layer in self.layers:
            hidden = layer(hidden, bias, self.use_sdpa)
        return self.head(hidden).view(b, s, NT, 3)


def lower_states(model, windows, top, batch=64):
    """Each window's piece vectors (float16) below the `top` last layers."""
    out = [None] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]["ids"]))
    all_layers = model.layers
    model.layers = all_layers[:-top]
    with torch.no_grad():
        for b in range(0, len(order), batch):
            idx = order[b:b + batch]
            ids, am, _, _ = collate([windows[i] for i in idx])
            h = model.encode(ids, am, model.tt.weight[0])
            for r, i in enumerate(idx):
                out[i] = h[r, :len(windows[i]["ids"])].to(torch.float16)
    model.layers = all_layers
    return out


def padded(states, idx):
    L = max(states[i].shape[0] for i in idx)
    x = torch.zeros(len(idx), L, states[idx[0]].shape[1])
    am = torch.zeros(len(idx), L, dtype=torch.long)
    for r, i in enumerate(idx):
        x[r, :states[i].shape[0]] = states[i].float()
        am[r, :states[i].shape[0]] = 1
    return x, am


def train_head(start, windows, states, epochs, lr, head_lr, seed, batch=16):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    m = copy.deepcopy(start).train()
    opt = torch.optim.AdamW([{"params": m.layers.parameters(), "lr": lr, "weight_decay": 0.01},
                             {"params": m.head.parameters(), "lr": head_lr, "weight_decay": 0.0}])
    for gr in opt.param_groups:
        gr["base"] = gr["lr"]
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]["ids"]))
    batches = [order[b:b + batch] for b in range(0, len(order), batch)]
    total, step = epochs * len(batches), 0
    for _ in range(epochs):
        rng.shuffle(batches)
        for idx in batches:
            for gr in opt.param_groups:
                gr["lr"] = gr["base"] * (1 - step / total)
            _, _, lab, lm = collate([windows[i] for i in idx])
            logits = m(*padded(states, idx))
            ce = F.cross_entropy(logits.reshape(-1, 3), lab.reshape(-1), reduction="none").view(lm.shape)
            loss = (ce * lm).sum() / lm.sum().clamp(min=1)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
            opt.step()
            step += 1
    return m.eval()


def dev_f1(m, windows, states):
    """Strict micro F1 (and per type) with argmax decoding, counted as train.py's periodic evaluation counts."""
    counts = collections.defaultdict(lambda: [0, 0, 0])
    with torch.no_grad():
        for i, w in enumerate(windows):
            add_counts(counts, w, m(*padded(states, [i]))[0].argmax(-1))
    res = summarize(counts)
    return res["micro"], res["by_type"]


def export(m, path):
    from export_onnx import quantize
    fp32 = path[:-5] + ".fp32.onnx"
    m.use_sdpa = False
    x = torch.randn(2, 5, m.layers[0].h)
    am = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    torch.onnx.export(m, (x, am), fp32, input_names=["hidden", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"hidden": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "logits": {0: "batch", 1: "seq"}}, opset_version=17, dynamo=False)
    quantize(fp32, path, per_channel=True)
    os.remove(fp32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "runs", "l4", "best.pt"))
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--out", default=os.path.join(HERE, "runs", "heads"))
    ap.add_argument("--to", default="", help="export the heads that beat the shared one on dev into this folder")
    ap.add_argument("--corpora", default="bc5cdr,ncbi,bc2gm,jnlpba,anatem,ddi,chemprot,biored")
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=5e-4)
    ap.add_argument("--top", type=int, default=2, help="encoder layers a head re-trains (its input: the output of the "
                    "layer below them, `hidden<layers - top>` in the model's graph, export_onnx.py --add-hidden-output)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    os.makedirs(a.out, exist_ok=True)

    model = BertTagger(Cfg(layers=a.layers))
    model.load_state_dict(torch.load(a.ckpt, weights_only=False)["model"])
    model.eval()
    shared = CorpusHead(model.layers[-a.top:], model.head).eval()

    corpora = a.corpora.split(",")
    data = collections.defaultdict(list)
    for split in ("train", "dev"):
        with open(os.path.join(a.data, f"{split}.pkl"), "rb") as f:
            for w in pickle.load(f):
                if w["corpus"] in corpora:
                    data[(w["corpus"], split)].append(w)
    report, index = {"args": vars(a), "corpora": {}}, {}
    if a.to:
        os.makedirs(a.to, exist_ok=True)
    for c in corpora:
        t0 = time.time()
        tr, dv = data[(c, "train")], data[(c, "dev")]
        s_tr, s_dv = lower_states(model, tr, a.top), lower_states(model, dv, a.top)
        m = train_head(shared, tr, s_tr, a.epochs, a.lr, a.head_lr, a.seed)
        r = {"train_windows": len(tr), "dev_windows": len(dv), "shared": dev_f1(shared, dv, s_dv),
             "own": dev_f1(m, dv, s_dv), "seconds": round(time.time() - t0, 1)}
        report["corpora"][c] = r
        print(f"{c}: dev strict micro shared {r['shared'][0]} own {r['own'][0]} {r['own'][1]} ({r['seconds']} s)", flush=True)
        if a.to and r["own"][0] > r["shared"][0]:
            name = CORPUS_NAMES.get(c, c)
            export(m, os.path.join(a.to, f"{name}.onnx"))
            types = sorted({TYPES[t] for w in tr for t in w["types"]}, key=TYPES.index)
            index[name] = {"file": f"{name}.onnx", "input": f"hidden{a.layers - a.top}", "types": types,
                           "python_dev_strict_micro": {"shared": r["shared"][0], "own": r["own"][0]}}
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
    if a.to:
        with open(os.path.join(a.to, "heads.json"), "w") as f:
            json.dump(index, f, indent=1, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
