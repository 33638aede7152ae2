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


# ---- rotary caches with HF's attention_scaling, YaRN, LongRoPE and dynamic NTK (issue #16):
# HF modeling_rope_utils' rope_init_fn's in their float32 tensor order, then the forward's
# float32 matmul, cat, cos/sin and `* attention_scaling` (a Python float, rounded to float32).
def hf_cos_sin_scaled(w, rows, attention_scaling, start=0):
    ang = (w[None, :, None].float() @ torch.arange(start, start + rows)[None, None, :].float()).transpose(1, 2)
    both = torch.cat((ang, ang), -1)
    return both.cos()[0] * attention_scaling, both.sin()[0] * attention_scaling

def yarn_get_mscale(scale, mscale=1):
    return 1.0 if scale <= 1 else 0.1 * mscale * math.log(scale) + 1.0

# _compute_yarn_parameters: extrapolated 1/base**(2i/d) below the correction range, interpolated
# (÷ factor) above it, a linear ramp in i between; attention factor 0.1·ln(factor) + 1, or
# get_mscale(factor, mscale) / get_mscale(factor, mscale_all_dim) when both are given.
def rope_freqs_yarn(base, dim, factor, omp, beta_fast=32, beta_slow=1, truncate=True, mscale=None, mscale_all_dim=None):
    if mscale and mscale_all_dim:
        attention_factor = float(yarn_get_mscale(factor, mscale) / yarn_get_mscale(factor, mscale_all_dim))
    else:
        attention_factor = yarn_get_mscale(factor)
    def corr(rot):
        return (dim * math.log(omp / (rot * 2 * math.pi))) / (2 * math.log(base))
    low, high = corr(beta_fast), corr(beta_slow)
    if truncate:
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    pos_freqs = base ** (torch.arange(0, dim, 2).float() / dim)
    extrapolation = 1.0 / pos_freqs
    interpolation = 1.0 / (factor * pos_freqs)
    ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
    extrapolation_factor = 1 - ramp
    inv = interpolation * (1 - extrapolation_factor) + extrapolation * extrapolation_factor
    return inv, attention_factor

def rope_model_amp(inv, which, width, amp):
    m = rope_model(inv.numpy(), 'halves', which, width)
    m['amp'] = float(amp)
    return m

# expect: 'family' and 'scaling' (the closed form identify names in result.family, subset),
# 'options' (subset of the result's options), 'recoveredRope' where the result carries the
# cache's own frequencies because torch's float32 pow puts some inv_freq an ulp off the
# correctly rounded closed form (checked below), 'amplitude' the attention factor.
def pow_ulp_off(base, dim):
    t = base ** (torch.arange(0, dim, 2).float() / dim)
    x = (torch.arange(0, dim, 2).float() / dim).numpy().astype(np.float64)
    return bool((t.numpy() != np.float32(np.float64(np.float32(base)) ** x)).any())

# DeepSeek-V3 (qk_rope_head_dim 64, rope_theta 10000; factor 40, original 4096, mscale =
# mscale_all_dim = 1: attention factor 1)
inv, af = rope_freqs_yarn(10000, 64, 40, 4096, mscale=1.0, mscale_all_dim=1.0)
assert af == 1.0 and not pow_ulp_off(10000, 64)
c, _ = hf_cos_sin_scaled(inv, 2048, af)
sc = {'type': 'yarn', 'factor': 40, 'originalMaxPositionEmbeddings': 4096, 'attentionFactor': 1}
save('yarn-deepseekv3-cos-2048x64', c, {'kind': 'rope-cos', 'family': 'yarn', 'amplitude': af, 'scaling': sc,
     'options': {'base': 10000, 'layout': 'halves', 'rotaryDim': 64, 'offset': 0, 'scaling': sc}}, rope_model_amp(inv, 'c', 64, af))

# gpt-oss (head_dim 64, rope_theta 150000; factor 32, original 4096, truncate false): attention
# factor 0.1·ln 32 + 1; torch's pow puts inv_freq 6 and 10 an ulp off
inv, af = rope_freqs_yarn(150000, 64, 32, 4096, truncate=False)
assert pow_ulp_off(150000, 64)
c, _ = hf_cos_sin_scaled(inv, 2048, af)
save('yarn-gptoss-cos-2048x64', c, {'kind': 'rope-cos', 'family': 'yarn', 'amplitude': af, 'recoveredRope': True,
     'scaling': {'type': 'yarn', 'factor': 32, 'originalMaxPositionEmbeddings': 4096, 'truncate': False},
     'options': {'layout': 'halves', 'rotaryDim': 64, 'offset': 0}}, rope_model_amp(inv, 'c', 64, af))

