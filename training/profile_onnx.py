"""Share of onnxruntime kernel time per operator type for an NER model (what the README's "Speed" section quotes).

  python training/profile_onnx.py [--model models/ner-minilm-l4/model.onnx] [--windows 6] [--threads 2]
"""
import argparse, collections, json, os, tempfile

import numpy as np
import onnxruntime as ort


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="models/ner-minilm-l4/model.onnx")
    ap.add_argument("--windows", type=int, default=6, help="batch: windows of 128 pieces (a 630-piece note is 6)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=30)
    a = ap.parse_args()
    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    so.enable_profiling = True
    so.add_session_config_entry("session.x64quantprecision", "1")  # as the runtime (src/core/ort-session.ts)
    so.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "ort")
    s = ort.InferenceSession(a.model, so, providers=["CPUExecutionProvider"])
    ids = np.random.RandomState(0).randint(1000, 30000, (a.windows, 128)).astype(np.int64)
    for _ in range(a.runs):
        s.run(["logits"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})
    by_op = collections.Counter()
    for e in json.load(open(s.end_profiling())):
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            by_op[e["args"]["op_name"]] += e["dur"]
    total = sum(by_op.values())
    for op, us in by_op.most_common():
        print(f"{op:28s} {100 * us / total:5.1f} %")


if __name__ == "__main__":
    main()
