"""Float32 reference tables for `npm run parity`, computed with torch in the order the model code
computes them (written for posenc from the published formulas; no model code is imported).

Usage: /usr/bin/python3 scripts/parity/torch_refs.py OUT_DIR
Writes OUT_DIR/manifest.json and one little-endian float32 file per array it names.
"""
import json
import math
import os
import sys

import numpy as np

try:
    import torch
except ImportError as e:  # pragma: no cover
    sys.stderr.write(
        "parity: torch is not importable (%s).\n"
        "Install Debian's build: apt-get install -y python3-torch (it runs on /usr/bin/python3).\n" % e
    )
    sys.exit(2)

torch.set_num_threads(1)
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
manifest = {"torch": torch.__version__, "cases": []}


def save(name, t):
    a = t.detach().to(torch.float32).contiguous().numpy().astype("<f4")
    a.tofile(os.path.join(OUT, name + ".f32"))
    return {"file": name + ".f32", "shape": list(a.shape)}


def whisper(length, channels, max_timescale=10000):
    # Whisper's sinusoids(): a numpy float64 increment, torch.exp on a float32 tensor.
    increment = np.log(max_timescale) / (channels // 2 - 1)
    inv_timescales = torch.exp(-increment * torch.arange(channels // 2))
    scaled_time = torch.arange(length)[:, np.newaxis] * inv_timescales[np.newaxis, :]
    return inv_timescales, torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)


def fairseq(num_embeddings, embedding_dim, padding_idx):
    # fairseq SinusoidalPositionalEmbedding.get_embedding: float32 arange, exp, outer product.
    half_dim = embedding_dim // 2
    step = math.log(10000) / (half_dim - 1)
    freqs = torch.exp(torch.arange(half_dim, dtype=torch.float) * -step)
    emb = torch.arange(num_embeddings, dtype=torch.float).unsqueeze(1) * freqs.unsqueeze(0)
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1).view(num_embeddings, -1)
    if embedding_dim % 2 == 1:
        emb = torch.cat([emb, torch.zeros(num_embeddings, 1)], dim=1)
    if padding_idx is not None:
        emb[padding_idx, :] = 0
    return freqs, emb


def examples(d_model, max_len=5000):
    # pytorch/examples word_language_model PositionalEncoding: exp of a float32 arange times a
    # Python float, position a float32 column.
    pe = torch.zeros(max_len, d_model)
    position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return div_term, pe


def table_case(name, family, preset, freqs, table, **extra):
    c = {"name": name, "family": family, "kind": "table", "preset": preset,
         "rows": table.shape[0], "dim": table.shape[1], "freqs": [float(v) for v in freqs.tolist()]}
    c.update(extra)
    c["table"] = save(name, table)
    manifest["cases"].append(c)


for ch in (384, 1280):
    w, t = whisper(1500, ch)
    table_case("whisper-%d" % ch, "Whisper sinusoids(1500, %d)" % ch, "whisper", w, t)
for d in (512, 511):
    w, t = fairseq(1026, d, 1)
    table_case("fairseq-%d" % d, "fairseq get_embedding(1026, %d, 1)" % d, "fairseq", w, t)
w, t = examples(512)
table_case("examples-512", "PyTorch examples PositionalEncoding (5000 × 512)", "vaswani", w, t)

# fairseq's fused path: embed_scale · x + weights.index_select(make_positions(tokens)), float32,
# over left-padded tokens (fairseq's default left_pad_source) of a 1024-token batch.
dim, pad, B, L = 512, 1, 2, 1024
gen = torch.Generator().manual_seed(9)
tokens = torch.randint(4, 1000, (B, L), generator=gen)
tokens[0, :37] = pad
tokens[1, :3] = pad
mask = tokens.ne(pad).int()
positions = (torch.cumsum(mask, dim=1).type_as(mask) * mask).long() + pad
freqs, weights = fairseq(L + pad + 1, dim, pad)
x = torch.rand((B, L, dim), generator=gen) * 2 - 1
embed_scale = math.sqrt(dim)
out = embed_scale * x + weights.index_select(0, positions.view(-1)).view(B, L, -1).detach()
manifest["cases"].append({
    "name": "fairseq-add", "family": "fairseq fused add, padded tokens [2, 1024, 512]", "kind": "add",
    "preset": "fairseq", "shape": [B, L, dim], "paddingIdx": pad, "scale": embed_scale,
    "freqs": [float(v) for v in freqs.tolist()], "tokens": tokens.view(-1).tolist(),
    "x": save("fairseq-add-x", x), "out": save("fairseq-add-out", out),
})

# Hugging Face rotary (Llama-style): angles by a float32 matmul of inv_freq and the positions,
# cos/sin times attention_scaling, then q·cos + rotate_half(q)·sin, all float32.
head_dim, base, heads = 128, 10000.0, 4
position_ids = torch.arange(4032, 4096).unsqueeze(0)
q = torch.rand((1, heads, position_ids.shape[1], head_dim), generator=gen) * 2 - 1


def hf_default_inv_freq(b, dim):
    return 1.0 / (b ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))