# Qwen2.5-style YaRN (rope_theta 10⁶, head_dim 128; factor 4, original 32768): the sin cache
# (torch's pow is off at inv_freq 37 only, too low a frequency to show in 1024 rows)
inv, af = rope_freqs_yarn(1000000, 128, 4, 32768)
_, s = hf_cos_sin_scaled(inv, 1024, af)
sc = {'type': 'yarn', 'factor': 4, 'originalMaxPositionEmbeddings': 32768}
save('yarn-qwen-sin-1024x128', s, {'kind': 'rope-sin', 'family': 'yarn', 'amplitude': af, 'scaling': sc,
     'options': {'base': 1000000, 'layout': 'halves', 'rotaryDim': 128, 'offset': 0, 'scaling': sc}}, rope_model_amp(inv, 's', 128, af))

# _compute_longrope_parameters (Phi-3.5-mini-instruct's config: head_dim 3072/32 = 96, rope_theta
# 10000, original 4096, max 131072 so factor 32): 1/(ext · base**(2i/d)) with the short factors up
# to the original context, the long ones beyond it; attention factor sqrt(1 + ln 32 / ln 4096).
PHI35 = {
    'long_factor': [1.0800000429153442, 1.1100000143051147, 1.1399999856948853, 1.340000033378601, 1.5899999141693115, 1.600000023841858, 1.6200000047683716, 2.620000123977661, 3.2300000190734863, 3.2300000190734863, 4.789999961853027, 7.400000095367432, 7.700000286102295, 9.09000015258789, 12.199999809265137, 17.670000076293945, 24.46000099182129, 28.57000160217285, 30.420001983642578, 30.840002059936523, 32.590003967285156, 32.93000411987305, 42.320003509521484, 44.96000289916992, 50.340003967285156, 50.45000457763672, 57.55000305175781, 57.93000411987305, 58.21000289916992, 60.1400032043457, 62.61000442504883, 62.62000274658203, 62.71000289916992, 63.1400032043457, 63.1400032043457, 63.77000427246094, 63.93000411987305, 63.96000289916992, 63.970001220703125, 64.02999877929688, 64.06999969482422, 64.08000183105469, 64.12000274658203, 64.41000366210938, 64.4800033569336, 64.51000213623047, 64.52999877929688, 64.83999633789062],
    'short_factor': [1.0, 1.0199999809265137, 1.0299999713897705, 1.0299999713897705, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0499999523162842, 1.0699999332427979, 1.0999999046325684, 1.1099998950958252, 1.1599998474121094, 1.1599998474121094, 1.1699998378753662, 1.2899998426437378, 1.339999794960022, 1.679999828338623, 1.7899998426437378, 1.8199998140335083, 1.8499997854232788, 1.8799997568130493, 1.9099997282028198, 1.9399996995925903, 1.9899996519088745, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0199997425079346, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0299997329711914, 2.0799996852874756, 2.0899996757507324, 2.189999580383301, 2.2199995517730713, 2.5899994373321533, 2.729999542236328, 2.749999523162842, 2.8399994373321533],
}

def rope_freqs_longrope(base, dim, factors, omp, max_pos):
    factor = max_pos / omp
    attention_factor = 1.0 if factor <= 1.0 else math.sqrt(1 + math.log(factor) / math.log(omp))
    ext = torch.tensor(factors, dtype=torch.float32)
    shape = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    return 1.0 / (ext * base ** shape), attention_factor

for which, rows in (('short', 2048), ('long', 4200)):
    inv, af = rope_freqs_longrope(10000.0, 96, PHI35[which + '_factor'], 4096, 131072)
    c, _ = hf_cos_sin_scaled(inv, rows, af)
    save(f'longrope-phi35-{which}-cos-{rows}x96', c, {'kind': 'rope-cos', 'family': 'longrope', 'amplitude': af, 'recoveredRope': True,
         'scaling': {'type': 'longrope', 'factor': 32, 'originalMaxPositionEmbeddings': 4096},
         'longrope': {'factor': 32, 'originalMaxPositionEmbeddings': 4096, 'list': which, 'factors': PHI35[which + '_factor']},
         'options': {'layout': 'halves', 'rotaryDim': 96, 'offset': 0}}, rope_model_amp(inv, 'c', 96, af))

# _compute_dynamic_ntk_parameters as dynamic_rope_update calls it: seq_len = max(position_ids) + 1
# (an int64 tensor, so the scaled base is a float32 tensor chain), beyond max_position_embeddings.
def rope_freqs_dynamic(base, dim, factor, max_pos, seq_len):
    seq_len = torch.maximum(torch.tensor(seq_len), torch.tensor(max_pos))
    base = base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))

