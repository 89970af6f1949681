#!/usr/bin/env python3
"""Read the shared corpora, map labels to the 10 canonical types, split, tokenize,
window and write training/data/{train,dev}.pkl (+ stats.json).

Usage: python training/prepare_data.py [--data /work/shared/data/corpora] [--out training/data]
"""
import argparse
import bisect
import collections
import glob
import hashlib
import json
import os
import pickle
import random
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wordpiece import WordPieceTokenizer, minilm_vocab_path  # noqa: E402

TYPES = ["DISEASE", "DRUG", "GENE", "ANATOMY", "PROCEDURE", "LAB_TEST", "LAB_VALUE", "DOSAGE", "DURATION", "SEVERITY"]
TIDX = {t: i for i, t in enumerate(TYPES)}
O, B, I = 0, 1, 2
MAX_LEN = 128          # incl. [CLS] and [SEP]
MAX_PIECES = MAX_LEN - 2
OVERLAP = 16           # pieces of overlap when a sentence has to be cut

MACCROBAT_MAP = {
    "Disease_disorder": "DISEASE", "Sign_symptom": "DISEASE", "Medication": "DRUG",
    "Biological_structure": "ANATOMY", "Therapeutic_procedure": "PROCEDURE",
    "Diagnostic_procedure": "LAB_TEST", "Lab_value": "LAB_VALUE", "Dosage": "DOSAGE",
    "Frequency": "DOSAGE", "Duration": "DURATION", "Severity": "SEVERITY",
}
MACCROBAT_TYPES = [t for t in TYPES if t != "GENE"]
# MACCROBAT's History and Family_history spans ("history of type 2 diabetes mellitus") often hold a disease, drug or
# procedure that was not annotated as such inside them (290 History spans; "type 2 diabetes mellitus" is a History
# span with no Disease_disorder in some reports and has both in others). Their O tags are no evidence, so the loss
# ignores the unannotated pieces inside them (`unsure` spans); their annotated mentions still count.
# This and CHIA_NOT_CONDITION below apply with --label-fixes only (session 25, run `hist`; the shipped models were
# trained without them, see training/README.md).
LABEL_FIXES = False
MACCROBAT_UNSURE = {"History", "Family_history"}
# CHIA "Temporal" is NOT mapped: its mentions are mostly "previous", "current", "at screening",
# "within the past 6 months" (time anchors, not durations of a drug/symptom), so it is skipped
# and DURATION is treated as not annotated in CHIA.
CHIA_MAP = {"Condition": "DISEASE", "Drug": "DRUG", "Procedure": "PROCEDURE",
            "Measurement": "LAB_TEST", "Value": "LAB_VALUE"}
CHIA_TYPES = ["DISEASE", "DRUG", "PROCEDURE", "LAB_TEST", "LAB_VALUE"]
# CHIA files eligibility words as Conditions that are no disease in a note: "contraindication(s)" (about 190
# times), "contraindicated", "healthy", "childbearing potential". A model that learns them tags "Aspirin is
# contraindicated due to bleeding" with a DISEASE "contraindicated", so they are dropped (their pieces read O).
CHIA_NOT_CONDITION = re.compile(r"^(absolute |relative )?contraindicat\w*$|^healthy$|^childbearing potential$", re.I)


def hash_split(corpus, doc_id):
    """Deterministic split rule shared with the TypeScript evaluator."""
    key = f"{corpus}:{doc_id}"
    h = int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 10
    if h in (0, 1):
        return "test"
    if h == 2:
        return "dev"
    return "train"


def doc(corpus, split, doc_id, text, ents, types, pmid=None):
    return {"corpus": corpus, "split": split, "doc_id": str(doc_id), "text": text,
            "ents": ents, "types": list(types), "pmid": pmid}


def parse_brat_T(ann_text):
    """Yield (label, start, end) for T lines; discontinuous spans -> min start .. max end."""
    for line in ann_text.split("\n"):
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not re.match(r"^T\d+$", parts[0]):
            continue
        m = re.match(r"^(\S+) (.+)$", parts[1])
        if not m:
            continue
        label = m.group(1)
        try:
            frags = [tuple(int(x) for x in fr.split()) for fr in m.group(2).split(";")]
        except ValueError:
            continue
        yield label, min(f[0] for f in frags), max(f[1] for f in frags), len(frags) > 1


