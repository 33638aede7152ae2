# Test vectors for attention-bias positions (test/bias/), computed with PyTorch in the order of
# operations of the reference code (written for this test, not copied):
#   ALiBi slopes of BLOOM/Falcon (transformers models/bloom/modeling_bloom.py and
#     models/falcon/modeling_falcon.py build_alibi_tensor: a float32 base raised by torch.pow to
#     int32 powers, odd powers of the next base for the remaining heads) and of MPT
#     (models/mpt/modeling_mpt.py build_mpt_alibi_tensor: 1 / torch.pow(2, float32 exponents),
#     odd-indexed slopes first when the head count is not a power of two);
#   the bias they add: BLOOM slopes · ((cumsum(mask) − 1)·mask) (left padding), MPT slopes ·
#     arange(1 − L, 1), and scores·scale + bias in float32 and float64;
#   T5 buckets (models/t5/modeling_t5.py T5Attention._relative_position_bucket): every relative
#     position in [−10^5, 10^5] (and a few far ones) for several (numBuckets, maxDistance,
#     bidirectional), stored run-length encoded, and compute_bias grids with cache_position.
# Also prints to stderr what the fixture cannot hold: how torch's slopes compare with correctly
# rounded powers and with the closed form 2^(−8k/n), and Falcon's bfloat16 alibi against float32.
# Usage: /usr/bin/python3 scripts/bias-vectors.py > test/vectors/bias.json
import base64, json, math, struct, sys
from fractions import Fraction
import numpy as np
import torch

torch.set_grad_enabled(False)


def log(*a):
    print(*a, file=sys.stderr)


def b64(t):
    return base64.b64encode(t.contiguous().numpy().astype('<f4').tobytes()).decode()


def b64d(t):
    return base64.b64encode(t.contiguous().numpy().astype('<f8').tobytes()).decode()


def f32(x):
    return struct.unpack('<f', struct.pack('<f', x))[0]


def bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def xdata(n):
    """The test input: fl32(((i·7919) mod 1001 − 500) / 250), reproducible in JS bit for bit."""
    v = [(((i * 7919) % 1001) - 500) / 250 for i in range(n)]
    return torch.tensor(v, dtype=torch.float64).to(torch.float32)


# ---- ALiBi slopes ---------------------------------------------------------------------------------

def bloom_slopes(n, max_bias=8):
    # BLOOM writes the base as 2 ** (-(2 ** -(log2(c) - 3))) = 2^(-8/c); max_bias generalises the 8.
    c = 2 ** math.floor(math.log2(n))
    base = torch.tensor(2 ** (-max_bias / c), dtype=torch.float32)
    s = torch.pow(base, torch.arange(1, 1 + c, dtype=torch.int32))
    if c != n:
        extra = torch.tensor(2 ** (-max_bias / (2 * c)), dtype=torch.float32)
        r = min(c, n - c)
        s = torch.cat([s, torch.pow(extra, torch.arange(1, 1 + 2 * r, 2, dtype=torch.int32))], dim=0)
    return s


def mpt_slopes(n, max_bias=8):
    N = 2 ** math.ceil(math.log2(n))
    m = torch.arange(1, N + 1, dtype=torch.int64).float() * (max_bias / N)
    s = 1.0 / torch.pow(2, m)
    if N != n:
        s = torch.cat([s[1::2], s[::2]], dim=0)[:n]
    return s


def round_f32(fr):
    """A positive Fraction rounded to the nearest float32 (normal range), ties to even."""
    e = fr.numerator.bit_length() - fr.denominator.bit_length()
    while Fraction(2) ** e > fr:
        e -= 1
    while Fraction(2) ** (e + 1) <= fr:
        e += 1
    scaled = fr / Fraction(2) ** (e - 23)
    q, r = divmod(scaled.numerator, scaled.denominator)
    rem = Fraction(r, scaled.denominator)
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and q % 2 == 1):
        q += 1
    return float(Fraction(q) * Fraction(2) ** (e - 23))


def bloom_exact(n, max_bias=8):
    c = 2 ** math.floor(math.log2(n))
    b = Fraction(f32(2 ** (-max_bias / c)))
    s = [round_f32(b ** k) for k in range(1, c + 1)]
    if c != n:
        e = Fraction(f32(2 ** (-max_bias / (2 * c))))
        s += [round_f32(e ** k) for k in range(1, 2 * min(c, n - c), 2)]
    return s


def mpt_exact(n, max_bias=8):
    import mpmath
    mpmath.mp.prec = 120
    N = 2 ** math.ceil(math.log2(n))
    step = f32(max_bias / N)
    s = []
    for k in range(1, N + 1):
        p = mpmath.power(2, mpmath.mpf(f32(k * step)))
        # nearest float32 of the power: compare the neighbours of its float64 rounding
        x = f32(float(p))
        cands = [struct.unpack('<f', struct.pack('<I', bits(x) + d))[0] for d in (-1, 0, 1)]
        x = min(cands, key=lambda c: abs(mpmath.mpf(c) - p))
        s.append(f32(1.0 / x))
    if N != n:
        s = (s[1::2] + s[::2])[:n]
    return s


