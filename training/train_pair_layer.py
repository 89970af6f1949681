"""Pair layers: relation heads that re-read the sentence around each candidate pair with one transformer layer.

The dense heads of train_relations.py classify a fixed vector per pair, pooled from the NER encoder's 3rd-layer
piece vectors, which were computed without knowing the pair. A pair layer adds a learned vector per piece role
(subject, object, between, outside; src/relations/dense.ts ROLE) to those piece vectors in the pair's window
(pairWindow: the sentence, at most 64 pieces), runs one transformer layer over them — initialised from the NER
encoder's 4th layer, which reads exactly these vectors — and classifies the pooled result (mean of the subject's
pieces, mean of the object's, maximum over the pieces between, subject ⊙ object) with the same MLP as a dense
head. So the encoder's last layer is fine-tuned per pair (as entity markers do), at the cost of one layer over a
short window per pair instead of a whole encoder pass. With --layer 2 --depth 2 --stack (the shipped ddi and chemprot
heads since session 31) the dump is of the 2nd layer's vectors (dump-relation-pairs.ts --hidden-output hidden2) and
the encoder's 3rd and 4th layers are fine-tuned per pair.

Input: scripts/dump-relation-pairs.ts --windows (states.f32, <head>.<part>.win.jsonl, <head>.<part>.jsonl).

  python training/train_pair_layer.py --init training/runs/l4/best.pt --layer 3 --out models/relations-nn
"""
import argparse, json, os, time
import numpy as np
import torch
from torch import nn

from model import Cfg, Layer
from train_relations import HEADS, command_line, export_head, log_epoch, merge_report, report_shipped, write_cal_probs

ROLES = 5  # pad, outside, subject, object, between


class PairLayer(nn.Module):
    def __init__(self, layers, d, k, hidden, dropout):
        super().__init__()
        self.role = nn.Embedding(ROLES, d)
        nn.init.zeros_(self.role.weight)  # starts as the encoder layer on the unmarked vectors
        self.layer = layers[0]
        self.extra = nn.ModuleList(layers[1:])
        self.norm = nn.LayerNorm(4 * d)
        self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * d, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, k))

    def forward(self, states, roles):
        mask = roles > 0
        bias = (~mask).to(states.dtype)[:, None, None, :] * -10000.0
        h = self.layer(states + self.role(roles), bias, False)
        for layer in self.extra:
            h = layer(h, bias, False)

        def mean_of(r):
            m = (roles == r).to(h.dtype).unsqueeze(-1)
            return (h * m).sum(1) / m.sum(1).clamp_min(1.0)

        s, o = mean_of(2), mean_of(3)
        between = (roles == 4).unsqueeze(-1)
        # zeros when the arguments touch, as in the dense pair vector
        btw = torch.where(between, h, torch.full_like(h, -1e4)).amax(1) * between.any(1).to(h.dtype)
        return torch.softmax(self.mlp(self.norm(torch.cat([s, o, btw, s * o], -1))), dim=-1)


def load_part(data, head, part):
    meta = [json.loads(l) for l in open(os.path.join(data, f"{head}.{part}.jsonl"))]
    win = [json.loads(l) for l in open(os.path.join(data, f"{head}.{part}.win.jsonl"))]
    assert len(meta) == len(win), (head, part, len(meta), len(win))
    rows = [np.concatenate([np.arange(a, b) for a, b in w["rows"]]) for w in win]
    roles = [np.frombuffer(w["roles"].encode(), dtype=np.uint8) - 48 for w in win]
    return meta, rows, roles


def batch(states, rows, roles, idx):
    L = max(len(rows[i]) for i in idx)
    d = states.shape[1]
    x = np.zeros((len(idx), L, d), dtype=np.float32)
    r = np.zeros((len(idx), L), dtype=np.int64)
    for j, i in enumerate(idx):
        n = len(rows[i])
        x[j, :n] = states[rows[i]]
        r[j, :n] = roles[i]
    return torch.from_numpy(x), torch.from_numpy(r)


def batches(lengths, size, rng):
    """Shuffled batches of similar lengths (less padding): shuffle, sort within chunks of 50 batches, shuffle batches."""
    perm = rng.permutation(len(lengths))
    out = []
    for c in range(0, len(perm), size * 50):
        chunk = sorted(perm[c:c + size * 50], key=lambda i: lengths[i])
        out += [chunk[b:b + size] for b in range(0, len(chunk), size)]
    rng.shuffle(out)
    return out