# ----------------------------------------------------------------------------- readers
def read_maccrobat(root):
    docs = []
    for txt in sorted(glob.glob(os.path.join(root, "maccrobat/MACCROBAT2020/*.txt"))):
        stem = os.path.basename(txt)[:-4]
        ann = txt[:-4] + ".ann"
        if not os.path.exists(ann):
            continue
        with open(txt, encoding="utf-8", newline="") as f:
            text = f.read()
        with open(ann, encoding="utf-8", newline="") as f:
            a = f.read()
        spans = list(parse_brat_T(a))
        ents = [(MACCROBAT_MAP[l], s, e) for l, s, e, _ in spans if l in MACCROBAT_MAP]
        d = doc("maccrobat", hash_split("maccrobat", stem), stem, text, ents, MACCROBAT_TYPES, pmid=stem)
        if LABEL_FIXES:
            d["unsure"] = [(s, e) for l, s, e, _ in spans if l in MACCROBAT_UNSURE]
        docs.append(d)
    return docs


def read_chia(root):
    docs = []
    for txt in sorted(glob.glob(os.path.join(root, "chia/chia_with_scope/*.txt"))):
        stem = os.path.basename(txt)[:-4]
        trial = stem.split("_")[0]
        ann = txt[:-4] + ".ann"
        with open(txt, encoding="utf-8", newline="") as f:
            text = f.read()
        a = ""
        if os.path.exists(ann):
            with open(ann, encoding="utf-8", newline="") as f:
                a = f.read()
        ents = [(CHIA_MAP[l], s, e) for l, s, e, _ in parse_brat_T(a)
                if l in CHIA_MAP and not (LABEL_FIXES and l == "Condition" and CHIA_NOT_CONDITION.match(text[s:e]))]
        docs.append(doc("chia", hash_split("chia", trial), stem, text, ents, CHIA_TYPES))
    return docs


def read_pubtator(path, corpus, split, typemap, types):
    docs = []
    with open(path, encoding="utf-8") as f:
        blocks = f.read().strip().split("\n\n")
    for blk in blocks:
        lines = [l for l in blk.split("\n") if l.strip()]
        title = abstract = None
        pmid = None
        ents = []
        for l in lines:
            if "|t|" in l[:20] and title is None:
                pmid, _, title = l.split("|", 2)
            elif "|a|" in l[:20] and abstract is None:
                pmid, _, abstract = l.split("|", 2)
            else:
                p = l.split("\t")
                if len(p) >= 5 and p[1].isdigit():
                    t = typemap.get(p[4])
                    if t:
                        ents.append((t, int(p[1]), int(p[2])))
        if pmid is None:
            continue
        text = (title or "") + " " + (abstract or "")
        docs.append(doc(corpus, split, pmid, text, ents, types, pmid=pmid))
    return docs


def read_bc5cdr(root):
    m = {"Chemical": "DRUG", "Disease": "DISEASE"}
    d = []
    for split, fn in (("train", "CDR_TrainingSet"), ("dev", "CDR_DevelopmentSet"), ("test", "CDR_TestSet")):
        d += read_pubtator(os.path.join(root, f"bc5cdr/{fn}.PubTator.txt"), "bc5cdr", split, m, ["DRUG", "DISEASE"])
    return d


def read_ncbi(root):
    m = {k: "DISEASE" for k in ("SpecificDisease", "DiseaseClass", "Modifier", "CompositeMention")}
    d = []
    for split, fn in (("train", "NCBItrainset"), ("dev", "NCBIdevelopset"), ("test", "NCBItestset")):
        d += read_pubtator(os.path.join(root, f"ncbi-disease/{fn}_corpus.txt"), "ncbi", split, m, ["DISEASE"])
    return d


def read_biored(root):
    m = {"ChemicalEntity": "DRUG", "DiseaseOrPhenotypicFeature": "DISEASE", "GeneOrGeneProduct": "GENE"}
    d = []
    for split, fn in (("train", "Train"), ("dev", "Dev")):
        d += read_pubtator(os.path.join(root, f"biored/{fn}.PubTator"), "biored", split, m, ["DRUG", "DISEASE", "GENE"])
    return d


