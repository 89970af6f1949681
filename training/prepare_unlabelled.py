#!/usr/bin/env python3
"""Windows of unlabelled text for distillation (distill_top.py --unlabelled): no gold, the teacher's soft tags only.

Two sources from ../shared/data/text:
  - OHSUMED titles and abstracts (MEDLINE 1987-91; no PMIDs in the file, so overlap with the corpora's test
    abstracts cannot be checked by id; the teacher labels them, no gold is read);
  - MTSamples notes (CC0), distinct notes only (`dup_of` null), from a given index on in file order, leaving out
    every note that an evaluation here reads: the first 1,000 distinct notes (bench, relations-on-notes,
    entities-on-notes) and every note id named in test/fixtures (history-sections and relations dev sets).
Windows are cut as prepare_data.py cuts the corpora's, and carry no types, so the gold loss ignores them.

Usage: python training/prepare_unlabelled.py --ohsumed 3000 --mtsamples-from 1000 --out training/data/unlabelled.pkl
"""
import argparse
import collections
import json
import os
import pickle
import re

from prepare_data import doc, doc_windows
from wordpiece import WordPieceTokenizer, minilm_vocab_path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def fixture_note_ids():
    ids = set()
    fx = os.path.join(ROOT, "test", "fixtures")
    for name in os.listdir(fx):
        if name.endswith(".json"):
            with open(os.path.join(fx, name), encoding="utf-8") as f:
                ids.update(re.findall(r"mts-\d+", f.read()))
    return ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--text", default="/work/shared/data/text")
    ap.add_argument("--ohsumed", type=int, default=3000, help="first N abstracts of OHSUMED's training split")
    ap.add_argument("--mtsamples-from", type=int, default=1000, help="first distinct note index used")
    ap.add_argument("--out", default=os.path.join(HERE, "data", "unlabelled.pkl"))
    ap.add_argument("--vocab", default=None)
    args = ap.parse_args()
    tok = WordPieceTokenizer(args.vocab or minilm_vocab_path())
    docs = []
    with open(os.path.join(args.text, "pubmed", "ohsumed-textgcn.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["split"] == "training":
                docs.append(doc("unl-ohsumed", "train", r["id"], r["title"] + "\n" + r["abstract"], [], []))
            if len(docs) >= args.ohsumed:
                break
    skip = fixture_note_ids()
    distinct = 0
    with open(os.path.join(args.text, "mtsamples", "mtsamples.jsonl"), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("dup_of") is not None:
                continue
            distinct += 1
            if distinct <= args.mtsamples_from or r["id"] in skip or not r["text"].strip():
                continue
            docs.append(doc("unl-mtsamples", "train", r["id"], r["text"], [], []))
    windows = [w for d in docs for w in doc_windows(d, tok)]
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "wb") as f:
        pickle.dump(windows, f, protocol=4)
    by = collections.Counter(w["corpus"] for w in windows)
    print(f"{len(docs)} documents ({len(skip)} fixture note ids left out), {len(windows)} windows:", dict(by))


if __name__ == "__main__":
    main()
