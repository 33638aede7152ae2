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


# ---- Whisper sinusoids(): a numpy float64 log increment times an int64 arange, exp in float32;
# int64 positions times the float32 frequencies; [sin | cos].
def whisper(rows, width, max_ts=10000):
    half = width // 2
    step = np.log(max_ts) / (half - 1)
    freqs = torch.exp(-step * torch.arange(half))
    angles = torch.arange(rows).unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat((angles.sin(), angles.cos()), 1), freqs

t, inv = whisper(1500, 384)
save('whisper-1500x384', t, {'kind': 'sinusoidal', 'float32': True, 'recovered': True, 'layout': 'halves',
                             'nearest': {'preset': 'whisper'}}, model1d(inv.numpy(), 'halves', 384))

# ---- fairseq SinusoidalPositionalEmbedding.get_embedding: a Python-float increment, float32
# arange times its negation, exp; float32 positions times the frequencies; [sin | cos], a zero
# column for odd widths, the padding row zeroed.
def fairseq(rows, width, pad):
    half = width // 2
    step = math.log(10000) / (half - 1)
    freqs = (torch.arange(half, dtype=F32) * -step).exp()
    angles = torch.arange(rows, dtype=F32)[:, None] * freqs[None, :]
    table = torch.cat((angles.sin(), angles.cos()), 1).reshape(rows, -1)
    if width % 2:
        table = torch.cat((table, torch.zeros(rows, 1)), 1)
    if pad is not None:
        table[pad] = 0
    return table, freqs

t, fr = fairseq(1026, 512, 1)
save('fairseq-1026x512', t, {'kind': 'sinusoidal', 'float32': True, 'recovered': True, 'layout': 'halves', 'paddingIdx': 1,
                             'offset': -2, 'nearest': {'preset': 'fairseq'}}, model1d(fr.numpy(), 'halves', 512, pad_rows=[1]))
t, fr = fairseq(200, 15, 1)
save('fairseq-200x15', t, {'kind': 'sinusoidal', 'layout': 'halves', 'paddingIdx': 1, 'offset': -2, 'odd': 'zero',
                           'nearest': {'preset': 'fairseq'}}, model1d(fr.numpy(), 'halves', 15, pad_rows=[1], odd='zero'))