def read_iob(path, corpus, split, typ, group=8):
    """CoNLL token<TAB>tag; sentences joined with ' ' tokens, groups of `group` consecutive
    sentences joined by '\n' into one pseudo-document (no document ids in the source)."""
    sents = []
    cur = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(cur)
                    cur = []
                continue
            tok, tag = line.split("\t")[:2]
            cur.append((tok, tag))
    if cur:
        sents.append(cur)
    docs = []
    for gi in range(0, len(sents), group):
        text_parts, ents, pos = [], [], 0
        for si, sent in enumerate(sents[gi:gi + group]):
            if si:
                text_parts.append("\n")
                pos += 1
            start = None
            last_end = None
            for ti, (tok, tag) in enumerate(sent):
                if ti:
                    text_parts.append(" ")
                    pos += 1
                s, e = pos, pos + len(tok)
                text_parts.append(tok)
                pos = e
                if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                    if start is not None:
                        ents.append((typ, start, last_end))
                    start = s
                elif tag == "O" and start is not None:
                    ents.append((typ, start, last_end))
                    start = None
                last_end = e
            if start is not None:
                ents.append((typ, start, last_end))
        docs.append(doc(corpus, split, f"{split}-{gi // group}", "".join(text_parts), ents, [typ]))
    return docs


def read_bc2gm(root):
    d = []
    for split, fn in (("train", "train"), ("dev", "devel"), ("test", "test")):
        d += read_iob(os.path.join(root, f"gene/BC2GM-IOB/{fn}.tsv"), "bc2gm", split, "GENE")
    return d


def read_brat_dir(path, corpus, split_fn, label_map, types, pmid_fn=None):
    docs = []
    for txt in sorted(glob.glob(os.path.join(path, "*.txt"))):
        stem = os.path.basename(txt)[:-4]
        with open(txt, encoding="utf-8", newline="") as f:
            text = f.read()
        ann = txt[:-4] + ".ann"
        a = open(ann, encoding="utf-8", newline="").read() if os.path.exists(ann) else ""
        ents = [(label_map(l), s, e) for l, s, e, _ in parse_brat_T(a) if label_map(l)]
        docs.append(doc(corpus, split_fn(stem), stem, text, ents, types,
                        pmid=pmid_fn(stem) if pmid_fn else None))
    return docs


def read_jnlpba(root):
    m = {"protein": "GENE", "DNA": "GENE", "RNA": "GENE"}
    # no official dev: carve it out of train with the same hash rule (dev bucket only; the
    # 'test' buckets of the hash are kept for training because JNLPBA has an official test split)
    tr = read_brat_dir(os.path.join(root, "gene/JNLPBA/standoff/train"), "jnlpba",
                       lambda s: "dev" if hash_split("jnlpba", s) == "dev" else "train", m.get, ["GENE"])
    te = read_brat_dir(os.path.join(root, "gene/JNLPBA/standoff/test"), "jnlpba", lambda s: "test", m.get, ["GENE"])
    return tr + te


def read_anatem(root):
    base = os.path.join(root, "anatomy/AnatEM-1.0.2/standoff")
    pm = lambda s: s[5:] if s.startswith("PMID-") else None  # noqa: E731
    d = []
    for split, fn in (("train", "train"), ("dev", "devel"), ("test", "test")):
        d += read_brat_dir(os.path.join(base, fn), "anatem", lambda s, sp=split: sp, lambda l: "ANATOMY", ["ANATOMY"], pm)
    return d


def read_ddi(root):
    docs = []
    dirs = [("train", "DDICorpus/Train/DrugBank"), ("train", "DDICorpus/Train/MedLine"),
            ("test", "DDICorpus/Test/Test for DDI Extraction task/DrugBank"),
            ("test", "DDICorpus/Test/Test for DDI Extraction task/MedLine"),
            ("test", "DDICorpus/Test/Test for DrugNER task/DrugBank"),
            ("test", "DDICorpus/Test/Test for DrugNER task/MedLine")]
    for split, d in dirs:
        for fn in sorted(glob.glob(os.path.join(root, "ddi", d, "*.xml"))):
            tree = ET.parse(fn)
            r = tree.getroot()
            did = r.get("id")
            sp = split
            if split == "train" and hash_split("ddi", did) == "dev":
                sp = "dev"   # no official dev: carve one from train
            parts, ents, pos = [], [], 0
            for s in r.iter("sentence"):
                st = s.get("text") or ""
                if parts:
                    parts.append("\n")
                    pos += 1
                for e in s.iter("entity"):
                    frags = []
                    for fr in e.get("charOffset").split(";"):
                        a, b = fr.split("-")
                        frags.append((int(a), int(b) + 1))   # end-inclusive -> exclusive
                    ents.append(("DRUG", pos + min(f[0] for f in frags), pos + max(f[1] for f in frags)))
                parts.append(st)
                pos += len(st)
            docs.append(doc("ddi", sp, did, "".join(parts), ents, ["DRUG"]))
    return docs


