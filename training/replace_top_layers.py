#!/usr/bin/env python3
"""Put the top encoder layers and the tagging head of a newly exported (int8) NER model into a shipped one,
keeping the shipped embeddings and lower layers byte for byte.

The corpus heads read the shipped model's `hidden2` output and the relation heads its `hidden3`; a model trained
with `train.py --freeze-below N` changes only the layers above N, but exporting and quantizing it again would
move the lower layers' int8 weights a little. Splicing keeps those outputs identical; after writing the new
model the script checks that on random windows (an assertion fails if one moved).

Usage: python training/replace_top_layers.py --base models/ner-minilm-l4/model.onnx \
          --new training/runs/NAME/onnx/model.int8pc.onnx --from-layer 3 --out /tmp/spliced.onnx
"""
import argparse

import numpy as np
import onnx
import onnxruntime as ort

from onnx_to_torch import ROLES, matmul_bases


def run(path, ids, am):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, {"input_ids": ids, "attention_mask": am})))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--from-layer", type=int, required=True, help="0-based index of the first layer to replace")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    base, new = onnx.load(args.base), onnx.load(args.new)
    bb, nb = (matmul_bases(i.name for i in m.graph.initializer) for m in (base, new))
    assert len(bb) == len(nb), f"{len(bb)} vs {len(nb)} MatMul weights"
    layers = (len(bb) - 1) // len(ROLES)
    new_inits = {i.name: i for i in new.graph.initializer}
    # quantized MatMuls of the replaced layers and the head, matched by position; named tensors by prefix
    rename = {}
    for k in range(args.from_layer * len(ROLES), len(bb)):
        for suffix in ("_quantized", "_scale", "_zero_point"):
            rename[bb[k] + suffix] = nb[k] + suffix
    prefixes = tuple(f"layers.{i}." for i in range(args.from_layer, layers)) + ("head.",)
    replaced = 0
    for init in base.graph.initializer:
        src = rename.get(init.name) or (init.name if init.name.startswith(prefixes) else None)
        if src is None:
            continue
        t = new_inits[src]
        assert list(t.dims) == list(init.dims) and t.data_type == init.data_type, f"{init.name}: shapes differ"
        name = init.name
        init.CopyFrom(t)
        init.name = name
        replaced += 1
    onnx.save(base, args.out)
    print(f"replaced {replaced} initializers (layers {args.from_layer}..{layers - 1} and the head)")

    rng = np.random.default_rng(0)
    ids = rng.integers(1000, 30000, size=(4, 96)).astype(np.int64)
    am = np.ones_like(ids)
    am[1, 60:] = 0
    a, b, c = run(args.base, ids, am), run(args.out, ids, am), run(args.new, ids, am)
    for name in a:
        if name.startswith("hidden") and int(name[6:]) <= args.from_layer:
            assert np.array_equal(a[name], b[name]), f"{name} changed"
            print(f"{name}: identical to the base model")
    mask = am.astype(bool)
    print("logits vs the new model: max |diff| %.4f, tag agreement %.4f"
          % (np.abs(b["logits"] - c["logits"])[mask].max(), (b["logits"].argmax(-1) == c["logits"].argmax(-1))[mask].mean()))


if __name__ == "__main__":
    main()
