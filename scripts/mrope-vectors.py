# Test vectors for multi-axis rotary (test/mrope.test.ts), computed with PyTorch in float32 in the
# order of operations of the reference implementations (written for this test, not copied):
#   Qwen2-VL / Qwen2.5-VL (HF transformers modeling_qwen2_vl.py): Qwen2VLRotaryEmbedding.forward
#     (inv_freq @ position_ids in float32, cat(freqs, freqs), cos·attention_scaling) then
#     apply_multimodal_rotary_pos_emb (mrope_section·2 chunks, i % 3) and q·cos + rotate_half(q)·sin;
#   Qwen3-VL (modeling_qwen3_vl.py): the same angles, then apply_interleaved_mrope before cat;
#   Qwen2-VL vision tower: VisionRotaryEmbedding(head_dim/2) (torch.outer in float32) indexed by
#     rot_pos_emb's (h, w) ids, cat, cos/sin, apply_rotary_pos_emb_vision on [seq, heads, dim];
#   FLUX (diffusers FluxPosEmbed + get_1d_rotary_pos_embed(use_real, repeat_interleave_real),
#     frequencies in float64, then apply_rotary_emb on [batch, seq, heads, dim]).
# Usage: /usr/bin/python3 scripts/mrope-vectors.py > test/vectors/mrope.json
import base64, json, math
import torch

torch.set_grad_enabled(False)


def xdata(n):
    """The test input: fl32(((i·7919) mod 1001 − 500) / 250), reproducible in JS bit for bit."""
    v = [(((i * 7919) % 1001) - 500) / 250 for i in range(n)]
    return torch.tensor(v, dtype=torch.float64).to(torch.float32)


def b64(t):
    return base64.b64encode(t.contiguous().numpy().astype('<f4').tobytes()).decode()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def llm_positions(variant):
    """T/H/W rows of text (3) + image (llm grid 2×3, t = 1) + text (3) + two far generated tokens."""
    t, hh, ww = [], [], []
    for k in range(3):
        t.append(k); hh.append(k); ww.append(k)
    s = 3
    for r in range(2):
        for c in range(3):
            t.append(s); hh.append(s + r + variant); ww.append(s + c)
    m = max(t + hh + ww) + 1
    for k in range(3):
        t.append(m + k); hh.append(m + k); ww.append(m + k)
    for p in (30001 + variant, 123457):
        t.append(p); hh.append(p); ww.append(p)
    return [t, hh, ww]