def read_chemprot(root):
    m = {"CHEMICAL": "DRUG", "GENE-Y": "GENE", "GENE-N": "GENE"}
    docs = []
    for split, d, suf in (("train", "chemprot_training", "chemprot_training_{}.tsv"),
                          ("dev", "chemprot_development", "chemprot_development_{}.tsv"),
                          ("test", "chemprot_test_gs", None)):
        if suf:
            abs_p = os.path.join(root, "chemprot", d, suf.format("abstracts"))
            ent_p = os.path.join(root, "chemprot", d, suf.format("entities"))
        else:
            abs_p = os.path.join(root, "chemprot", d, "chemprot_test_abstracts_gs.tsv")
            ent_p = os.path.join(root, "chemprot", d, "chemprot_test_entities_gs.tsv")
        ents = collections.defaultdict(list)
        with open(ent_p, encoding="utf-8") as f:
            for l in f:
                p = l.rstrip("\n").split("\t")
                if len(p) >= 5 and p[2] in m:
                    ents[p[0]].append((m[p[2]], int(p[3]), int(p[4])))
        with open(abs_p, encoding="utf-8") as f:
            for l in f:
                p = l.rstrip("\n").split("\t")
                if len(p) < 3:
                    continue
                text = p[1] + "\t" + p[2]
                docs.append(doc("chemprot", split, p[0], text, ents.get(p[0], []), ["DRUG", "GENE"], pmid=p[0]))
    return docs


def read_ade(root):
    """Positive sentences only (ADE-NEG sentences have unannotated drugs, so they are skipped).
    Mentions located by string search in the sentence (all occurrences, word-bounded)."""
    sents = collections.OrderedDict()
    for fn, kind in (("DRUG-AE.rel", "AE"), ("DRUG-DOSE.rel", "DOSE")):
        with open(os.path.join(root, "ade", fn), encoding="utf-8") as f:
            for l in f:
                p = l.rstrip("\n").split("|")
                if len(p) < 8:
                    continue
                pmid, sent, arg2, drug = p[0], p[1], p[2], p[5]
                key = (pmid, sent)
                ent = sents.setdefault(key, {"mentions": set(), "dose": False})
                ent["mentions"].add(("DRUG", drug))
                ent["mentions"].add(("DISEASE" if kind == "AE" else "DOSAGE", arg2))
                if kind == "DOSE":
                    ent["dose"] = True
    docs = []
    for (pmid, sent), v in sents.items():
        ents = []
        for t, m in v["mentions"]:
            for mo in re.finditer(re.escape(m), sent):
                s, e = mo.start(), mo.end()
                if (s > 0 and sent[s - 1].isalnum() and m[0].isalnum()) or \
                   (e < len(sent) and sent[e].isalnum() and m[-1].isalnum()):
                    continue
                ents.append((t, s, e))
        types = ["DRUG", "DISEASE"] + (["DOSAGE"] if v["dose"] else [])
        docs.append(doc("ade", hash_split("ade", pmid), pmid, sent, ents, types, pmid=pmid))
    return docs


READERS = [read_maccrobat, read_chia, read_bc5cdr, read_ncbi, read_biored, read_bc2gm,
           read_jnlpba, read_anatem, read_ddi, read_chemprot, read_ade]


# ----------------------------------------------------------------------------- windows
SENT_END = {".", "?", "!", ";"}


