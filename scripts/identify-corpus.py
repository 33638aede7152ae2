#!/usr/bin/env python3
"""Builds the identify() test corpus: positional tables computed with torch / numpy operations in
the order each model's own code uses them (written for posenc, not copied from the models).

usage: /usr/bin/python3 scripts/identify-corpus.py OUTDIR
then:  node scripts/identify-fixtures.mjs OUTDIR   (compacts them into test/fixtures/identify/)

Each table is written as OUTDIR/<name>.f32 (raw little-endian float32, row-major) with
OUTDIR/<name>.json: its shape, its sha256, what identify() must find, and a per-column model
(frequency, sin/cos, axis) that only the fixture encoder uses to store the table compactly as
small differences from a prediction.
"""
import hashlib, json, math, os, sys
import numpy as np
import torch

OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
F32 = torch.float32


def save(name, table, expect, model):
    a = np.ascontiguousarray(np.asarray(table, dtype=np.float32))
    assert a.ndim == 2
    raw = a.astype('<f4').tobytes()
    meta = {'name': name, 'rows': a.shape[0], 'cols': a.shape[1], 'sha256': hashlib.sha256(raw).hexdigest(),
            'expect': expect, 'model': model}
    open(os.path.join(OUT, name + '.f32'), 'wb').write(raw)
    json.dump(meta, open(os.path.join(OUT, name + '.json'), 'w'), indent=1)
    print(name, a.shape)


def model1d(freqs, layout, dim, start=0, pad_rows=(), f32=True, odd='none'):
    """columns: [axis, freq index, 's'|'c'|'z']; axis 0 = row index + start."""
    n = len(freqs)
    cols = []
    if layout == 'halves':
        sin_n = n
        cos_n = dim - sin_n if odd != 'zero' else n
        cols = [[0, i, 's'] for i in range(sin_n)] + [[0, i, 'c'] for i in range(cos_n)]
    else:
        for i in range(n):
            cols.append([0, i, 's'])
            if len(cols) < dim:
                cols.append([0, i, 'c'])
    while len(cols) < dim:
        cols.append([0, 0, 'z'])
    return {'freqs': [float(f) for f in freqs], 'cols': cols[:dim], 'start': start, 'padRows': list(pad_rows),
            'clsRows': 0, 'gridWidth': 0, 'f32': f32}