def rope_case(name, family, inv_freq, rope_base, scaling, attention_scaling=1.0):
    inv_freq_expanded = inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
    position_ids_expanded = position_ids[:, None, :].float()
    angles = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
    emb = torch.cat((angles, angles), dim=-1)
    cos = (emb.cos() * attention_scaling).unsqueeze(1)
    sin = (emb.sin() * attention_scaling).unsqueeze(1)
    q_half = torch.cat((-q[..., head_dim // 2:], q[..., : head_dim // 2]), dim=-1)
    q_embed = (q * cos) + (q_half * sin)
    manifest["cases"].append({
        "name": name, "family": family, "kind": "rope",
        "shape": [1, heads, position_ids.shape[1], head_dim], "positions": position_ids.view(-1).tolist(),
        "base": rope_base, "scaling": scaling, "attentionFactor": attention_scaling, "freqs": [float(v) for v in inv_freq.tolist()],
        "x": save(name + "-q", q), "out": save(name + "-out", q_embed),
    })


# dynamic NTK: inv_freq recomputed for seq_len = max(position) + 1, a tensor, so the new base is
# a float32 tensor.
factor, max_pos = 2.0, 2048
seq_len = torch.max(position_ids) + 1
nbase = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (head_dim / (head_dim - 2)) if seq_len > max_pos else base
rope_case("hf-dynamic", "HF dynamic NTK rotary (factor 2, max 2048, positions 4032–4095)",
          hf_default_inv_freq(nbase, head_dim), base, {"type": "dynamic", "factor": factor, "maxPositionEmbeddings": max_pos})
rope_case("hf-default", "HF default rotary (base 10⁴, positions 4032–4095)", hf_default_inv_freq(base, head_dim), base, None)

# Llama 3.1 scaling (base 5·10⁵, factor 8, low 1, high 4, original 8192): by wavelength.
inv_freq = hf_default_inv_freq(500000.0, head_dim)
f8, low_ff, high_ff, old_len = 8.0, 1.0, 4.0, 8192
low_wl, high_wl = old_len / low_ff, old_len / high_ff
wavelen = 2 * math.pi / inv_freq
inv_llama = torch.where(wavelen > low_wl, inv_freq / f8, inv_freq)
smooth = (old_len / wavelen - low_ff) / (high_ff - low_ff)
smoothed = (1 - smooth) * inv_llama / f8 + smooth * inv_llama
medium = ~(wavelen < high_wl) * ~(wavelen > low_wl)
inv_llama = torch.where(medium, smoothed, inv_llama)
rope_case("hf-llama3", "HF llama3 rotary (Llama 3.1 scaling, positions 4032–4095)", inv_llama, 500000.0,
          {"type": "llama3", "factor": f8, "lowFreqFactor": low_ff, "highFreqFactor": high_ff, "originalMaxPositionEmbeddings": old_len})

with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f)