def predict(model, states, rows, roles, size=64):
    model.eval()
    order = np.argsort([len(r) for r in rows])
    out = np.zeros((len(rows), model.mlp[-1].out_features), dtype=np.float32)
    with torch.no_grad():
        for b in range(0, len(order), size):
            idx = order[b:b + size]
            out[idx] = model(*batch(states, rows, roles, idx)).numpy()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="training/data/relations")
    ap.add_argument("--init", default="training/runs/l4/best.pt", help="NER checkpoint whose layer starts each pair layer")
    ap.add_argument("--layer", type=int, default=3, help="index of that layer (the one after the dumped hidden output)")
    ap.add_argument("--out", default="")
    # drug_disease's pair layer gained less than the +1.0 cal F1 set beforehand, and location's pairs are most of a
    # clinical note's pairs (a layer per pair would cost too much there): both stay MLP heads (train_relations.py)
    ap.add_argument("--heads", default="ddi,chemprot")
    ap.add_argument("--depth", type=int, default=1, help="transformer layers per pair (the first from --init, the others start as the identity)")
    ap.add_argument("--stack", action="store_true", help="the further layers start as the checkpoint's next layers (--layer + 1, ...), not the identity")
    ap.add_argument("--hidden", type=int, default=256)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4, help="the transformer layer's peak learning rate")
    ap.add_argument("--head-lr", type=float, default=1e-3, help="role vectors, norm and MLP")
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--int8", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(2)
    states = np.fromfile(os.path.join(a.data, "states.f32"), dtype=np.float32)
    ck = torch.load(a.init, map_location="cpu", weights_only=False)
    cfg = Cfg(**{k: v for k, v in ck["cfg"].items() if k in Cfg().__dict__})
    states = states.reshape(-1, cfg.hidden)
    report = {}
    for head in a.heads.split(","):
        classes = HEADS[head]
        torch.manual_seed(a.seed)
        rng = np.random.default_rng(a.seed)
        meta, rows, roles = load_part(a.data, head, "train")
        metac, rowsc, rolesc = load_part(a.data, head, "cal")
        layers = [Layer(cfg) for _ in range(a.depth)]
        for i, layer in enumerate(layers[:a.depth if a.stack else 1]):
            pre = f"layers.{a.layer + i}."
            layer.load_state_dict({k[len(pre):]: v for k, v in ck["model"].items() if k.startswith(pre)})
        for extra in ([] if a.stack else layers[1:]):
            # a further layer starts as (nearly) the identity: no attention or feed-forward output, plain layer norms
            extra.load_state_dict(layers[0].state_dict())
            for lin in (extra.ao, extra.ff2):
                nn.init.zeros_(lin.weight); nn.init.zeros_(lin.bias)
            for ln in (extra.ln1, extra.ln2):
                nn.init.ones_(ln.weight); nn.init.zeros_(ln.bias)
        model = PairLayer(layers, cfg.hidden, len(classes), a.hidden, a.dropout)
        allowed = np.zeros((len(meta), len(classes)), dtype=np.float32)
        for i, m in enumerate(meta):
            allowed[i, m["allowed"]] = 1
        A = torch.from_numpy(allowed)
        lrp = np.array([m["lr"] for m in metac])
        is_layer = lambda n: n.startswith("layer.") or n.startswith("extra.")
        opt = torch.optim.AdamW([{"params": [p for n, p in model.named_parameters() if is_layer(n)], "lr": a.lr},
                                 {"params": [p for n, p in model.named_parameters() if not is_layer(n)], "lr": a.head_lr}],
                                weight_decay=1e-2)
        lengths = [len(r) for r in rows]
        steps = a.epochs * ((len(rows) + a.batch - 1) // a.batch)
        warm = max(1, steps // 20)
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
        t0 = time.time()
        for ep in range(a.epochs):
            model.train()
            for idx in batches(lengths, a.batch, rng):
                p = model(*batch(states, rows, roles, idx))
                loss = -torch.log((p * A[idx]).sum(-1).clamp_min(1e-7)).mean()
                opt.zero_grad(); loss.backward()
                nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step(); sched.step()
            pc = predict(model, states, rowsc, rolesc)
            row = log_epoch(head, ep + 1, pc, lrp, metac, t0)
        report[head] = row
        if a.out:
            model.eval()
            dst = export_head(model, batch(states, rowsc, rolesc, [0, 1]), ["states", "roles"],
                              {"states": {0: "n", 1: "len"}, "roles": {0: "n", 1: "len"}}, a.out, head, a.int8, per_channel=True)
            from export_onnx import ort_session
            sess = ort_session(dst)
            order = np.argsort([len(r) for r in rowsc])
            pq = np.zeros_like(pc)
            for b in range(0, len(order), 64):
                idx = order[b:b + 64]
                x, r = batch(states, rowsc, rolesc, idx)
                pq[idx] = sess.run(None, {"states": x.numpy(), "roles": r.numpy()})[0]
            report_shipped(head, pq, lrp, metac, report)
            pc = pq
        write_cal_probs(a.data, head, pc)
    print(json.dumps(report))
    if a.out:
        # beside train_relations.py's report (the MLP heads of the same folder)
        merge_report(a.out, {"pair_layers": {"command": command_line("train_pair_layer.py", a), "cal_best_threshold_f1": report}})


if __name__ == "__main__":
    main()