def hf_default_inv_freq(dim, base, scalar_pow=False):
    e = torch.arange(0, dim, 2, dtype=torch.int64).float() / dim
    if scalar_pow:
        # One element at a time: torch's scalar pow (correctly rounded here), where the vectorized
        # kernel of a whole tensor (Sleef powf, AVX2 builds) may be 1 ulp off for some exponents.
        return torch.cat([1.0 / (base ** e[i:i + 1]) for i in range(dim // 2)])
    return 1.0 / (base ** e)


def hf_yarn_inv_freq(dim, base, factor, orig, beta_fast=32, beta_slow=1, scalar_pow=False):
    def mscale(s):
        return 1.0 if s <= 1 else 0.1 * math.log(s) + 1.0

    def corr_dim(rot):
        return (dim * math.log(orig / (rot * 2 * math.pi))) / (2 * math.log(base))

    low = max(math.floor(corr_dim(beta_fast)), 0)
    high = min(math.ceil(corr_dim(beta_slow)), dim - 1)
    if low == high:
        high += 0.001
    e = torch.arange(0, dim, 2).to(dtype=torch.float) / dim
    pos_freqs = torch.cat([base ** e[i:i + 1] for i in range(dim // 2)]) if scalar_pow else base ** e
    extra = 1.0 / pos_freqs
    inter = 1.0 / (factor * pos_freqs)
    ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
    extra_factor = 1 - ramp
    inv = inter * (1 - extra_factor) + extra * extra_factor
    return inv, mscale(factor)


def qwen_text(name, sections, base, cycle, scaling=None, batch=2, heads=2, dim=128):
    runs = [qwen_text_run(sections, base, cycle, scaling, batch, heads, dim, sp) for sp in (False, True)]
    (out, inv_freq, att, flat, L), (out_sp, inv_sp, _, _, _) = runs
    opts = {'shape': [batch, heads, L, dim], 'base': base, 'positions': flat,
            'axes': {'sections': list(sections), **({'assign': 'cycle'} if cycle else {})}}
    if scaling is not None:
        opts['scaling'] = {'type': 'yarn', **scaling}
    return {'name': name, 'options': opts, 'attentionFactor': att, 'out': b64(out),
            'invFreq': inv_freq.tolist(), 'outScalarPow': b64(out_sp), 'invFreqScalarPow': inv_sp.tolist()}


def qwen_text_run(sections, base, cycle, scaling, batch, heads, dim, scalar_pow):
    pos = [llm_positions(b) for b in range(batch)]  # [batch][3][L]
    L = len(pos[0][0])
    position_ids = torch.tensor([[pos[b][a] for b in range(batch)] for a in range(3)], dtype=torch.int64)  # (3, bs, L)
    if scaling is None:
        inv_freq, att = hf_default_inv_freq(dim, base, scalar_pow), 1.0
    else:
        inv_freq, att = hf_yarn_inv_freq(dim, base, scaling['factor'], scaling['originalMaxPositionEmbeddings'], scalar_pow=scalar_pow)
    inv_exp = inv_freq[None, None, :, None].float().expand(3, batch, -1, 1)
    pos_exp = position_ids[:, :, None, :].float()
    freqs = (inv_exp.float() @ pos_exp.float()).transpose(2, 3)  # (3, bs, L, dim/2)
    if cycle:
        ft = freqs[0].clone()
        for d, off in enumerate((1, 2), start=1):
            idx = slice(off, sections[d] * 3, 3)
            ft[..., idx] = freqs[d, ..., idx]
        emb = torch.cat((ft, ft), dim=-1)
        cos = (emb.cos() * att).unsqueeze(1)
        sin = (emb.sin() * att).unsqueeze(1)
    else:
        emb = torch.cat((freqs, freqs), dim=-1)  # (3, bs, L, dim)
        cos3 = emb.cos() * att
        sin3 = emb.sin() * att
        sec = list(sections) * 2
        cos = torch.cat([m[i % 3] for i, m in enumerate(cos3.split(sec, dim=-1))], dim=-1).unsqueeze(1)
        sin = torch.cat([m[i % 3] for i, m in enumerate(sin3.split(sec, dim=-1))], dim=-1).unsqueeze(1)
    q = xdata(batch * heads * L * dim).reshape(batch, heads, L, dim)
    out = (q * cos) + (rotate_half(q) * sin)
    flat = [v for a in range(3) for b in range(batch) for v in pos[b][a]]
    return out, inv_freq, att, flat, L


def vision_ids(h, w, m):
    hpos = torch.arange(h).unsqueeze(1).expand(-1, w).reshape(h // m, m, w // m, m).permute(0, 2, 1, 3).flatten()
    wpos = torch.arange(w).unsqueeze(0).expand(h, -1).reshape(h // m, m, w // m, m).permute(0, 2, 1, 3).flatten()
    return torch.stack([hpos, wpos], dim=-1)  # (N, 2)


def qwen_vision(name, h, w, heads=2, head_dim=80, base=10000.0):
    ids = vision_ids(h, w, 2)
    d = head_dim // 2
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.float) / d))
    seq = torch.arange(max(h, w), dtype=inv_freq.dtype)
    full = torch.outer(seq, inv_freq)
    rpe = full[ids].flatten(1)  # (N, head_dim/2): [h angles | w angles]
    emb = torch.cat((rpe, rpe), dim=-1)
    cos, sin = emb.cos(), emb.sin()
    N = ids.shape[0]
    q = xdata(N * heads * head_dim).reshape(N, heads, head_dim)
    c, s = cos.unsqueeze(-2).float(), sin.unsqueeze(-2).float()
    out = (q.float() * c) + (rotate_half(q.float()) * s)
    flat = ids[:, 0].tolist() + ids[:, 1].tolist()
    opts = {'shape': [1, N, heads, head_dim], 'order': 'blhd', 'base': base, 'positions': flat,
            'axes': {'sections': [head_dim // 4, head_dim // 4], 'frequencies': 'per-axis'}}
    return {'name': name, 'options': opts, 'attentionFactor': 1.0, 'out': b64(out)}


def flux(name, h, w, txt=3, heads=2, axes_dim=(16, 56, 56), theta=10000):
    ids = [[0, 0, 0] for _ in range(txt)] + [[1 if (r + c) % 5 == 0 else 0, r, c] for r in range(h) for c in range(w)]
    ids = torch.tensor(ids, dtype=torch.float32)
    pos = ids.float()
    cos_out, sin_out = [], []
    for i in range(3):
        dim = axes_dim[i]
        freqs = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64)[: dim // 2] / dim)) / 1.0
        f = torch.outer(pos[:, i], freqs)
        cos_out.append(f.cos().repeat_interleave(2, dim=1).float())
        sin_out.append(f.sin().repeat_interleave(2, dim=1).float())
    cos = torch.cat(cos_out, dim=-1)[None, :, None, :]
    sin = torch.cat(sin_out, dim=-1)[None, :, None, :]
    S = ids.shape[0]
    D = sum(axes_dim)
    x = xdata(S * heads * D).reshape(1, S, heads, D)
    xr, xi = x.reshape(*x.shape[:-1], -1, 2).unbind(-1)
    xrot = torch.stack([-xi, xr], dim=-1).flatten(3)
    out = (x.float() * cos + xrot.float() * sin).to(x.dtype)
    flat = [int(v) for a in range(3) for v in ids[:, a].tolist()]
    opts = {'shape': [1, S, heads, D], 'order': 'blhd', 'layout': 'interleaved', 'base': theta, 'positions': flat,
            'axes': {'sections': [d // 2 for d in axes_dim], 'frequencies': 'per-axis'}}
    return {'name': name, 'options': opts, 'attentionFactor': 1.0, 'out': b64(out)}


cases = [
    qwen_text('qwen2-vl', [16, 24, 24], 1000000.0, False, heads=1),
    qwen_text('qwen2.5-vl-yarn', [16, 24, 24], 1000000.0, False, scaling={'factor': 4, 'originalMaxPositionEmbeddings': 32768}, heads=1),
    qwen_text('qwen3-vl', [24, 20, 20], 5000000.0, True, heads=1),
    qwen_vision('qwen2-vl-vision', 4, 6),
    flux('flux', 4, 6),
]
print(json.dumps({'generator': 'scripts/mrope-vectors.py', 'torch': torch.__version__, 'cases': cases}))
