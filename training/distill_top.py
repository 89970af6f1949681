#!/usr/bin/env python3
"""Distil an ensemble of NER models into the top encoder layer and head of the shipped 4-layer model.

The shipped model's lower layers stay frozen (the relation heads read its `hidden3`, the corpus heads its
`hidden2`), so their output is computed once, by the shipped ONNX file itself, exactly as the runtime computes it,
and cached with the ensemble's soft tags; training then runs only the top layer and the head, about four times
fewer FLOPs per step than the whole encoder.

  label: run the student base (for `hidden3`) and every teacher over the training windows and a dev subset; the
         teacher distribution per piece and type is the normalised geometric mean of the members' O/B/I
         probabilities (their averaged log-probabilities, as `ner-ensemble` decodes).
  train: loss = gold cross-entropy (masked as in train.py: types a corpus does not annotate are no evidence)
         + kd_weight x soft cross-entropy against the teacher on every piece and all ten types. Writes
         runs/NAME/best.pt in train.py's format, so export_onnx.py --run NAME exports it; then
         requantize_7bit.py and replace_top_layers.py --from-layer 3 put the new top layer into the shipped file.

Usage:
  python training/distill_top.py label --out training/runs/kd/cache.npz
  python training/distill_top.py train --name kd --cache training/runs/kd/cache.npz --init l4.pt --time-budget-min 55
  (both with --unlabelled training/data/unlabelled.pkl to add teacher-labelled text without gold)
"""
import argparse
import collections
import json
import os
import pickle
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_onnx import ort_session  # noqa: E402
from model import BertTagger, Cfg  # noqa: E402
from train import add_counts, collate, corpus_probs, dev_subset, log, set_time_lr, start_run, summarize  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOP = 3  # index of the trained layer; layers below it are frozen and their output cached


def load_windows(data, dev_cap, unlabelled=None):
    with open(os.path.join(data, "train.pkl"), "rb") as f:
        train = pickle.load(f)
    if unlabelled:  # windows without gold (prepare_unlabelled.py): only the teacher speaks for them
        with open(unlabelled, "rb") as f:
            train += pickle.load(f)
    with open(os.path.join(data, "dev.pkl"), "rb") as f:
        dev = dev_subset(pickle.load(f), dev_cap)
    return train, dev


def label(args):
    train, dev = load_windows(args.data, args.dev_cap, args.unlabelled)
    base = ort_session(args.student, args.threads)
    teachers = [ort_session(p, args.threads) for p in args.teachers.split(",")]
    out = {}
    for split, ws in (("train", train), ("dev", dev)):
        lens = np.array([len(w["ids"]) for w in ws])
        starts = np.concatenate([[0], np.cumsum(lens)])
        hidden = np.zeros((starts[-1], 384), dtype=np.float16)
        soft = np.zeros((starts[-1], 10, 3), dtype=np.float16)
        order = np.argsort(lens, kind="stable")
        t0 = time.time()
        for bi in range(0, len(order), args.batch_size):
            idx = order[bi:bi + args.batch_size]
            ids, am, _, _ = collate([ws[i] for i in idx])
            feed = {"input_ids": ids.numpy(), "attention_mask": am.numpy()}
            h3 = base.run([f"hidden{TOP}"], feed)[0]
            logp = np.mean([torch.log_softmax(torch.from_numpy(t.run(["logits"], feed)[0]), -1).numpy()
                            for t in teachers], axis=0)
            p = torch.softmax(torch.from_numpy(logp), -1).numpy()
            for r, i in enumerate(idx):
                k = lens[i]
                hidden[starts[i]:starts[i] + k] = h3[r, :k]
                soft[starts[i]:starts[i] + k] = p[r, :k]
            if bi // args.batch_size % 50 == 0:
                print(f"{split} {bi + len(idx)}/{len(ws)} windows, {time.time() - t0:.0f}s", flush=True)
        out[f"{split}_starts"], out[f"{split}_hidden"], out[f"{split}_soft"] = starts, hidden, soft
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    np.savez(args.out, **out, meta=json.dumps({"student": args.student, "teachers": args.teachers,
                                               "dev_cap": args.dev_cap}))
    print("wrote", args.out)