def closed_form(n):
    return [f32(2 ** (-8 * (k + 1) / n)) for k in range(n)]


slopes = {}
for preset, fn in (('bloom', bloom_slopes), ('mpt', mpt_slopes)):
    slopes[preset] = b64(torch.cat([fn(n) for n in range(1, 129)]))

extra_slopes = []
for preset, fn, heads, max_bias in [
    ('bloom', bloom_slopes, [157, 159, 256], 8),
    ('bloom', bloom_slopes, [12, 40, 48, 70, 80], 6),
    ('bloom', bloom_slopes, [12, 38, 40, 80], 3),
    ('bloom', bloom_slopes, [12, 40, 80], 12.5),
    ('mpt', mpt_slopes, [12, 48, 100, 256], 6),
    ('mpt', mpt_slopes, [48, 200], 8),
]:
    for n in heads:
        extra_slopes.append({'preset': preset, 'maxBias': max_bias, 'heads': n, 'slopes': fn(n, max_bias).tolist()})

exact_slopes = []
for n in [12, 16, 32, 40, 80, 112, 128]:
    exact_slopes.append({'preset': 'bloom', 'maxBias': 8, 'heads': n, 'slopes': bloom_exact(n)})
for n in [12, 48, 96]:
    exact_slopes.append({'preset': 'mpt', 'maxBias': 6, 'heads': n, 'slopes': mpt_exact(n, 6)})

for preset, fn, ex in (('bloom', bloom_slopes, bloom_exact), ('mpt', mpt_slopes, mpt_exact)):
    tot = diff = worst = cf = cfw = 0
    for n in range(1, 129):
        t = fn(n).tolist()
        e = ex(n)
        c = closed_form(n)
        for a, b, z in zip(t, e, c):
            tot += 1
            if a != b:
                diff += 1
                worst = max(worst, abs(bits(a) - bits(b)))
            if n & (n - 1) == 0 and a != z:
                cf += 1
                cfw = max(cfw, abs(bits(a) - bits(z)))
    log(f'{preset} heads 1..128: {tot} slopes; torch ≠ correctly rounded: {diff} (max {worst} ulp); '
        f'heads 1, 2, 4, …, 128 (255 slopes): torch ≠ the closed form fl32(2^(-8k/n)): {cf} (max {cfw} ulp)')

# ---- the bias and its sum with the scores -----------------------------------------------------------

alibi = []
mask = torch.tensor([[0, 0, 1, 1, 1, 1, 1, 1, 1], [1] * 9], dtype=torch.int64)
B, K = mask.shape
kp_bloom = (mask.cumsum(dim=-1) - 1) * mask  # BLOOM's arange_tensor, 0 at left padding
for heads in (12, 40):
    s = bloom_slopes(heads)
    bias = (s[..., None] * kp_bloom[:, None, :]).reshape(B, heads, 1, K)  # as build_alibi_tensor (before .to(dtype))
    Q = 3
    scores = xdata(B * heads * Q * K).reshape(B, heads, Q, K)
    out = scores * 0.125 + s.view(1, heads, 1, 1) * kp_bloom.view(B, 1, 1, K)
    case = {
        'name': f'bloom {heads} heads, left padding', 'shape': [B, heads, Q, K], 'keyPositions': kp_bloom.flatten().tolist(),
        'scale': 0.125, 'bias': b64(bias), 'out': b64(out),
    }
    if heads == 12:
        case['out64'] = b64d(scores.double() * 0.125 + s.double().view(1, heads, 1, 1) * kp_bloom.double().view(B, 1, 1, K))
    alibi.append(case)
    # Falcon multiplies bfloat16 slopes by the positions in bfloat16.
    falcon = (s[..., None].bfloat16() * kp_bloom[:, None, :]).float().reshape(B, heads, 1, K)
    d = (falcon - bias).abs().max().item()
    log(f'falcon {heads} heads: max |bfloat16 alibi − float32 alibi| = {d:.3g} (max |alibi| {bias.abs().max().item():.3g})')
for heads in (12, 48):
    L = 9
    pos = torch.arange(1 - L, 1, dtype=torch.int32).view(1, 1, 1, L)
    bias = (pos * mpt_slopes(heads).view(1, heads, 1, 1)).squeeze(0)  # build_mpt_alibi_tensor: [heads, 1, L]
    Q = 3
    scores = xdata(heads * Q * L).reshape(1, heads, Q, L)
    out = scores * 0.25 + bias[None]
    case = {'name': f'mpt {heads} heads', 'shape': [1, heads, Q, L], 'keyPositions': list(range(1 - L, 1)), 'scale': 0.25, 'bias': b64(bias), 'out': b64(out)}
    if heads == 12:
        case['out64'] = b64d(scores.double() * 0.25 + pos.double() * mpt_slopes(heads).double().view(1, heads, 1, 1))
    alibi.append(case)