# ---- Whisper: sinusoids(length, channels, max_timescale=10000) (openai/whisper model.py)
def whisper(length, channels, max_timescale=10000):
    inc = np.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-inc * torch.arange(channels // 2))
    scaled = torch.arange(length)[:, np.newaxis] * inv[np.newaxis, :]
    return torch.cat([torch.sin(scaled), torch.cos(scaled)], dim=1), inv

t, inv = whisper(1500, 384)
save('whisper-1500x384', t, {'kind': 'sinusoidal', 'float32': True, 'recovered': True, 'layout': 'halves',
                             'nearest': {'preset': 'whisper'}}, model1d(inv.numpy(), 'halves', 384))

# ---- fairseq: SinusoidalPositionalEmbedding.get_embedding(num_embeddings, embedding_dim, padding_idx)
def fairseq(num, dim, pad):
    half = dim // 2
    e = math.log(10000) / (half - 1)
    e = torch.exp(torch.arange(half, dtype=torch.float) * -e)
    freqs = e
    e = torch.arange(num, dtype=torch.float).unsqueeze(1) * e.unsqueeze(0)
    e = torch.cat([torch.sin(e), torch.cos(e)], dim=1).view(num, -1)
    if dim % 2 == 1:
        e = torch.cat([e, torch.zeros(num, 1)], dim=1)
    if pad is not None:
        e[pad, :] = 0
    return e, freqs

t, fr = fairseq(1026, 512, 1)
save('fairseq-1026x512', t, {'kind': 'sinusoidal', 'float32': True, 'recovered': True, 'layout': 'halves', 'paddingIdx': 1,
                             'offset': -2, 'nearest': {'preset': 'fairseq'}}, model1d(fr.numpy(), 'halves', 512, pad_rows=[1]))
t, fr = fairseq(200, 15, 1)
save('fairseq-200x15', t, {'kind': 'sinusoidal', 'layout': 'halves', 'paddingIdx': 1, 'offset': -2, 'odd': 'zero',
                           'nearest': {'preset': 'fairseq'}}, model1d(fr.numpy(), 'halves', 15, pad_rows=[1], odd='zero'))

# ---- HF Marian: MarianSinusoidalPositionalEmbedding._init_weight (numpy float64, stored float32)
def marian(n_pos, dim):
    pe = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.empty(n_pos, dim)
    sentinel = dim // 2 if dim % 2 == 0 else (dim // 2) + 1
    out[:, 0:sentinel] = torch.FloatTensor(np.sin(pe[:, 0::2]))
    out[:, sentinel:] = torch.FloatTensor(np.cos(pe[:, 1::2]))
    return out, np.array([1 / np.power(10000, 2 * i / dim) for i in range((dim + 1) // 2)])

t, fr = marian(512, 512)
save('marian-512x512', t, {'kind': 'sinusoidal', 'float32': False, 'options': {'preset': 'marian'}},
     model1d(fr, 'halves', 512, f32=False))
t, fr = marian(64, 9)
save('marian-64x9', t, {'kind': 'sinusoidal', 'float32': False, 'options': {'preset': 'marian'}},
     model1d(fr, 'halves', 9, f32=False))

# ---- HF DistilBERT: create_sinusoidal_embeddings(n_pos, dim, out)
def distilbert(n_pos, dim):
    pe = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.empty(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(pe[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(pe[:, 1::2]))
    return out, np.array([1 / np.power(10000, 2 * i / dim) for i in range((dim + 1) // 2)])

t, fr = distilbert(512, 768)
save('distilbert-512x768', t, {'kind': 'sinusoidal', 'float32': False, 'options': {'preset': 'vaswani'}},
     model1d(fr, 'interleaved', 768, f32=False))

# ---- PyTorch examples word_language_model PositionalEncoding(d_model, max_len=5000)
def tutorial(d_model, max_len=5000):
    position = torch.arange(max_len).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, 1, d_model)
    pe[:, 0, 0::2] = torch.sin(position * div_term)
    pe[:, 0, 1::2] = torch.cos(position * div_term)
    return pe[:, 0, :], div_term

t, fr = tutorial(512)
save('tutorial-5000x512', t, {'kind': 'sinusoidal', 'float32': True, 'recovered': True, 'layout': 'interleaved',
                              'nearest': {'preset': 'vaswani'}}, model1d(fr.numpy(), 'interleaved', 512))


# ---- 2-D tables. Model columns: axis 1 = column index (n % W), axis 2 = row index (n // W).
def model2d(freqs, blocks, K, dim, W, cls, f32):
    cols = []
    for axis, fn in blocks:
        cols += [[axis, k, fn] for k in range(K)]
    while len(cols) < dim:
        cols.append([0, 0, 'z'])
    return {'freqs': [float(f) for f in freqs], 'cols': cols, 'start': 0, 'padRows': [], 'clsRows': 1 if cls else 0,
            'gridWidth': W, 'f32': f32}

# MAE util/pos_embed.py get_2d_sincos_pos_embed (numpy float64)
def mae_1d(embed_dim, pos):
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.
    omega = 1. / 10000 ** omega
    pos = pos.reshape(-1)
    out = np.einsum('m,d->md', pos, omega)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1), omega

def mae(embed_dim, grid_size, cls_token):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    emb_h, omega = mae_1d(embed_dim // 2, grid[0])
    emb_w, _ = mae_1d(embed_dim // 2, grid[1])
    pe = np.concatenate([emb_h, emb_w], axis=1)
    if cls_token:
        pe = np.concatenate([np.zeros([1, embed_dim]), pe], axis=0)
    return torch.from_numpy(pe).float(), omega

t, om = mae(768, 14, True)
save('mae-197x768', t, {'kind': 'sincos2d', 'float32': False, 'options': {'preset': 'mae', 'clsToken': True}, 'grid': [14, 14]},
     model2d(om, [(1, 's'), (1, 'c'), (2, 's'), (2, 'c')], 192, 768, 14, True, False))

# big_vision posemb_sincos_2d (jax float32; the same float32 operations in torch)
def bigvision(h, w, width, temperature=10000.):
    y, x = torch.meshgrid(torch.arange(h), torch.arange(w), indexing='ij')
    omega = torch.arange(width // 4) / (width // 4 - 1)
    omega = 1. / (temperature ** omega)
    y = torch.einsum('m,d->md', y.flatten().float(), omega)
    x = torch.einsum('m,d->md', x.flatten().float(), omega)
    return torch.cat([torch.sin(x), torch.cos(x), torch.sin(y), torch.cos(y)], dim=1), omega

t, om = bigvision(16, 16, 768)
save('bigvision-256x768', t, {'kind': 'sincos2d', 'options': {'preset': 'bigvision'}, 'grid': [16, 16]},
     model2d(om.numpy(), [(1, 's'), (1, 'c'), (2, 's'), (2, 'c')], 192, 768, 16, False, True))

# timm layers/pos_embed_sincos.py build_sincos2d_pos_embed (float32), non-square grid
def timm(feat_shape, dim, temperature=10000.):
    pos_dim = dim // 4
    bands = 1. / (temperature ** (torch.arange(0, pos_dim, 1, dtype=torch.int64).to(torch.float32) / pos_dim))
    grid = torch.stack(torch.meshgrid([torch.arange(s, dtype=torch.int64).to(torch.float32) for s in feat_shape], indexing='ij')).flatten(1).transpose(0, 1)
    pos2 = grid.unsqueeze(-1) * bands.unsqueeze(0)
    return torch.stack([torch.sin(pos2), torch.cos(pos2)], dim=1).flatten(1), bands

t, om = timm([12, 16], 256)
save('timm-12x16x256', t, {'kind': 'sincos2d', 'float32': True, 'options': {'preset': 'timm'}, 'grid': [12, 16], 'needsGrid': True},
     model2d(om.numpy(), [(2, 's'), (1, 's'), (2, 'c'), (1, 'c')], 64, 256, 16, False, True))

# MoCo v3 vits.py build_2d_sincos_position_embedding (float32, cls row)
def mocov3(h, w, embed_dim, temperature=10000.):
    grid_w = torch.arange(w, dtype=torch.float32)
    grid_h = torch.arange(h, dtype=torch.float32)
    grid_w, grid_h = torch.meshgrid(grid_w, grid_h, indexing='ij')
    pos_dim = embed_dim // 4
    omega = torch.arange(pos_dim, dtype=torch.float32) / pos_dim
    omega = 1. / (temperature ** omega)
    out_w = torch.einsum('m,d->md', [grid_w.flatten(), omega])
    out_h = torch.einsum('m,d->md', [grid_h.flatten(), omega])
    pe = torch.cat([torch.sin(out_w), torch.cos(out_w), torch.sin(out_h), torch.cos(out_h)], dim=1)
    return torch.cat([torch.zeros([1, embed_dim]), pe], dim=0), omega

t, om = mocov3(14, 14, 384)
save('mocov3-197x384', t, {'kind': 'sincos2d', 'float32': True, 'options': {'preset': 'mocov3', 'clsToken': True}, 'grid': [14, 14]},
     model2d(om.numpy(), [(2, 's'), (2, 'c'), (1, 's'), (1, 'c')], 96, 384, 14, True, True))


# ---- HF rotary caches (LlamaRotaryEmbedding and its rope_init_fn's, float32)
def inv_freq_default(base, dim):
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(dtype=torch.float) / dim))

def inv_freq_llama3(base, dim, factor, low, high, old):
    inv_freq = inv_freq_default(base, dim)
    low_wavelen = old / low
    high_wavelen = old / high
    wavelen = 2 * math.pi / inv_freq
    inv_llama = torch.where(wavelen > low_wavelen, inv_freq / factor, inv_freq)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_llama / factor + smooth * inv_llama
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, inv_llama)

def hf_cos_sin(inv_freq, seq_len):
    pos = torch.arange(seq_len)[None, :]
    freqs = (inv_freq[None, :, None].float() @ pos[:, None, :].float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos()[0], emb.sin()[0]

def rope_model(inv, layout, which, width):
    n = len(inv)
    if layout == 'halves':
        cols = [[0, i % n, which] for i in range(width)]
    else:
        cols = [[0, i // 2, which] for i in range(width)]
    return {'freqs': [float(f) for f in inv], 'cols': cols, 'start': 0, 'padRows': [], 'clsRows': 0, 'gridWidth': 0, 'f32': True}

inv = inv_freq_default(10000., 128)
c, s = hf_cos_sin(inv, 2048)
save('rope-1e4-cos-2048x128', c, {'kind': 'rope-cos', 'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 'c', 128))
save('rope-1e4-sin-2048x128', s, {'kind': 'rope-sin', 'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 's', 128))

inv = inv_freq_llama3(500000., 128, 8., 1., 4., 8192)
c, _ = hf_cos_sin(inv, 4096)
save('rope-llama3-cos-4096x128', c, {'kind': 'rope-cos', 'options': {'base': 500000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0,
     'scaling': {'type': 'llama3', 'factor': 8, 'lowFreqFactor': 1, 'highFreqFactor': 4, 'originalMaxPositionEmbeddings': 8192}}},
     rope_model(inv.numpy(), 'halves', 'c', 128))

inv = inv_freq_default(500000., 128)
c, _ = hf_cos_sin(inv, 1024)
save('rope-5e5-cos-1024x128', c, {'kind': 'rope-cos', 'options': {'base': 500000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 'c', 128))

# linear scaling x4 (HF _compute_linear_scaling_rope_parameters: inv_freq / factor)
inv = inv_freq_default(10000., 64) / 4.0
c, _ = hf_cos_sin(inv, 2048)
save('rope-linear4-cos-2048x64', c, {'kind': 'rope-cos', 'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 64, 'offset': 0,
     'scaling': {'type': 'linear', 'factor': 4}}}, rope_model(inv.numpy(), 'halves', 'c', 64))

# GPT-J style: sin/cos of outer(t, inv_freq), then repeat_interleave(2) (the interleaved layout)
inv = inv_freq_default(10000., 64)
freqs = torch.einsum('i,j->ij', torch.arange(1024, dtype=torch.float), inv)
save('rope-interleaved-cos-1024x64', torch.repeat_interleave(torch.cos(freqs), 2, dim=1),
     {'kind': 'rope-cos', 'options': {'base': 10000, 'layout': 'interleaved', 'rotaryDim': 64, 'offset': 0}},
     rope_model(inv.numpy(), 'interleaved', 'c', 64))
# flash-attn / Meta style half cache: cos(outer(t, inv_freq)) [rows, rotaryDim/2]
save('rope-half-cos-1024x32', torch.cos(freqs), {'kind': 'rope-cos', 'options': {'base': 10000, 'rotaryDim': 64, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 'c', 32))