class Top(torch.nn.Module):
    """The trained part: layer TOP and the head, over cached hidden states."""

    def __init__(self, full):
        super().__init__()
        self.layer, self.head, self.n = full.layers[TOP], full.head, full.c.n_types

    def forward(self, x, am):
        bias = (1.0 - am.to(x.dtype))[:, None, None, :] * -10000.0
        b, s, _ = x.shape
        return self.head(self.layer(x, bias, True)).view(b, s, self.n, 3)


def batch_inputs(ws, idx, starts, hidden, soft):
    ids, am, lab, lm = collate(ws)
    n, L = ids.shape
    x = np.zeros((n, L, hidden.shape[1]), dtype=np.float32)
    q = np.zeros((n, L, 10, 3), dtype=np.float32)
    for r, i in enumerate(idx):
        k = starts[i + 1] - starts[i]
        x[r, :k] = hidden[starts[i]:starts[i + 1]]
        q[r, :k] = soft[starts[i]:starts[i + 1]]
    return torch.from_numpy(x), am, lab, lm, torch.from_numpy(q)


def train(args):
    run_dir, fh = start_run(args)
    trainw, dev = load_windows(args.data, args.dev_cap, args.unlabelled)
    cache = np.load(args.cache)
    st, hid, soft = cache["train_starts"], cache["train_hidden"], cache["train_soft"]
    dst, dhid, dsoft = cache["dev_starts"], cache["dev_hidden"], cache["dev_soft"]
    assert len(st) == len(trainw) + 1 and len(dst) == len(dev) + 1, "cache does not match the windows"

    full = BertTagger(Cfg(layers=4))
    full.load_state_dict(torch.load(args.init, weights_only=False)["model"])
    top = Top(full)

    def evaluate(teacher=False):
        top.eval()
        counts = collections.defaultdict(lambda: [0, 0, 0])
        order = sorted(range(len(dev)), key=lambda i: len(dev[i]["ids"]))
        for bi in range(0, len(order), 64):
            idx = order[bi:bi + 64]
            x, am, _, _, q = batch_inputs([dev[i] for i in idx], idx, dst, dhid, dsoft)
            with torch.no_grad():
                tags = (q if teacher else top(x, am)).argmax(-1).numpy()
            for r, i in enumerate(idx):
                add_counts(counts, dev[i], tags[r, :len(dev[i]["ids"])])
        top.train()
        return summarize(counts)

    for name, r in (("teacher", evaluate(True)), ("init", evaluate())):
        log(fh, f"EVAL {name} select {r['select']} micro {r['micro']} " + json.dumps(r["per_corpus"]))

    by_corpus = collections.defaultdict(list)
    for i, w in enumerate(trainw):
        by_corpus[w["corpus"]].append(i)
    corpora, probs = corpus_probs(by_corpus, args.corpus_weights)
    perms = {c: [] for c in corpora}

    def draw(c):
        if not perms[c]:
            perms[c] = list(by_corpus[c])
            random.shuffle(perms[c])
        return perms[c].pop()

    opt = torch.optim.AdamW([
        {"params": list(top.layer.parameters()), "weight_decay": args.weight_decay, "base_lr": args.lr},
        {"params": list(top.head.parameters()), "weight_decay": 0.0, "base_lr": args.head_lr},
    ], lr=args.lr)
    budget, t0, last_eval, best = args.time_budget_min * 60, time.time(), time.time(), -1.0
    step, acc, t_log = 0, [0.0, 0.0, 0], time.time()
    best_path = os.path.join(run_dir, "best.pt")

    def save_if_best(r):
        nonlocal best
        if r["select"] > best:
            best = r["select"]
            torch.save({"model": full.state_dict(), "cfg": full.c.to_dict(), "step": step, "dev": r,
                        "args": vars(args)}, best_path)
            log(fh, f"new best {best} saved")

    top.train()
    while True:
        frac = (time.time() - t0) / budget
        if frac >= 1.0:
            break
        set_time_lr(opt, frac, args.warmup_frac)
        idx = [draw(corpora[c]) for c in np.random.choice(len(corpora), size=args.batch_size, p=probs)]
        x, am, lab, lm, q = batch_inputs([trainw[i] for i in idx], idx, st, hid, soft)
        logits = top(x, am)
        logp = torch.log_softmax(logits, -1)
        ntok = am.sum().clamp(min=1)
        gold = (F.nll_loss(logp.reshape(-1, 3), lab.reshape(-1), reduction="none").view_as(lm) * lm).sum() / ntok
        real = am.clone()
        real[:, 0] = 0
        real[torch.arange(len(idx)), am.sum(1) - 1] = 0  # [CLS] and [SEP] carry no tags
        kd = (-(q * logp).sum(-1).sum(-1) * real).sum() / ntok
        loss = gold + args.kd_weight * kd
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
        opt.step()
        step += 1
        acc = [acc[0] + gold.item(), acc[1] + kd.item(), acc[2] + 1]
        if time.time() - t_log > 60:
            log(fh, f"step {step} gold {acc[0] / acc[2]:.4f} kd {acc[1] / acc[2]:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                    f"elapsed {(time.time() - t0) / 60:.1f}m")
            acc, t_log = [0.0, 0.0, 0], time.time()
        if time.time() - last_eval > args.eval_every_min * 60:
            r = evaluate()
            log(fh, f"EVAL step {step} select {r['select']} micro {r['micro']} " + json.dumps(r["per_corpus"]))
            save_if_best(r)
            last_eval = time.time()
    r = evaluate()
    log(fh, f"FINAL EVAL step {step} select {r['select']} micro {r['micro']} " + json.dumps(r["per_corpus"]))
    save_if_best(r)
    log(fh, "done")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    la = sub.add_parser("label")
    la.add_argument("--student", default=os.path.join(ROOT, "models/ner-minilm-l4/model.onnx"))
    la.add_argument("--teachers", default=",".join(os.path.join(ROOT, f"models/{m}/model.onnx")
                                                   for m in ("ner-minilm-l4", "ner-minilm")))
    la.add_argument("--out", required=True)
    la.add_argument("--batch-size", type=int, default=64)
    tr = sub.add_parser("train")
    tr.add_argument("--name", required=True)
    tr.add_argument("--cache", required=True)
    tr.add_argument("--init", required=True, help="torch checkpoint of the student (onnx_to_torch.py)")
    tr.add_argument("--time-budget-min", type=float, required=True)
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--lr", type=float, default=5e-5)
    tr.add_argument("--head-lr", type=float, default=5e-4)
    tr.add_argument("--weight-decay", type=float, default=0.01)
    tr.add_argument("--warmup-frac", type=float, default=0.05)
    tr.add_argument("--kd-weight", type=float, default=1.0)
    tr.add_argument("--eval-every-min", type=float, default=10.0)
    tr.add_argument("--corpus-weights", default="maccrobat=6,chia=2.5,ade=0.7,ddi=0.8", help="as in train.py")
    tr.add_argument("--seed", type=int, default=13)
    for p in (la, tr):
        p.add_argument("--data", default=os.path.join(HERE, "data"))
        p.add_argument("--dev-cap", type=int, default=80, help="dev windows per corpus for the periodic eval")
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--unlabelled", help="extra windows without gold (prepare_unlabelled.py); give the same file "
                       "to label and train, since the cache is aligned with the windows")
    args = ap.parse_args()
    (label if args.cmd == "label" else train)(args)


if __name__ == "__main__":
    main()