# The first: torch's pow(scaled base, i/d) puts inv_freq 20 and 28 an ulp off.
for base, dim, factor, max_pos, rows, off in ((10000, 128, 2.0, 2048, 3000, True), (500000, 64, 4.0, 4096, 6000, False)):
    inv = rope_freqs_dynamic(base, dim, factor, max_pos, rows)
    c, _ = hf_cos_sin_scaled(inv, rows, 1.0)
    sc = {'type': 'dynamic', 'factor': factor, 'maxPositionEmbeddings': max_pos}
    o = {'layout': 'halves', 'rotaryDim': dim, 'offset': 0}
    if not off:
        o.update({'base': base, 'scaling': sc, 'seqLen': rows})
    save(f'dynamic-{base:g}-f{factor:g}-m{max_pos}-cos-{rows}x{dim}', c, {'kind': 'rope-cos', 'family': 'dynamic', 'amplitude': 1.0, 'scaling': sc,
         'seqLen': rows, 'options': o, **({'recoveredRope': True} if off else {})}, rope_model_amp(inv, 'c', dim, 1.0))


# ---- ALiBi bias rows (issue #16): a [heads, keyLength] table, one row per head, slope_h times the
# key position, as the models' float32 tensors compute it (float32 slopes times integer
# positions). The model stores the slopes; 'start' is the first key position.
def alibi_model(slopes, start):
    return {'alibi': {'slopes': [float(s) for s in slopes], 'start': start}}

# HF BLOOM build_alibi_tensor: slopes = pow(float32 base, int32 powers) (plus the interleaved
# extra slopes of 2·closest for non-power-of-two heads), times ((mask.cumsum − 1)·mask) = 0…K−1.
def bloom_alibi(num_heads, seq_length):
    mask = torch.ones(1, seq_length, dtype=torch.int64)
    closest_power_of_2 = 2 ** math.floor(math.log2(num_heads))
    base = torch.tensor(2 ** (-(2 ** -(math.log2(closest_power_of_2) - 3))), dtype=torch.float32)
    powers = torch.arange(1, 1 + closest_power_of_2, dtype=torch.int32)
    slopes = torch.pow(base, powers)
    if closest_power_of_2 != num_heads:
        extra_base = torch.tensor(2 ** (-(2 ** -(math.log2(2 * closest_power_of_2) - 3))), dtype=torch.float32)
        num_remaining_heads = min(closest_power_of_2, num_heads - closest_power_of_2)
        extra_powers = torch.arange(1, 1 + 2 * num_remaining_heads, 2, dtype=torch.int32)
        slopes = torch.cat([slopes, torch.pow(extra_base, extra_powers)], dim=0)
    arange_tensor = ((mask.cumsum(dim=-1) - 1) * mask)[:, None, :]
    alibi = slopes[..., None] * arange_tensor
    return alibi.reshape(num_heads, seq_length).to(torch.float32), slopes

# HF MPT build_mpt_alibi_tensor (alibi_bias_max 8): slopes 1/2^(k·max/H2) for the next power of two
# H2, odd ones first then even ones for non-power-of-two heads, times int32 positions 1−K…0.
def mpt_alibi(num_heads, sequence_length, alibi_bias_max=8):
    alibi = torch.arange(1 - sequence_length, 1, dtype=torch.int32).view(1, 1, 1, sequence_length)
    num_heads_power_of_2 = 2 ** math.ceil(math.log2(num_heads))
    base = torch.arange(1, num_heads_power_of_2 + 1, dtype=torch.int64).float()
    base = base * (alibi_bias_max / num_heads_power_of_2)
    slopes = 1.0 / torch.pow(2, base)
    slopes = slopes.view(1, num_heads_power_of_2, 1, 1)
    if num_heads_power_of_2 != num_heads:
        slopes = torch.concat([slopes[:, 1::2, ...], slopes[:, ::2, ...]], dim=1)[:, :num_heads, ...]
    alibi = alibi * slopes
    return alibi.squeeze(0).reshape(num_heads, sequence_length), slopes.reshape(-1)

for heads, keys in ((16, 512), (12, 300), (40, 256)):
    t, sl = bloom_alibi(heads, keys)
    save(f'alibi-bloom-{heads}x{keys}', t, {'kind': 'alibi', 'options': {'preset': 'bloom', 'offset': 0}},
         alibi_model(sl.numpy(), 0))
for heads, keys in ((32, 512), (12, 300)):
    t, sl = mpt_alibi(heads, keys)
    save(f'alibi-mpt-{heads}x{keys}', t, {'kind': 'alibi', 'options': {'preset': 'mpt', 'offset': 1 - keys}},
         alibi_model(sl.numpy(), 1 - keys))
