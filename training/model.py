"""Minimal BERT encoder + per-type O/B/I heads (plain PyTorch, export-friendly).

logits: [batch, seq, n_types, 3]. Only input_ids and attention_mask are inputs;
token_type_ids are implicitly all 0 (segment-0 embedding is added inside the graph).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

TYPES = ["DISEASE", "DRUG", "GENE", "ANATOMY", "PROCEDURE", "LAB_TEST", "LAB_VALUE", "DOSAGE", "DURATION", "SEVERITY"]
TAGS = ["O", "B", "I"]


class Cfg:
    def __init__(self, vocab_size=30522, hidden=384, layers=6, heads=12, ffn=1536, max_pos=512,
                 dropout=0.1, eps=1e-12, n_types=len(TYPES)):
        self.vocab_size, self.hidden, self.layers, self.heads, self.ffn = vocab_size, hidden, layers, heads, ffn
        self.max_pos, self.dropout, self.eps, self.n_types = max_pos, dropout, eps, n_types

    def to_dict(self):
        return dict(self.__dict__)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h, self.nh = c.hidden, c.heads
        self.q = nn.Linear(c.hidden, c.hidden)
        self.k = nn.Linear(c.hidden, c.hidden)
        self.v = nn.Linear(c.hidden, c.hidden)
        self.ao = nn.Linear(c.hidden, c.hidden)
        self.ln1 = nn.LayerNorm(c.hidden, eps=c.eps)
        self.ff1 = nn.Linear(c.hidden, c.ffn)
        self.ff2 = nn.Linear(c.ffn, c.hidden)
        self.ln2 = nn.LayerNorm(c.hidden, eps=c.eps)
        self.drop = nn.Dropout(c.dropout)
        self.p_attn = c.dropout

    def forward(self, x, bias, use_sdpa):
        b, s, _ = x.shape
        hd = self.h // self.nh
        q = self.q(x).view(b, s, self.nh, hd).transpose(1, 2)
        k = self.k(x).view(b, s, self.nh, hd).transpose(1, 2)
        v = self.v(x).view(b, s, self.nh, hd).transpose(1, 2)
        if use_sdpa:
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=bias,
                                               dropout_p=self.p_attn if self.training else 0.0)
        else:
            sc = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + bias
            a = torch.matmul(self.drop(torch.softmax(sc, dim=-1)), v)
        a = a.transpose(1, 2).reshape(b, s, self.h)
        x = self.ln1(x + self.drop(self.ao(a)))
        y = self.ff2(F.gelu(self.ff1(x)))
        return self.ln2(x + self.drop(y))


class BertTagger(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.word = nn.Embedding(c.vocab_size, c.hidden)
        self.pos = nn.Embedding(c.max_pos, c.hidden)
        self.tt = nn.Embedding(2, c.hidden)
        self.ln = nn.LayerNorm(c.hidden, eps=c.eps)
        self.drop = nn.Dropout(c.dropout)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.layers)])
        self.head = nn.Linear(c.hidden, c.n_types * 3)
        self.use_sdpa = True

    def encode(self, input_ids, attention_mask, type_emb):
        """Last hidden states [batch, seq, hidden]; `type_emb` is the token-type embedding to add (broadcast)."""
        s = input_ids.shape[1]
        pos_ids = torch.arange(s, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.pos(pos_ids) + type_emb
        x = self.drop(self.ln(x))
        bias = (1.0 - attention_mask.to(x.dtype))[:, None, None, :] * -10000.0
        for l in self.layers:
            x = l(x, bias, self.use_sdpa)
        return x

    def forward(self, input_ids, attention_mask):
        b, s = input_ids.shape
        return self.head(self.encode(input_ids, attention_mask, self.tt.weight[0])).view(b, s, self.c.n_types, 3)


HF_MAP = {
    "embeddings.word_embeddings.weight": "word.weight",
    "embeddings.position_embeddings.weight": "pos.weight",
    "embeddings.token_type_embeddings.weight": "tt.weight",
    "embeddings.LayerNorm.weight": "ln.weight",
    "embeddings.LayerNorm.bias": "ln.bias",
}
HF_LAYER = {
    "attention.self.query": "q", "attention.self.key": "k", "attention.self.value": "v",
    "attention.output.dense": "ao", "attention.output.LayerNorm": "ln1",
    "intermediate.dense": "ff1", "output.dense": "ff2", "output.LayerNorm": "ln2",
}


def load_hf_bert(model, safetensors_path):
    from safetensors.torch import load_file
    sd = load_file(safetensors_path)
    new = {}
    for k, v in sd.items():
        k2 = k[5:] if k.startswith("bert.") else k
        if k2 in HF_MAP:
            new[HF_MAP[k2]] = v
            continue
        if k2.startswith("encoder.layer."):
            rest = k2[len("encoder.layer."):]
            i, sub = rest.split(".", 1)
            for hk, mk in HF_LAYER.items():
                if sub.startswith(hk + "."):
                    new[f"layers.{i}.{mk}.{sub[len(hk) + 1:]}"] = v
                    break
    missing, unexpected = model.load_state_dict(new, strict=False)
    missing = [m for m in missing if not m.startswith("head.")]
    assert not missing, f"missing weights: {missing}"
    return model