def doc_windows(d, tok):
    text = d["text"]
    toks, ids, offs = tok.tokenize(text)
    n = len(ids)
    if n == 0:
        return []
    starts = [o[0] for o in offs]
    labels = [[O] * len(TYPES) for _ in range(n)]
    # per type, non-overlapping entities (earliest start, then longest)
    by_type = collections.defaultdict(list)
    gold = sorted(set((t, s, e) for t, s, e in d["ents"] if e > s))
    for t, s, e in gold:
        by_type[t].append((s, e))
    for t, lst in by_type.items():
        ti = TIDX[t]
        lst.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        last_end = -1
        for s, e in lst:
            if s < last_end:
                continue
            # pieces overlapping [s, e)
            j = bisect.bisect_left(starts, s)
            if j > 0 and offs[j - 1][1] > s:
                j -= 1
            first = True
            k = j
            hit = False
            while k < n and offs[k][0] < e:
                if offs[k][1] > s:
                    labels[k][ti] = B if first else I
                    first = False
                    hit = True
                k += 1
            if hit:
                last_end = e
    inside = [any(l == I for l in lab) for lab in labels]
    # pieces inside an unsure span: their O tags are ignored by the loss (train.py `collate`)
    unsure = [False] * n
    for s, e in d.get("unsure", []):
        for k in range(bisect.bisect_left(starts, s), n):
            if offs[k][0] >= e:
                break
            unsure[k] = True

    def good_boundary(j):  # may a window start at piece j?
        if inside[j]:
            return False
        if toks[j - 1] in SENT_END:
            return True
        return "\n" in text[offs[j - 1][1]:offs[j][0]]

    windows = []
    start = 0
    while start < n:
        if n - start <= MAX_PIECES:
            end = n
            nxt = n
        else:
            limit = start + MAX_PIECES
            end = None
            for j in range(limit, start + 32, -1):
                if good_boundary(j):
                    end = j
                    break
            if end is not None:
                nxt = end
            else:
                for j in range(limit, start + 64, -1):
                    if not toks[j].startswith("##") and not inside[j]:
                        end = j
                        break
                if end is None:
                    end = limit
                nxt = end - OVERLAP
                while nxt > start + 1 and toks[nxt].startswith("##"):
                    nxt -= 1
        cs, ce = offs[start][0], offs[end - 1][1]
        wg = [(TIDX[t], s, e) for t, s, e in gold if s >= cs and e <= ce]
        windows.append({
            "corpus": d["corpus"], "doc_id": d["doc_id"],
            "ids": [tok.cls_id] + ids[start:end] + [tok.sep_id],
            "offsets": [(0, 0)] + offs[start:end] + [(0, 0)],
            "labels": [[0] * len(TYPES)] + labels[start:end] + [[0] * len(TYPES)],
            "types": [TIDX[t] for t in d["types"]],
            "gold": wg,
            "unsure": [1 + k - start for k in range(start, end) if unsure[k]],
        })
        start = nxt
    return windows


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--data", default="/work/shared/data/corpora")
    ap.add_argument("--out", default=os.path.join(here, "data"))
    ap.add_argument("--vocab", default=None)
    ap.add_argument("--label-fixes", action="store_true", help="MACCROBAT history spans as unsure, CHIA's non-disease "
                    "Conditions dropped (see LABEL_FIXES)")
    args = ap.parse_args()
    global LABEL_FIXES
    LABEL_FIXES = args.label_fixes
    tok = WordPieceTokenizer(args.vocab or minilm_vocab_path())
    os.makedirs(args.out, exist_ok=True)

    docs = []
    for r in READERS:
        ds = r(args.data)
        print(f"{r.__name__}: {len(ds)} docs, {sum(len(d['ents']) for d in ds)} mapped mentions", flush=True)
        docs += ds

    # sanity: offsets inside text
    bad = 0
    for d in docs:
        for t, s, e in d["ents"]:
            if not (0 <= s < e <= len(d["text"])):
                bad += 1
    print("entities with bad offsets:", bad)

    # ---- overlap removal: PMIDs of every test split (official or hash rule)
    test_pmids = set()
    for d in docs:
        if d["split"] == "test" and d["pmid"]:
            test_pmids.add(d["pmid"])
    removed = collections.Counter()
    kept = []
    for d in docs:
        if d["split"] in ("train", "dev") and d["pmid"] and d["pmid"] in test_pmids:
            removed[(d["corpus"], d["split"])] += 1
            continue
        kept.append(d)
    print("removed train/dev docs whose PMID is in some test split:", dict(removed))
    docs = kept

    out = {"train": [], "dev": []}
    stats = {"docs": collections.Counter(), "windows": collections.Counter(), "mentions": collections.Counter(),
             "removed_overlap": {f"{c}/{s}": n for (c, s), n in removed.items()}}
    for d in docs:
        if d["split"] not in out:
            continue
        ws = doc_windows(d, tok)
        out[d["split"]] += ws
        key = f"{d['corpus']}/{d['split']}"
        stats["docs"][key] += 1
        stats["windows"][key] += len(ws)
        for t, s, e in d["ents"]:
            stats["mentions"][f"{key}/{t}"] += 1
    for sp, ws in out.items():
        with open(os.path.join(args.out, f"{sp}.pkl"), "wb") as f:
            pickle.dump(ws, f, protocol=4)
        print(sp, len(ws), "windows")
    stats = {k: dict(sorted(v.items())) if isinstance(v, collections.Counter) else v for k, v in stats.items()}
    with open(os.path.join(args.out, "stats.json"), "w") as f:
        json.dump(stats, f, indent=1)
    print(json.dumps(stats["windows"], indent=1))


if __name__ == "__main__":
    main()