# ---- T5 buckets ----------------------------------------------------------------------------------------


def t5_bucket(rel, bidirectional, num_buckets, max_distance):
    buckets = torch.zeros_like(rel)
    if bidirectional:
        num_buckets //= 2
        buckets += (rel > 0).to(torch.long) * num_buckets
        rel = torch.abs(rel)
    else:
        rel = -torch.min(rel, torch.zeros_like(rel))
    max_exact = num_buckets // 2
    small = rel < max_exact
    large = max_exact + (torch.log(rel.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)).to(torch.long)
    large = torch.min(large, torch.full_like(large, num_buckets - 1))
    return buckets + torch.where(small, rel, large)


def emulated(rel, bidirectional, num_buckets, max_distance):
    """The float32 chain with a correctly rounded float32 log (float64 log rounded once): posenc's rule."""
    rel = rel.numpy().astype(np.int64)
    out = np.zeros_like(rel)
    n = num_buckets
    if bidirectional:
        n //= 2
        out += (rel > 0) * n
        rel = np.abs(rel)
    else:
        rel = -np.minimum(rel, 0)
    me = n // 2
    x = (rel.astype(np.float32) / np.float32(me)).astype(np.float32)
    with np.errstate(divide='ignore', invalid='ignore'):
        lg = np.log(x.astype(np.float64)).astype(np.float32)
        q = ((lg / np.float32(math.log(max_distance / me))).astype(np.float32) * np.float32(n - me)).astype(np.float32)
        large = me + np.trunc(np.where(rel >= me, q, 0)).astype(np.int64)
    return out + np.where(rel < me, rel, np.minimum(large, n - 1))


RANGE = 100000
FAR = [RANGE + 1, 10 ** 6, 10 ** 7, 2 ** 24 - 1, 2 ** 24 + 1, 2 ** 31 - 1]
rel = torch.arange(-RANGE, RANGE + 1, dtype=torch.int64)
far = torch.tensor([-v for v in FAR] + FAR, dtype=torch.int64)
rules = []
for nb, md in [(32, 128), (128, 128), (32, 64), (64, 256), (16, 32), (256, 1024), (48, 200), (100, 1000), (8, 16), (4, 4), (6, 10), (33, 77.5)]:
    for bi in (True, False):
        t = t5_bucket(rel, bi, nb, md).numpy()
        e = emulated(rel, bi, nb, md)
        mism = int((t != e).sum())
        # Run-length encoding: [first relative position of a run, bucket].
        starts = np.concatenate([[0], np.nonzero(np.diff(t))[0] + 1])
        runs = [[int(rel[i]), int(t[i])] for i in starts]
        rules.append({
            'numBuckets': nb, 'maxDistance': md, 'bidirectional': bi, 'runs': runs,
            'far': [[int(r), int(b)] for r, b in zip(far.tolist(), t5_bucket(far, bi, nb, md).tolist())],
        })
        log(f'T5 buckets numBuckets {nb}, maxDistance {md}, bidirectional {bi}: {len(runs)} runs over [-{RANGE}, {RANGE}], '
            f'float32-chain emulation ≠ torch: {mism}')

grids = []
g = torch.Generator().manual_seed(16)
weight = (torch.randint(-128, 128, (32, 8), generator=g).float() / 64)  # relative_attention_bias.weight [32, 8]
for q_len, k_len, offset, bi in [(5, 7, 0, True), (7, 300, 0, False), (1, 301, 300, False), (3, 4, 1000, False), (6, 6, 0, True), (1, 400, 399, True)]:
    context = torch.arange(q_len, dtype=torch.long)[:, None] + offset  # cache_position when decoding
    memory = torch.arange(k_len, dtype=torch.long)[None, :]
    buckets = t5_bucket(memory - context, bi, 32, 128)
    values = torch.nn.functional.embedding(buckets, weight).permute([2, 0, 1])  # [heads, q, k]
    grid = {'queryLength': q_len, 'keyLength': k_len, 'queryOffset': offset, 'bidirectional': bi, 'buckets': buckets.flatten().tolist()}
    if q_len * k_len <= 400:
        grid['bias'] = b64(values)
    grids.append(grid)

print(json.dumps({
    'generator': 'scripts/bias-vectors.py', 'torch': torch.__version__,
    'slopes128': slopes, 'slopes': extra_slopes, 'exactSlopes': exact_slopes, 'alibi': alibi,
    't5': {'range': RANGE, 'rules': rules, 'weight': b64(weight), 'grids': grids},
}))
