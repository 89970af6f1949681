"""Write a BertTagger as an ONNX graph of onnxruntime's fused transformer operators (com.microsoft Attention,
SkipLayerNormalization, BiasGelu) instead of torch.onnx's per-head Reshape/Transpose/MatMul/Softmax chain, which
onnxruntime's runtime optimiser does not fuse for this model. Same inputs and outputs as export_onnx.export():
input_ids, attention_mask int64 [batch, seq] -> logits float32 [batch, seq, n_types, 3].

Tried for ner-minilm-l4 on 2026-12-02 and not kept: the graph matches torch (max |diff| 2e-5) but after the same
per-channel int8 quantisation (Attention becomes QAttention) it ran 15 % slower than the shipped model
(6 windows x 128 pieces, 2 threads: 23.6 vs 20.2 ms; fp32 Attention: 32.7 ms); onnxruntime's own optimiser already
fuses the layer norms and GELU of the plain graph, and its QAttention kernel is slower than the separate products.

Usage: python training/fused_onnx.py --ckpt training/runs/l4/best.pt --out /tmp/m.onnx [--compare models/ner-minilm-l4/model.onnx]
(parity against torch on random input; with --compare, also the int8 timing against that model)
"""
import argparse

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

MS = "com.microsoft"


def export_fused(model, path, hidden_outputs=()):
    """`hidden_outputs`: 1-based layers whose outputs become extra graph outputs named hidden<N>."""
    c = model.c
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    inits, nodes = [], []

    def w(name, arr):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        return name

    def node(op, ins, outs, domain="", **attrs):
        nodes.append(helper.make_node(op, ins, outs, name=f"{op}_{len(nodes)}", domain=domain, **attrs))
        return outs[0]

    # embeddings: word + (position + segment-0) -> LayerNorm (segment 0 folded into the position table)
    node("Cast", ["attention_mask"], ["mask32"], to=TensorProto.INT32)
    node("Shape", ["input_ids"], ["ids_shape"])
    node("Gather", ["ids_shape", w_i64(inits, "one", 1)], ["seq_len"], axis=0)
    node("Range", [w_i64(inits, "zero", 0), "seq_len", "one"], ["pos_ids"])
    x = node("Gather", [w("word", sd["word.weight"]), "input_ids"], ["word_emb"])
    p = node("Gather", [w("pos_tt", sd["pos.weight"] + sd["tt.weight"][0]), "pos_ids"], ["pos_emb"])
    node("Add", [x, p], ["emb_sum"])
    x = node("LayerNormalization", ["emb_sum", w("emb_ln_g", sd["ln.weight"]), w("emb_ln_b", sd["ln.bias"])],
             ["emb"], axis=-1, epsilon=c.eps)
    for i in range(c.layers):
        L = f"layers.{i}."
        qkv_w = np.concatenate([sd[L + "q.weight"].T, sd[L + "k.weight"].T, sd[L + "v.weight"].T], axis=1)
        qkv_b = np.concatenate([sd[L + "q.bias"], sd[L + "k.bias"], sd[L + "v.bias"]])
        a = node("Attention", [x, w(f"l{i}_qkv_w", qkv_w), w(f"l{i}_qkv_b", qkv_b), "mask32"], [f"l{i}_attn"],
                 domain=MS, num_heads=c.heads)
        a = node("MatMul", [a, w(f"l{i}_ao_w", sd[L + "ao.weight"].T)], [f"l{i}_ao"])
        x = node("SkipLayerNormalization", [a, x, w(f"l{i}_ln1_g", sd[L + "ln1.weight"]), w(f"l{i}_ln1_b", sd[L + "ln1.bias"]),
                                            w(f"l{i}_ao_b", sd[L + "ao.bias"])], [f"l{i}_x1"], domain=MS, epsilon=c.eps)
        f = node("MatMul", [x, w(f"l{i}_ff1_w", sd[L + "ff1.weight"].T)], [f"l{i}_ff1"])
        f = node("BiasGelu", [f, w(f"l{i}_ff1_b", sd[L + "ff1.bias"])], [f"l{i}_gelu"], domain=MS)
        f = node("MatMul", [f, w(f"l{i}_ff2_w", sd[L + "ff2.weight"].T)], [f"l{i}_ff2"])
        out = f"hidden{i + 1}" if (i + 1) in hidden_outputs else f"l{i}_out"
        x = node("SkipLayerNormalization", [f, x, w(f"l{i}_ln2_g", sd[L + "ln2.weight"]), w(f"l{i}_ln2_b", sd[L + "ln2.bias"]),
                                            w(f"l{i}_ff2_b", sd[L + "ff2.bias"])], [out], domain=MS, epsilon=c.eps)
    h = node("MatMul", [x, w("head_w", sd["head.weight"].T)], ["head_mm"])
    h = node("Add", [h, w("head_b", sd["head.bias"])], ["head_out"])
    node("Concat", ["ids_shape", w_i64(inits, "types_tags", [c.n_types, 3])], ["logits_shape"], axis=0)
    node("Reshape", [h, "logits_shape"], ["logits"])

    seq = ["batch", "seq"]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, seq + [c.n_types, 3])]
    outputs += [helper.make_tensor_value_info(f"hidden{n}", TensorProto.FLOAT, seq + [c.hidden]) for n in hidden_outputs]
    graph = helper.make_graph(
        nodes, "bert_tagger_fused",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, seq),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, seq)],
        outputs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)])
    m.ir_version = 8
    onnx.save(m, path)