def angle_grid(rows, width):
    """HF's float64 angles: position / np.power(10000, 2·(j // 2)/width), one scalar power per column."""
    grid = np.empty((rows, width))
    for j in range(width):
        denom = np.power(10000, 2 * (j // 2) / width)
        for p in range(rows):
            grid[p, j] = p / denom
    return grid


def paper_freqs(width):
    return np.array([1 / np.power(10000, 2 * i / width) for i in range((width + 1) // 2)])


# ---- HF Marian _init_weight: float64 angles, sin of the even columns in the first ⌈d/2⌉, cos of
# the odd ones after them, stored as float32.
def marian(rows, width):
    grid = angle_grid(rows, width)
    split = (width + 1) // 2
    table = torch.empty(rows, width)
    table[:, :split] = torch.FloatTensor(np.sin(grid[:, 0::2]))
    table[:, split:] = torch.FloatTensor(np.cos(grid[:, 1::2]))
    return table, paper_freqs(width)

t, fr = marian(512, 512)
save('marian-512x512', t, {'kind': 'sinusoidal', 'float32': False, 'options': {'preset': 'marian'}},
     model1d(fr, 'halves', 512, f32=False))
t, fr = marian(64, 9)
save('marian-64x9', t, {'kind': 'sinusoidal', 'float32': False, 'options': {'preset': 'marian'}},
     model1d(fr, 'halves', 9, f32=False))

# ---- HF DistilBERT create_sinusoidal_embeddings: the same float64 angles, interleaved.
def distilbert(rows, width):
    grid = angle_grid(rows, width)
    table = torch.empty(rows, width)
    table[:, 0::2] = torch.FloatTensor(np.sin(grid[:, 0::2]))
    table[:, 1::2] = torch.FloatTensor(np.cos(grid[:, 1::2]))
    return table, paper_freqs(width)

t, fr = distilbert(512, 768)
save('distilbert-512x768', t, {'kind': 'sinusoidal', 'float32': False, 'options': {'preset': 'vaswani'}},
     model1d(fr, 'interleaved', 768, f32=False))

# ---- PyTorch examples PositionalEncoding: int64 arange(0, d, 2) times a Python float, exp in
# float32; int64 positions times those; sin into even columns, cos into odd ones.
def tutorial(width, rows=5000):
    freqs = (torch.arange(0, width, 2) * (-math.log(10000.0) / width)).exp()
    angles = torch.arange(rows)[:, None] * freqs
    table = torch.zeros(rows, width)
    table[:, 0::2] = angles.sin()
    table[:, 1::2] = angles.cos()
    return table, freqs

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

# MAE get_2d_sincos_pos_embed (numpy float64): per axis ω_k = 1/10000**(k/(D/4)) (arange, in-place
# division, power), float32 grid coordinates, einsum outer product, [sin | cos]; the first half
# takes meshgrid(w, h)[0], i.e. the column index; a zero cls row in front; stored as float32.
def mae_axis(width, coords):
    k = np.arange(width // 2, dtype=np.float64)
    k /= width / 2.
    freqs = 1. / 10000 ** k
    ang = np.einsum('m,d->md', coords.reshape(-1), freqs)
    return np.concatenate([np.sin(ang), np.cos(ang)], axis=1), freqs

def mae(width, side, cls):
    axis = np.arange(side, dtype=np.float32)
    cols, rws = np.meshgrid(axis, axis)
    first, freqs = mae_axis(width // 2, cols)
    second, _ = mae_axis(width // 2, rws)
    table = np.concatenate([first, second], axis=1)
    if cls:
        table = np.concatenate([np.zeros([1, width]), table], axis=0)
    return torch.from_numpy(table).float(), freqs

t, om = mae(768, 14, True)
save('mae-197x768', t, {'kind': 'sincos2d', 'float32': False, 'options': {'preset': 'mae', 'clsToken': True}, 'grid': [14, 14]},
     model2d(om, [(1, 's'), (1, 'c'), (2, 's'), (2, 'c')], 192, 768, 14, True, False))

# big_vision posemb_sincos_2d (jax, float32; the same float32 operations in torch): ω_k =
# 1/T**(k/(K−1)), row and column indices of mgrid, outer products, [sin x | cos x | sin y | cos y].
def bigvision(h, w, width, temp=10000.):
    K = width // 4
    freqs = 1. / (temp ** (torch.arange(K) / (K - 1)))
    rr, cc = torch.meshgrid(torch.arange(h), torch.arange(w), indexing='ij')
    ay = rr.reshape(-1).float()[:, None] * freqs[None, :]
    ax = cc.reshape(-1).float()[:, None] * freqs[None, :]
    return torch.cat((ax.sin(), ax.cos(), ay.sin(), ay.cos()), 1), freqs

t, om = bigvision(16, 16, 768)
save('bigvision-256x768', t, {'kind': 'sincos2d', 'options': {'preset': 'bigvision'}, 'grid': [16, 16]},
     model2d(om.numpy(), [(1, 's'), (1, 'c'), (2, 's'), (2, 'c')], 192, 768, 16, False, True))

# timm build_sincos2d_pos_embed (float32; default interleave_sin_cos=False), non-square grid:
# bands 1/T**(k/K), (row, col) of an 'ij' grid times the bands, stacked [sin | cos] over both axes.
def timm(shape, width, temp=10000.):
    K = width // 4
    bands = 1. / (temp ** (torch.arange(K, dtype=torch.int64).float() / K))
    coords = [torch.arange(n, dtype=torch.int64).float() for n in shape]
    pts = torch.stack(torch.meshgrid(coords, indexing='ij')).reshape(2, -1).t()
    ang = pts[:, :, None] * bands[None, :]
    return torch.stack((ang.sin(), ang.cos()), 1).reshape(pts.shape[0], -1), bands

t, om = timm([12, 16], 256)
save('timm-12x16x256', t, {'kind': 'sincos2d', 'float32': True, 'options': {'preset': 'timm'}, 'grid': [12, 16], 'needsGrid': True},
     model2d(om.numpy(), [(2, 's'), (1, 's'), (2, 'c'), (1, 'c')], 64, 256, 16, False, True))

# MoCo v3 build_2d_sincos_position_embedding (float32): meshgrid(w, h) with 'ij' indexing, so
# its first axis (the "w" one) varies slowest: for a square grid that is the row index of
# row-major tokens; ω_k = 1/T**(k/K); [sin a | cos a | sin b | cos b]; a zero cls row in front.
def mocov3(h, w, width, temp=10000.):
    a, b = torch.meshgrid(torch.arange(w, dtype=F32), torch.arange(h, dtype=F32), indexing='ij')
    K = width // 4
    freqs = 1. / (temp ** (torch.arange(K, dtype=F32) / K))
    aa = a.reshape(-1)[:, None] * freqs[None, :]
    bb = b.reshape(-1)[:, None] * freqs[None, :]
    table = torch.cat((aa.sin(), aa.cos(), bb.sin(), bb.cos()), 1)
    return torch.cat((torch.zeros(1, width), table), 0), freqs

t, om = mocov3(14, 14, 384)
save('mocov3-197x384', t, {'kind': 'sincos2d', 'float32': True, 'options': {'preset': 'mocov3', 'clsToken': True}, 'grid': [14, 14]},
     model2d(om.numpy(), [(2, 's'), (2, 'c'), (1, 's'), (1, 'c')], 96, 384, 14, True, True))


# ---- HF rotary caches (LlamaRotaryEmbedding and its rope_init_fn's, float32)
# Default: 1/base**(int64 arange(0, d, 2) → float32 / d). Llama 3: wavelengths 2π/ω beyond
# old/low divided by the factor, below old/high kept, between them the blend
# (1 − s)·ω'/factor + s·ω' with s = (old/wavelength − low)/(high − low), in that operation order.
def rope_freqs(base, width):
    return 1.0 / (base ** (torch.arange(0, width, 2, dtype=torch.int64).float() / width))

def rope_freqs_llama3(base, width, factor, low, high, old):
    w = rope_freqs(base, width)
    lam = 2 * math.pi / w
    scaled = torch.where(lam > old / low, w / factor, w)
    s = (old / lam - low) / (high - low)
    blend = (1 - s) * scaled / factor + s * scaled
    between = ~(lam < old / high) * ~(lam > old / low)
    return torch.where(between, blend, scaled)

# HF forward: a float32 matmul of [1, d/2, 1] frequencies with [1, 1, L] positions, transposed,
# duplicated ([f | f]), then cos and sin.
def hf_cos_sin(w, rows):
    ang = (w[None, :, None].float() @ torch.arange(rows)[None, None, :].float()).transpose(1, 2)
    both = torch.cat((ang, ang), -1)
    return both.cos()[0], both.sin()[0]

def rope_model(inv, layout, which, width):
    n = len(inv)
    if layout == 'halves':
        cols = [[0, i % n, which] for i in range(width)]
    else:
        cols = [[0, i // 2, which] for i in range(width)]
    return {'freqs': [float(f) for f in inv], 'cols': cols, 'start': 0, 'padRows': [], 'clsRows': 0, 'gridWidth': 0, 'f32': True}

inv = rope_freqs(10000., 128)
c, s = hf_cos_sin(inv, 2048)
save('rope-1e4-cos-2048x128', c, {'kind': 'rope-cos', 'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 'c', 128))
save('rope-1e4-sin-2048x128', s, {'kind': 'rope-sin', 'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 's', 128))

inv = rope_freqs_llama3(500000., 128, 8., 1., 4., 8192)
c, _ = hf_cos_sin(inv, 4096)
save('rope-llama3-cos-4096x128', c, {'kind': 'rope-cos', 'options': {'base': 500000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0,
     'scaling': {'type': 'llama3', 'factor': 8, 'lowFreqFactor': 1, 'highFreqFactor': 4, 'originalMaxPositionEmbeddings': 8192}}},
     rope_model(inv.numpy(), 'halves', 'c', 128))

inv = rope_freqs(500000., 128)
c, _ = hf_cos_sin(inv, 1024)
save('rope-5e5-cos-1024x128', c, {'kind': 'rope-cos', 'options': {'base': 500000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 'c', 128))

# linear scaling x4 (HF _compute_linear_scaling_rope_parameters: inv_freq / factor)
inv = rope_freqs(10000., 64) / 4.0
c, _ = hf_cos_sin(inv, 2048)
save('rope-linear4-cos-2048x64', c, {'kind': 'rope-cos', 'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 64, 'offset': 0,
     'scaling': {'type': 'linear', 'factor': 4}}}, rope_model(inv.numpy(), 'halves', 'c', 64))

# GPT-J style: sin/cos of outer(t, inv_freq), then repeat_interleave(2) (the interleaved layout)
inv = rope_freqs(10000., 64)
freqs = torch.einsum('i,j->ij', torch.arange(1024, dtype=torch.float), inv)
save('rope-interleaved-cos-1024x64', torch.repeat_interleave(torch.cos(freqs), 2, dim=1),
     {'kind': 'rope-cos', 'options': {'base': 10000, 'layout': 'interleaved', 'rotaryDim': 64, 'offset': 0}},
     rope_model(inv.numpy(), 'interleaved', 'c', 64))
# flash-attn / Meta style half cache: cos(outer(t, inv_freq)) [rows, rotaryDim/2]
save('rope-half-cos-1024x32', torch.cos(freqs), {'kind': 'rope-cos', 'options': {'base': 10000, 'rotaryDim': 64, 'offset': 0}},
     rope_model(inv.numpy(), 'halves', 'c', 32))