def w_i64(inits, name, value):
    if not any(t.name == name for t in inits):
        inits.append(numpy_helper.from_array(np.array(value, dtype=np.int64), name))
    return name


def main():
    import os
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import onnxruntime as ort
    from model import BertTagger, Cfg
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--compare", help="an ONNX NER model to time the int8 fused graph against")
    a = ap.parse_args()
    ck = torch.load(a.ckpt, weights_only=False)
    model = BertTagger(Cfg(**ck["cfg"]))
    model.load_state_dict(ck["model"])
    model.eval()
    model.use_sdpa = False
    export_fused(model, a.out, hidden_outputs=(model.c.layers - 1,))
    rng = np.random.RandomState(0)
    ids = rng.randint(1000, 30000, (3, 40)).astype(np.int64)
    am = np.ones_like(ids)
    am[1, 30:] = 0
    am[2, 5:] = 0
    with torch.no_grad():
        ref = model(torch.from_numpy(ids), torch.from_numpy(am)).numpy()
    got = ort.InferenceSession(a.out, providers=["CPUExecutionProvider"]).run(["logits"], {"input_ids": ids, "attention_mask": am})[0]
    print("max |diff| on real tokens:", float(np.abs(ref - got)[am.astype(bool)].max()))
    if a.compare:
        import time
        from onnxruntime.quantization import QuantType, quantize_dynamic
        q = a.out.replace(".onnx", "") + ".int8pc.onnx"
        quantize_dynamic(a.out, q, weight_type=QuantType.QInt8, per_channel=True, extra_options={"DefaultTensorType": TensorProto.FLOAT})
        feed = {"input_ids": rng.randint(1000, 30000, (6, 128)).astype(np.int64)}
        feed["attention_mask"] = np.ones_like(feed["input_ids"])
        for path in [a.compare, q] * 2:
            so = ort.SessionOptions()
            so.intra_op_num_threads, so.inter_op_num_threads = 2, 1
            so.add_session_config_entry("session.x64quantprecision", "1")  # as the runtime (src/core/ort-session.ts)
            s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            ts = []
            for i in range(45):
                t0 = time.perf_counter()
                s.run(["logits"], feed)
                ts.append(time.perf_counter() - t0)
            print(f"{path}: median {1000 * np.median(ts[5:]):.2f} ms per 6 x 128 pieces")


if __name__ == "__main__":
    main()
