"""Per-checkpoint reference values for `pe.model(config)`: for every config.json in
test/fixtures/models/ (see index.json there), what Hugging Face transformers' model code computes for
positions, computed with torch in the same operations, order and dtype. Written for posenc; no
transformers code is imported or copied. Each function names the upstream function it follows
(`# see: transformers/src/transformers/...`). Semantics followed: transformers 4.5x/5.0 (rope init
functions with `head_dim`, YaRN with mscale/mscale_all_dim/truncate and the factor taken from
max_position_embeddings / original_max_position_embeddings, `rope_parameters` or `rope_scaling`); the
families added later (mrope, MPT/Falcon ALiBi, Llama 4, GLM, CodeGen, OLMo, Falcon rotary, mT5/UMT5/
Switch, OPT, RoBERTa/XLM-R, DistilBERT, Pegasus, Speech2Text, FSMT) follow the transformers 4.57 code.

Kinds: rope (per layer type: inv_freq, attention scaling, cos/sin calls, rotated q; NoPE layers for
Llama 4), mrope (axis-major [3, rows] positions, chunked or interleaved sections), alibi (BLOOM, Falcon in
bfloat16, MPT), relative-bias (T5 family buckets and bias), learned (position ids and table size),
sinusoidal (tables and position ids).

Usage: /usr/bin/python3 scripts/parity/model_refs.py OUT_DIR [--fixture FILE] [--models DIR]
Writes OUT_DIR/manifest.json plus little-endian arrays (.f32 float32, .i64 int64) it names, and with
--fixture a compact JSON for the unit tests (float32 arrays as base64 of their bits, see
docs/models-reference.md "Fixture schema").
"""
import base64
import json
import math
import os
import struct
import sys

import numpy as np

try:
    import torch
except ImportError as e:  # pragma: no cover
    sys.stderr.write("model_refs: torch is not importable (%s); apt-get install -y python3-torch\n" % e)
    sys.exit(2)

torch.set_num_threads(1)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
args = sys.argv[1:]
if not args or args[0].startswith("--"):
    sys.stderr.write(__doc__)
    sys.exit(2)
OUT = args[0]
FIXTURE = args[args.index("--fixture") + 1] if "--fixture" in args else None
MODELS = args[args.index("--models") + 1] if "--models" in args else os.path.join(ROOT, "test", "fixtures", "models")
os.makedirs(OUT, exist_ok=True)

F32 = torch.float32


# ---------------------------------------------------------------------------------------------
# output helpers
# ---------------------------------------------------------------------------------------------

def save(stem, t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32, torch.bool):
        a = t.to(torch.int64).contiguous().numpy().astype("<i8")
        a.tofile(os.path.join(OUT, stem + ".i64"))
        return {"file": stem + ".i64", "dtype": "int64", "shape": list(a.shape)}
    a = t.to(F32).contiguous().numpy().astype("<f4")
    a.tofile(os.path.join(OUT, stem + ".f32"))
    return {"file": stem + ".f32", "dtype": "float32", "shape": list(a.shape)}


def fx(t):
    """Compact fixture form of a float32 tensor: base64 of its little-endian float32 bytes, row-major
    (decode: new Float32Array(Buffer.from(s, 'base64')...), exact bits)."""
    a = t.detach().to(F32).contiguous().numpy().astype("<f4")
    return {"shape": list(t.shape), "f32le": base64.b64encode(a.tobytes()).decode("ascii")}


def ints(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def f32num(v):
    """A Python float that is exactly the float32 value (JSON round-trips it exactly)."""
    return float(np.float32(v))


# deterministic small inputs: multiples of 1/64 in [-2, 2] (exact in float32 and short in JSON)
def det_x(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(-128, 129, shape, generator=g).to(F32) / 64.0


# ---------------------------------------------------------------------------------------------
# config handling: defaults from the HF configuration classes for the keys a checkpoint omits
# ---------------------------------------------------------------------------------------------
# see: transformers/src/transformers/models/*/configuration_*.py (__init__ defaults)
DEFAULTS = {
    "llama": {"rope_theta": 10000.0, "max_position_embeddings": 2048, "attention_bias": False},
    "mistral": {"rope_theta": 10000.0, "max_position_embeddings": 4096 * 32},
    "mixtral": {"rope_theta": 1e6, "max_position_embeddings": 4096 * 32},
    "qwen2": {"rope_theta": 10000.0, "max_position_embeddings": 32768},
    "qwen2_moe": {"rope_theta": 10000.0, "max_position_embeddings": 32768},
    "qwen3": {"rope_theta": 10000.0, "max_position_embeddings": 32768},
    "gemma": {"rope_theta": 10000.0, "max_position_embeddings": 8192, "head_dim": 256},
    "gemma2": {"rope_theta": 10000.0, "max_position_embeddings": 8192, "head_dim": 256, "query_pre_attn_scalar": 256},
    "gemma3_text": {"rope_theta": 1e6, "rope_local_base_freq": 10000.0, "max_position_embeddings": 131072,
                    "head_dim": 256, "query_pre_attn_scalar": 256, "sliding_window_pattern": 6,
                    "num_attention_heads": 8, "num_key_value_heads": 4, "num_hidden_layers": 26},
    "qwen3_moe": {"rope_theta": 10000.0, "max_position_embeddings": 32768},
    "olmo": {"rope_theta": 10000.0, "max_position_embeddings": 2048},
    "falcon": {"rope_theta": 10000.0, "max_position_embeddings": 2048, "alibi": False, "num_attention_heads": 71},
    "codegen": {"n_positions": 2048, "rotary_dim": 64, "n_head": 16},
    "glm": {"rope_theta": 10000.0, "max_position_embeddings": 131072, "partial_rotary_factor": 0.5, "head_dim": 128},
    "llama4_text": {"rope_theta": 500000.0, "max_position_embeddings": 4096 * 32, "head_dim": 128,
                    "no_rope_layer_interval": 4, "attn_temperature_tuning": True, "floor_scale": 8192,
                    "attn_scale": 0.1},
    "qwen2_vl": {"rope_theta": 1e6, "max_position_embeddings": 32768},
    "qwen2_5_vl": {"rope_theta": 1e6, "max_position_embeddings": 32768},
    "qwen3_vl_text": {"rope_theta": 5e6, "max_position_embeddings": 128000, "head_dim": 128},
    "olmo2": {"rope_theta": 10000.0, "max_position_embeddings": 2048},
    "internlm2": {"rope_theta": 10000.0, "max_position_embeddings": 2048},
    "stablelm": {"rope_theta": 10000.0, "max_position_embeddings": 4096, "partial_rotary_factor": 0.25},
    "phi": {"rope_theta": 10000.0, "max_position_embeddings": 2048, "partial_rotary_factor": 0.5},
    "phi3": {"rope_theta": 10000.0, "max_position_embeddings": 4096, "original_max_position_embeddings": 4096,
             "partial_rotary_factor": 1.0},
    "gpt_neox": {"rotary_emb_base": 10000, "rotary_pct": 0.25, "max_position_embeddings": 2048},
    "gpt_oss": {"rope_theta": 150000.0, "max_position_embeddings": 131072, "head_dim": 64},
    "ministral3": {"max_position_embeddings": 262144},
    "cohere": {"rope_theta": 10000.0, "max_position_embeddings": 8192},
    "gptj": {"n_positions": 2048, "rotary_dim": 64},
    "deepseek_v2": {"rope_theta": 10000.0, "max_position_embeddings": 2048, "qk_rope_head_dim": 64,
                    "qk_nope_head_dim": 128},
    "deepseek_v3": {"rope_theta": 10000.0, "max_position_embeddings": 4096, "qk_rope_head_dim": 64,
                    "qk_nope_head_dim": 128, "rope_interleave": True},
    "bloom": {"n_head": 8},
    "mpt": {"n_heads": 16, "d_model": 2048, "max_seq_len": 2048, "alibi_bias_max": 8, "softmax_scale": None},
    "t5": {"relative_attention_num_buckets": 32, "relative_attention_max_distance": 128, "num_heads": 8},
    "mt5": {"relative_attention_num_buckets": 32, "relative_attention_max_distance": 128, "num_heads": 6},
    "umt5": {"relative_attention_num_buckets": 32, "relative_attention_max_distance": 128, "num_heads": 6},
    "switch_transformers": {"relative_attention_num_buckets": 32, "relative_attention_max_distance": 128,
                            "num_heads": 12},
    "opt": {"max_position_embeddings": 2048, "pad_token_id": 1},
    "roberta": {"max_position_embeddings": 512, "pad_token_id": 1, "position_embedding_type": "absolute"},
    "xlm-roberta": {"max_position_embeddings": 512, "pad_token_id": 1, "position_embedding_type": "absolute"},
    "distilbert": {"max_position_embeddings": 512, "sinusoidal_pos_embds": False, "pad_token_id": 0},
    "pegasus": {"max_position_embeddings": 1024, "pad_token_id": 0, "scale_embedding": False},
    "speech_to_text": {"max_source_positions": 6000, "max_target_positions": 1024, "pad_token_id": 1,
                       "scale_embedding": True},
    "fsmt": {"max_position_embeddings": 1024, "pad_token_id": 1, "scale_embedding": True},
    "gpt2": {"n_positions": 1024},
    "gpt_bigcode": {"n_positions": 1024},
    "bart": {"max_position_embeddings": 1024, "pad_token_id": 1},
    "mbart": {"max_position_embeddings": 1024, "pad_token_id": 1},
    "bert": {"max_position_embeddings": 512, "pad_token_id": 0, "position_embedding_type": "absolute"},
    "whisper": {"max_source_positions": 1500, "max_target_positions": 448},
    "marian": {"max_position_embeddings": 1024, "scale_embedding": False},
    "m2m_100": {"max_position_embeddings": 1024, "pad_token_id": 1, "scale_embedding": True},
}


def text_config(cfg):
    # Multimodal wrappers (mistral3 / ministral3, qwen*_vl) keep the language model in text_config.
    return cfg.get("text_config") or cfg


def rope_params(c):
    """The rope dict as HF reads it: v5 `rope_parameters` or v4 `rope_scaling` (with `type` or
    `rope_type`; legacy names 'su' -> longrope, 'mrope' -> default), plus rope_theta."""
    # see: transformers/src/transformers/modeling_rope_utils.py rope_config_validation /
    #      standardize_rope_params; models/phi3/configuration_phi3.py _rope_scaling_adjustment
    rp = dict(c.get("rope_parameters") or c.get("rope_scaling") or {})
    t = rp.get("rope_type", rp.get("type", "default"))
    if t == "su":
        t = "longrope"
    if t == "mrope":
        t = "default"
    rp["rope_type"] = t
    if "rope_theta" not in rp:
        rp["rope_theta"] = c.get("rope_theta")
    return rp


# ---------------------------------------------------------------------------------------------
# rope init functions
# ---------------------------------------------------------------------------------------------
def default_inv_freq(base, dim):
    # see: transformers/src/transformers/modeling_rope_utils.py _compute_default_rope_parameters
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(F32) / dim))


def linear_inv_freq(base, dim, factor):
    # see: modeling_rope_utils.py _compute_linear_scaling_rope_parameters (inv_freq /= factor)
    inv = default_inv_freq(base, dim)
    inv /= factor
    return inv


def dynamic_inv_freq(base, dim, factor, max_pos, seq_len=None):
    # see: modeling_rope_utils.py _compute_dynamic_ntk_parameters. At run time seq_len is
    # torch.max(position_ids) + 1, an int64 0-d tensor (dynamic_rope_update), so the scaled base is a
    # float32 tensor; at init seq_len is None -> max_position_embeddings (a Python int, double base).
    if seq_len is not None and seq_len > max_pos:
        s = torch.tensor(seq_len, dtype=torch.int64)
        base = base * ((factor * s / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    else:
        base = base * ((factor * max_pos / max_pos) - (factor - 1)) ** (dim / (dim - 2))
    return 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).to(F32) / dim))


def yarn_get_mscale(scale=1.0, mscale=1.0):
    if scale <= 1:
        return 1.0
    return 0.1 * mscale * math.log(scale) + 1.0


def yarn_inv_freq(base, dim, rp, max_pos):
    # see: modeling_rope_utils.py _compute_yarn_parameters (4.5x/5.0: mscale, mscale_all_dim,
    # truncate, factor from max_position_embeddings / original_max_position_embeddings)
    factor = rp["factor"]
    attention_factor = rp.get("attention_factor")
    mscale = rp.get("mscale")
    mscale_all_dim = rp.get("mscale_all_dim")
    if "original_max_position_embeddings" in rp:
        omp = rp["original_max_position_embeddings"]
        factor = max_pos / omp
    else:
        omp = max_pos
    if attention_factor is None:
        if mscale and mscale_all_dim:
            attention_factor = float(yarn_get_mscale(factor, mscale) / yarn_get_mscale(factor, mscale_all_dim))
        else:
            attention_factor = yarn_get_mscale(factor)
    beta_fast = rp.get("beta_fast") or 32
    beta_slow = rp.get("beta_slow") or 1

    def corr_dim(rot):
        return (dim * math.log(omp / (rot * 2 * math.pi))) / (2 * math.log(base))

    truncate = rp.get("truncate", True)
    low, high = corr_dim(beta_fast), corr_dim(beta_slow)
    if truncate:
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    lo, hi = low, high
    if lo == hi:
        hi += 0.001
    ramp = torch.clamp((torch.arange(dim // 2, dtype=F32) - lo) / (hi - lo), 0, 1)
    pos_freqs = base ** (torch.arange(0, dim, 2).to(F32) / dim)
    inv_extra = 1.0 / pos_freqs
    inv_inter = 1.0 / (factor * pos_freqs)
    extra_factor = 1 - ramp
    inv = inv_inter * (1 - extra_factor) + inv_extra * extra_factor
    return inv, attention_factor, {"factorUsed": factor, "low": low, "high": high, "truncate": bool(truncate)}


def longrope_inv_freq(base, dim, rp, c, seq_len=None):
    # see: modeling_rope_utils.py _compute_longrope_parameters; original_max_position_embeddings is
    # read from the config's top level (Phi-3), factor = max_position_embeddings / that.
    attention_factor = rp.get("attention_factor")
    factor = rp.get("factor")
    if c.get("original_max_position_embeddings") is not None:
        omp = c["original_max_position_embeddings"]
        factor = c["max_position_embeddings"] / omp
    else:
        omp = c["max_position_embeddings"]
    if attention_factor is None:
        attention_factor = 1.0 if factor <= 1.0 else math.sqrt(1 + math.log(factor) / math.log(omp))
    ext = rp["long_factor"] if (seq_len and seq_len > omp) else rp["short_factor"]
    ext = torch.tensor(ext, dtype=F32)
    shape = torch.arange(0, dim, 2, dtype=torch.int64).to(F32) / dim
    return 1.0 / (ext * base ** shape), attention_factor, omp


def llama3_inv_freq(base, dim, rp):
    # see: modeling_rope_utils.py _compute_llama3_parameters (wavelen in float32, Python-double bounds)
    inv = default_inv_freq(base, dim)
    factor, lff, hff = rp["factor"], rp["low_freq_factor"], rp["high_freq_factor"]
    old = rp["original_max_position_embeddings"]
    low_wl, high_wl = old / lff, old / hff
    wavelen = 2 * math.pi / inv
    inv_l = torch.where(wavelen > low_wl, inv / factor, inv)
    smooth = (old / wavelen - lff) / (hff - lff)
    smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
    medium = ~(wavelen < high_wl) * ~(wavelen > low_wl)
    return torch.where(medium, smoothed, inv_l)


# ---------------------------------------------------------------------------------------------
# rotary forward and apply variants
# ---------------------------------------------------------------------------------------------
def rotary_forward(inv, positions, scaling, halves=True, repeat=False):
    """cos/sin as the RotaryEmbedding.forward computes them (float32 matmul of inv_freq and
    positions). halves: cat((f, f)); repeat: repeat_interleave(f, 2) (Cohere); neither: f (gpt-oss)."""
    # see: models/llama/modeling_llama.py LlamaRotaryEmbedding.forward
    pid = positions.reshape(1, -1)
    inv_e = inv[None, :, None].float().expand(pid.shape[0], -1, 1)
    pos_e = pid[:, None, :].float()
    freqs = (inv_e.float() @ pos_e.float()).transpose(1, 2)
    if repeat:
        emb = torch.repeat_interleave(freqs, 2, dim=-1)  # see: models/cohere/modeling_cohere.py
    elif halves:
        emb = torch.cat((freqs, freqs), dim=-1)
    else:
        emb = freqs  # see: models/gpt_oss/modeling_gpt_oss.py GptOssRotaryEmbedding.forward
    return (emb.cos() * scaling)[0], (emb.sin() * scaling)[0]


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def apply_halves(q, cos, sin, rot_dim):
    # see: models/llama/modeling_llama.py apply_rotary_pos_emb; partial: phi3/phi/stablelm/gpt_neox
    # rotate q[..., :rot_dim] and concatenate the rest unchanged.
    cos, sin = cos[None, None], sin[None, None]
    if rot_dim == q.shape[-1]:
        return (q * cos) + (rotate_half(q) * sin)
    qr, qp = q[..., :rot_dim], q[..., rot_dim:]
    return torch.cat(((qr * cos) + (rotate_half(qr) * sin), qp), dim=-1)


def apply_gpt_oss(q, cos, sin):
    # see: models/gpt_oss/modeling_gpt_oss.py _apply_rotary_emb
    cos, sin = cos[None, None], sin[None, None]
    a, b = torch.chunk(q, 2, dim=-1)
    return torch.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)


def rotate_every_two(x):
    # see: models/gptj/modeling_gptj.py rotate_every_two; models/cohere/modeling_cohere.py rotate_half
    x1, x2 = x[..., ::2], x[..., 1::2]
    return torch.stack((-x2, x1), dim=-1).flatten(-2)


def apply_cohere(q, cos, sin):
    # see: models/cohere/modeling_cohere.py apply_rotary_pos_emb (q.float(), interleaved pairs)
    cos, sin = cos[None, None], sin[None, None]
    return (q.float() * cos) + (rotate_every_two(q.float()) * sin)


def gptj_sincos(num_pos, dim):
    # see: models/gptj/modeling_gptj.py create_sinusoidal_positions (int64 arange / dim -> float32,
    # 10000 ** that, einsum with float positions)
    inv = 1.0 / (10000 ** (torch.arange(0, dim, 2, dtype=torch.int64) / dim))
    inp = torch.einsum("i , j -> i j", torch.arange(num_pos, dtype=torch.int64).float(), inv).float()
    return inv, torch.cat((torch.sin(inp), torch.cos(inp)), dim=1)


def apply_gptj(q, positions, table, rot_dim):
    # see: models/gptj/modeling_gptj.py GPTJAttention.forward + apply_rotary_pos_emb
    sincos = table[positions]
    sin, cos = torch.split(sincos, sincos.shape[-1] // 2, dim=-1)
    sin = torch.repeat_interleave(sin[None, None], 2, -1)
    cos = torch.repeat_interleave(cos[None, None], 2, -1)
    qr, qp = q[..., :rot_dim], q[..., rot_dim:]
    return torch.cat(((qr * cos) + (rotate_every_two(qr) * sin), qp), dim=-1), cos[0, 0], sin[0, 0]


def apply_deepseek_v2(q, inv, positions, scaling):
    # see: models/deepseek_v2/modeling_deepseek_v2.py DeepseekV2RotaryEmbedding.forward (polar) and
    # apply_rotary_emb (view_as_complex on consecutive pairs: pair order kept, no de-interleave)
    pid = positions.reshape(1, -1)
    freqs = (inv[None, :, None].float() @ pid[:, None, :].float()).transpose(1, 2)
    cis = torch.polar(torch.ones_like(freqs), freqs) * scaling
    qc = torch.view_as_complex(q.float().reshape(*q.shape[:-1], -1, 2))
    out = torch.view_as_real(qc * cis.unsqueeze(1)).flatten(3)
    return out, cis[0]


def apply_deepseek_v3(q, cos, sin, interleave):
    # see: models/deepseek_v3/modeling_deepseek_v3.py apply_rotary_pos_emb_interleave: view as
    # (d/2, 2), transpose -> halves order (de-interleave), then the llama formula. Output stays in
    # the de-interleaved order.
    if interleave:
        b, h, s, d = q.shape
        q = q.view(b, h, s, d // 2, 2).transpose(4, 3).reshape(b, h, s, d)
    return apply_halves(q, cos, sin, q.shape[-1])


def apply_glm(q, cos, sin):
    # see: models/glm/modeling_glm.py apply_rotary_pos_emb: the cat((f, f)) cos/sin of the generic
    # rotary embedding are cut to their first half and repeated pairwise, so pairs are (0,1), (2,3), ...;
    # only the leading rotary_dim = int(head_dim * partial_rotary_factor) channels rotate.
    c = torch.repeat_interleave(cos[..., : cos.shape[-1] // 2], 2, dim=-1)[None, None]
    s_ = torch.repeat_interleave(sin[..., : sin.shape[-1] // 2], 2, dim=-1)[None, None]
    rd = c.shape[-1]
    head, tail = q[..., :rd], q[..., rd:]
    return torch.cat(((head * c) + (rotate_every_two(head) * s_), tail), dim=-1)


def llama4_attn_scales(cache_position, c):
    # see: models/llama4/modeling_llama4.py Llama4TextAttention.forward (attn_temperature_tuning on NoPE
    # layers): float32 floor((pos + 1) / floor_scale), log1p, times attn_scale, plus 1
    t = torch.floor((cache_position.float() + 1.0) / c["floor_scale"])
    return torch.log1p(t) * c["attn_scale"] + 1.0


# ---------------------------------------------------------------------------------------------
# per-family summaries and references
# ---------------------------------------------------------------------------------------------
HALVES = {"llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2", "gemma3_text",
          "gemma3", "olmo", "olmo2", "internlm2", "stablelm", "phi", "phi3", "gpt_neox", "falcon", "gpt_oss",
          "mistral3", "ministral3", "ministral"}
INTERLEAVED = {"gptj", "codegen", "cohere", "glm", "deepseek_v2", "deepseek_v3", "llama4", "llama4_text"}
MROPE = {"qwen2_vl", "qwen2_5_vl", "qwen3_vl", "qwen3_vl_text"}
GPTJ_TABLE = {"gptj", "codegen"}  # rotate_every_two with a precomputed [sin | cos] table (create_sinusoidal_positions)


def sample_positions(max_pos, extra=()):
    s = {0, 1, 2, 3, 7, 31, 127, 511, 1023, 2047, 4095, 8191, max_pos - 2, max_pos - 1}
    for p in extra:
        for d in (-2, -1, 0, 1):
            s.add(p + d)
    p = 16383
    while p < max_pos:
        s.add(p)
        p = p * 2 + 1
    return sorted(v for v in s if 0 <= v < max_pos)


def rope_case(name, cfg):
    c = dict(text_config(cfg))
    mt = cfg["model_type"]
    tmt = c.get("model_type", mt)
    d = dict(DEFAULTS.get(tmt, DEFAULTS.get(mt, {})))
    filled = {k: v for k, v in d.items() if k not in c}
    for k, v in d.items():
        c.setdefault(k, v)
    heads = c.get("num_attention_heads") or c.get("n_head")
    hidden = c.get("hidden_size") or c.get("n_embd")
    out = {"kind": "rope", "heads": heads, "filledDefaults": filled}
    layout = "interleaved" if tmt in INTERLEAVED or mt in INTERLEAVED else "halves"

    # head dim and rotary dim as the model reads them
    if tmt in ("deepseek_v2", "deepseek_v3"):
        head_dim = c["qk_rope_head_dim"]  # config.head_dim = qk_rope_head_dim (rope part only)
        out["qkHeadDim"] = c["qk_nope_head_dim"] + c["qk_rope_head_dim"]
    else:
        head_dim = c.get("head_dim") or hidden // heads
    if tmt == "gpt_neox":
        prf = c["rotary_pct"]
        base = c["rotary_emb_base"]
    elif tmt in GPTJ_TABLE:
        prf = None
        base = 10000.0
    else:
        prf = c.get("partial_rotary_factor", 1.0)
        base = None
    rp = rope_params(c)
    if base is None:
        base = rp["rope_theta"]
    rot_dim = c["rotary_dim"] if tmt in GPTJ_TABLE else int(head_dim * prf)
    if tmt in ("deepseek_v2", "deepseek_v3"):
        layout = "interleaved" if (tmt == "deepseek_v2" or c.get("rope_interleave", True)) else "halves"
    max_pos = c.get("max_position_embeddings") or c.get("n_positions")
    out.update({"headDim": head_dim, "rotaryDim": rot_dim, "layout": layout, "ropeTheta": base,
                "ropeType": rp["rope_type"], "maxPositionEmbeddings": max_pos})

    n_layers = c.get("num_hidden_layers") or c.get("n_layer")
    # layer kinds
    if tmt == "gemma3_text":
        pat = c.get("sliding_window_pattern", 6)
        lt = c.get("layer_types") or ["sliding_attention" if (i + 1) % pat else "full_attention" for i in range(n_layers)]
    elif tmt == "llama4_text":
        # see: models/llama4/configuration_llama4.py Llama4TextConfig.__init__: no_rope_layers[i] == 1 means
        # the layer rotates (HF layer_types "chunked_attention"), 0 a NoPE layer ("full_attention"); the
        # default puts a NoPE layer every no_rope_layer_interval layers.
        nrl = c.get("no_rope_layers") or [int((i + 1) % c["no_rope_layer_interval"] != 0) for i in range(n_layers)]
        out["noRopeLayers"] = nrl
        lt = ["chunked_attention" if v else "full_attention" for v in nrl]
    else:
        lt = c.get("layer_types") or ["full_attention"] * n_layers
    out["layerTypes"] = lt

    # softmax scale
    if tmt in ("gemma2", "gemma3_text"):
        scale = c["query_pre_attn_scalar"] ** -0.5  # see: models/gemma2/modeling_gemma2.py Gemma2Attention
    elif tmt in ("deepseek_v2", "deepseek_v3"):
        scale = out["qkHeadDim"] ** (-0.5)
        if tmt == "deepseek_v3" and rp["rope_type"] != "default":
            # see: models/deepseek_v3/modeling_deepseek_v3.py DeepseekV3Attention.__init__ (mscale²);
            # DeepseekV2Attention (transformers 5.0) keeps qk_head_dim**-0.5.
            mad = rp.get("mscale_all_dim", 0)
            if mad:
                m = yarn_get_mscale(rp["factor"], mad)
                scale = scale * m * m
    elif tmt == "codegen":
        # see: models/codegen/modeling_codegen.py CodeGenAttention: scores / sqrt(head_dim) as a float32 tensor
        scale = float(1.0 / torch.sqrt(torch.tensor(head_dim, dtype=F32)))
        out["softmaxDivisor"] = f32num(torch.sqrt(torch.tensor(head_dim, dtype=F32)))
    else:
        scale = head_dim ** -0.5
    out["softmaxScale"] = scale
    if tmt == "deepseek_v2" and rp["rope_type"] == "yarn" and rp.get("mscale_all_dim"):
        # DeepSeek's own modeling_deepseek.py (the checkpoint's remote code) multiplies the softmax
        # scale by yarn_get_mscale(factor, mscale_all_dim)**2; transformers' DeepseekV2Attention does not.
        m = yarn_get_mscale(rp["factor"], rp["mscale_all_dim"])
        out["softmaxScaleRemoteCode"] = out["qkHeadDim"] ** (-0.5) * m * m

    x = det_x((1, 1, 5, head_dim), 1234)  # one head: heads rotate alike, a second adds no position information
    qpos = torch.tensor([0, 1, 2, 3, 4], dtype=torch.int64)
    arrays = {"x": x}
    per_type = {}

    def type_params(layer_type):
        """inv_freq, attention scaling, extra info for one layer type (Gemma 3 sliding layers use
        rope_local_base_freq without scaling; see models/gemma3/modeling_gemma3.py)."""
        b = base
        r = dict(rp)
        if tmt == "gemma3_text" and layer_type == "sliding_attention":
            b = c["rope_local_base_freq"]
            r = {"rope_type": "default"}
        if tmt == "llama4_text":
            # see: models/llama4/modeling_llama4.py Llama4TextRotaryEmbedding.__init__ (llama3 whenever
            # rope_scaling is set) and Llama4TextAttention (use_rope = no_rope_layers[layer_idx])
            r["rope_type"] = "none" if layer_type == "full_attention" else (
                "llama3" if c.get("rope_scaling") else "default")
        return b, r

    types = sorted(set(lt))
    calls = []
    for ty in types:
        b, r = type_params(ty)
        t = r["rope_type"]
        info = {"base": b, "ropeType": t}
        if t == "default":
            inv, att = default_inv_freq(b, rot_dim), 1.0
        elif t == "linear":
            inv, att = linear_inv_freq(b, rot_dim, r["factor"]), 1.0
        elif t == "dynamic":
            inv, att = dynamic_inv_freq(b, rot_dim, r["factor"], max_pos), 1.0
        elif t == "llama3":
            inv, att = llama3_inv_freq(b, rot_dim, r), 1.0
        elif t == "yarn":
            inv, att, yi = yarn_inv_freq(b, rot_dim, r, max_pos)
            info.update(yi)
        elif t == "longrope":
            inv, att, omp = longrope_inv_freq(b, rot_dim, r, c)
            info["originalMaxPositionEmbeddings"] = omp
        elif t == "none":
            inv, att = torch.zeros(0, dtype=F32), 1.0
        else:
            raise SystemExit("%s: rope type %s not handled" % (name, t))
        if tmt in GPTJ_TABLE:
            inv, table = gptj_sincos(max_pos, rot_dim)
        per_type[ty] = {"invFreq": inv, "attentionScaling": att, "info": info}
        if t == "none":
            # Llama 4 NoPE layer: no rotation; with attn_temperature_tuning q is scaled per position
            temp = llama4_attn_scales(qpos, c) if c.get("attn_temperature_tuning") else None
            per_type[ty]["qOut"] = x * temp.view(1, 1, -1, 1) if temp is not None else x.clone()
            info["nope"] = True
            if temp is not None:
                big = torch.tensor([0, 1, 8190, 8191, 8192, 16382, 16383, 16384, 100000, max_pos - 1],
                                   dtype=torch.int64)
                out["queryScale"] = {"rule": "log1p(floor((cache_position + 1) / floor_scale)) * attn_scale + 1 "
                                             "(float32), NoPE layers only",
                                     "floorScale": c["floor_scale"], "attnScale": c["attn_scale"],
                                     "positions": ints(big), "scale": llama4_attn_scales(big, c)}
            continue

        # forward calls: (positions, seq_len) as HF's dynamic_rope_update sees them
        extra = []
        if t == "longrope":
            extra = [info["originalMaxPositionEmbeddings"]]
        if t in ("yarn", "llama3") and "original_max_position_embeddings" in r:
            extra = [r["original_max_position_embeddings"]]
        pos_all = sample_positions(max_pos, extra)
        plan = [("all", pos_all)]
        if t == "longrope":
            omp = info["originalMaxPositionEmbeddings"]
            plan = [("short", [p for p in pos_all if p < omp]), ("long", pos_all)]
        if t == "dynamic":
            plan = [("within", pos_all), ("beyond", sorted(set(pos_all) | {max_pos, max_pos + 1, 2 * max_pos - 1}))]
        for tag, plist in plan:
            pos = torch.tensor(plist, dtype=torch.int64)
            seq_len = int(pos.max()) + 1
            inv_c, att_c = inv, att
            if t == "longrope":
                # see: modeling_rope_utils.py dynamic_rope_update -> longrope_frequency_update:
                # seq_len > original_max -> long factors (init fn with seq_len=original_max+1)
                omp = info["originalMaxPositionEmbeddings"]
                if seq_len > omp:
                    inv_c, att_c, _ = longrope_inv_freq(b, rot_dim, r, c, seq_len=omp + 1)
            if t == "dynamic" and seq_len > max_pos:
                inv_c = dynamic_inv_freq(b, rot_dim, r["factor"], max_pos, seq_len=seq_len)
            call = {"layerType": ty, "tag": tag, "positions": plist, "seqLen": seq_len}
            if tmt in GPTJ_TABLE:
                sincos = table[pos]
                sin, cos = torch.split(sincos, sincos.shape[-1] // 2, dim=-1)
            elif tmt in ("deepseek_v2", "llama4_text"):
                _, cis = apply_deepseek_v2(torch.zeros(1, 1, len(plist), rot_dim), inv_c, pos, att_c)
                cos, sin = cis.real.contiguous(), cis.imag.contiguous()
            else:
                cos, sin = rotary_forward(inv_c, pos, att_c, halves=(tmt != "gpt_oss"),
                                          repeat=(tmt in ("cohere", "glm")))
            call["cos"], call["sin"] = cos, sin
            if inv_c is not inv:
                call["invFreq"] = inv_c
            calls.append(call)

        # rotated q at positions 0..4 (seq_len 5, so no dynamic/long switch)
        cos5, sin5 = None, None
        if tmt in GPTJ_TABLE:
            q_out, cos5, sin5 = apply_gptj(x, qpos, table, rot_dim)
        elif tmt == "glm":
            cos5, sin5 = rotary_forward(inv, qpos, att)
            q_out = apply_glm(x, cos5, sin5)
        elif tmt == "llama4_text":
            q_out, _ = apply_deepseek_v2(x, inv, qpos, att)
        elif tmt == "cohere":
            cos5, sin5 = rotary_forward(inv, qpos, att, repeat=True)
            q_out = apply_cohere(x, cos5, sin5)
        elif tmt == "gpt_oss":
            cos5, sin5 = rotary_forward(inv, qpos, att, halves=False)
            q_out = apply_gpt_oss(x, cos5, sin5)
        elif tmt == "deepseek_v2":
            q_out, _ = apply_deepseek_v2(x, inv, qpos, att)
        elif tmt == "deepseek_v3":
            cos5, sin5 = rotary_forward(inv, qpos, att)
            q_out = apply_deepseek_v3(x, cos5, sin5, c.get("rope_interleave", True))
        else:
            cos5, sin5 = rotary_forward(inv, qpos, att)
            q_out = apply_halves(x, cos5, sin5, rot_dim)
        if tmt == "ministral3" and r.get("llama_4_scaling_beta") is not None:
            # see: models/ministral3/modeling_ministral3.py _get_llama_4_attn_scale (cache_position)
            beta, omp = r["llama_4_scaling_beta"], r["original_max_position_embeddings"]
            big = torch.tensor([0, 1, omp - 1, omp, 2 * omp, 5 * omp + 3, max_pos - 1], dtype=torch.int64)
            sc = 1 + beta * torch.log(1 + torch.floor(big / omp))
            out["queryScale"] = {"rule": "1 + beta*log(1 + floor(cache_position / original_max_position_embeddings))",
                                 "beta": beta, "original": omp, "positions": ints(big), "scale": sc}
            q_out = q_out * (1 + beta * torch.log(1 + torch.floor(qpos / omp))).unsqueeze(-1).to(q_out.dtype)
        per_type[ty]["qOut"] = q_out

    # InternLM2 ships its own modeling code (trust_remote_code): its dynamic NTK base is a Python
    # double (seq_len is an int there). Record that variant too, for the "beyond" call.
    if tmt == "internlm2" and rp["rope_type"] == "dynamic":
        sl = 2 * max_pos
        b2 = base * ((rp["factor"] * sl / max_pos) - (rp["factor"] - 1)) ** (rot_dim / (rot_dim - 2))
        out["remoteCodeDynamic"] = {"seqLen": sl, "base": b2,
                                    "invFreq": 1.0 / (b2 ** (torch.arange(0, rot_dim, 2).float() / rot_dim)),
                                    "note": "internlm2 modeling_internlm2.py InternLM2DynamicNTKScalingRotaryEmbedding"}
    out["qPositions"] = ints(qpos)
    return out, per_type, calls, arrays


# ---- multimodal rope (Qwen2-VL, Qwen2.5-VL chunked sections; Qwen3-VL interleaved sections) ------
def mrope_cos_sin(inv, pos3, scaling, section, interleaved):
    """cos/sin [rows, head_dim] for axis-major positions pos3 [3, rows] (temporal, height, width)."""
    # see: models/qwen2_vl/modeling_qwen2_vl.py Qwen2VLRotaryEmbedding.forward (freqs for all three axes,
    #      cat, cos/sin, times attention_scaling) + apply_multimodal_rotary_pos_emb (split the last dim by
    #      mrope_section * 2 and take axis i % 3 from the i-th chunk);
    #      models/qwen3_vl/modeling_qwen3_vl.py Qwen3VLTextRotaryEmbedding.forward + apply_interleaved_mrope
    #      (frequency k comes from H when k % 3 == 1 and k < 3*section[1], from W when k % 3 == 2 and
    #      k < 3*section[2], else from T; chosen before the cat and the cos)
    n = pos3.shape[1]
    inv_e = inv[None, None, :, None].float().expand(3, 1, -1, 1)
    pos_e = pos3[:, None, None, :].float()
    freqs = (inv_e.float() @ pos_e.float()).transpose(2, 3)  # (3, 1, rows, d/2)
    if interleaved:
        sel = freqs[0].clone()
        for axis in (1, 2):
            stop = section[axis] * 3
            sel[..., axis:stop:3] = freqs[axis, ..., axis:stop:3]
        emb = torch.cat((sel, sel), dim=-1)
        return (emb.cos() * scaling)[0], (emb.sin() * scaling)[0]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos_all, sin_all = emb.cos() * scaling, emb.sin() * scaling
    chunks = list(section) * 2
    cos = torch.cat([part[k % 3] for k, part in enumerate(cos_all.split(chunks, dim=-1))], dim=-1)
    sin = torch.cat([part[k % 3] for k, part in enumerate(sin_all.split(chunks, dim=-1))], dim=-1)
    assert cos.shape == (1, n, inv.shape[0] * 2)
    return cos[0], sin[0]


def mrope_freq_axis(half, section, interleaved):
    """Which axis (0 T, 1 H, 2 W) each of the head_dim/2 frequencies takes its position from."""
    if interleaved:
        axis = [0] * half
        for a in (1, 2):
            for k in range(a, section[a] * 3, 3):
                axis[k] = a
        return axis
    return [0] * section[0] + [1] * section[1] + [2] * section[2]


def mrope_positions(max_pos):
    """Axis-major [3, rows] positions like a chat turn: text, corners of a 1x2x3 image grid, text, two
    cells of a 2-frame video grid (temporal step 2), then two far rows (distinct axes; the last valid
    position)."""
    rows = [(0, 0, 0), (2, 2, 2)]
    rows += [(3, 3, 3), (3, 3, 5), (3, 4, 3), (3, 4, 5)]
    rows += [(6, 6, 6)]
    rows += [(7, 7, 7), (9, 7, 8)]
    rows += [(5000, 5003, 5007), (max_pos - 1, max_pos - 1, max_pos - 1)]
    return torch.tensor(rows, dtype=torch.int64).t().contiguous()


def mrope_case(name, cfg):
    c = dict(text_config(cfg))
    mt = cfg["model_type"]
    tmt = c.get("model_type", mt)
    d = dict(DEFAULTS.get(tmt, DEFAULTS.get(mt, {})))
    filled = {k: v for k, v in d.items() if k not in c}
    for k, v in d.items():
        c.setdefault(k, v)
    heads = c["num_attention_heads"]
    head_dim = c.get("head_dim") or c["hidden_size"] // heads
    rp = rope_params(c)
    if rp["rope_type"] != "default":
        raise SystemExit("%s: mrope with rope type %s not handled" % (name, rp["rope_type"]))
    section = list(rp["mrope_section"])
    interleaved = bool(rp.get("mrope_interleaved", False))
    assert sum(section) * 2 == head_dim
    base = rp["rope_theta"]
    max_pos = c["max_position_embeddings"]
    inv = default_inv_freq(base, head_dim)
    att = 1.0
    pos3 = mrope_positions(max_pos)
    cos, sin = mrope_cos_sin(inv, pos3, att, section, interleaved)
    # text-only rows (equal axes) must give plain rope's bits
    text_cols = [k for k in range(pos3.shape[1]) if pos3[0, k] == pos3[1, k] == pos3[2, k]]
    c1, s1 = rotary_forward(inv, pos3[0, text_cols], att)
    assert torch.equal(c1, cos[text_cols]) and torch.equal(s1, sin[text_cols])
    half = head_dim // 2
    assert torch.equal(cos[:, :half], cos[:, half:]) and torch.equal(sin[:, :half], sin[:, half:])
    x = det_x((1, 1, pos3.shape[1], head_dim), 4321)
    q_out = apply_halves(x, cos, sin, head_dim)
    n_layers = c["num_hidden_layers"]
    return {"kind": "mrope", "heads": heads, "headDim": head_dim, "rotaryDim": head_dim, "layout": "halves",
            "filledDefaults": filled, "ropeTheta": base, "ropeType": rp["rope_type"],
            "maxPositionEmbeddings": max_pos, "layerTypes": c.get("layer_types") or ["full_attention"] * n_layers,
            "softmaxScale": head_dim ** -0.5, "mropeSection": section, "mropeInterleaved": interleaved,
            "freqAxis": mrope_freq_axis(half, section, interleaved), "invFreq": inv, "attentionScaling": att,
            "positions": pos3, "textRows": text_cols, "cosHalf": cos[:, :half].contiguous(),
            "sinHalf": sin[:, :half].contiguous(), "x64": [int(v) for v in (x * 64).reshape(-1).tolist()],
            "xShape": list(x.shape), "qOut": q_out}


# ---- ALiBi ----------------------------------------------------------------------------------
def bloom_build_alibi(attention_mask, num_heads, dtype=F32):
    # see: models/bloom/modeling_bloom.py build_alibi_tensor
    batch_size, seq_length = attention_mask.shape
    closest = 2 ** math.floor(math.log2(num_heads))
    base = torch.tensor(2 ** (-(2 ** -(math.log2(closest) - 3))), dtype=F32)
    powers = torch.arange(1, 1 + closest, dtype=torch.int32)
    slopes = torch.pow(base, powers)
    if closest != num_heads:
        extra_base = torch.tensor(2 ** (-(2 ** -(math.log2(2 * closest) - 3))), dtype=F32)
        n_rem = min(closest, num_heads - closest)
        extra_powers = torch.arange(1, 1 + 2 * n_rem, 2, dtype=torch.int32)
        slopes = torch.cat([slopes, torch.pow(extra_base, extra_powers)], dim=0)
    arange_tensor = ((attention_mask.cumsum(dim=-1) - 1) * attention_mask)[:, None, :]
    alibi = slopes[..., None] * arange_tensor
    return slopes, alibi.reshape(batch_size * num_heads, 1, seq_length).to(dtype)


def falcon_build_alibi(attention_mask, num_heads, dtype=F32):
    # see: models/falcon/modeling_falcon.py build_alibi_tensor: BLOOM's float32 slopes, rounded to
    # bfloat16 before they multiply the (int64) positions, so the product is bfloat16; then cast to dtype
    batch_size, seq_length = attention_mask.shape
    slopes, _ = bloom_build_alibi(attention_mask, num_heads)
    positions = ((attention_mask.cumsum(dim=-1) - 1) * attention_mask)[:, None, :]
    alibi = slopes[..., None].bfloat16() * positions
    assert alibi.dtype == torch.bfloat16
    return slopes, alibi.reshape(batch_size * num_heads, 1, seq_length).to(dtype)


def mpt_build_alibi(num_heads, sequence_length, alibi_bias_max=8):
    """Slopes [heads] and bias [heads, 1, sequence_length] (distance to the last key times the slope)."""
    # see: models/mpt/modeling_mpt.py build_mpt_alibi_tensor: int32 distances 1-L..0; slopes 1/2**(k*max/n2)
    # for k = 1..n2 (n2 = heads rounded up to a power of two) in float32; for other head counts the odd-k
    # slopes come first, then the even-k ones, cut to heads
    distance = torch.arange(1 - sequence_length, 1, dtype=torch.int32).view(1, 1, 1, sequence_length)
    n2 = 2 ** math.ceil(math.log2(num_heads))
    exponent = torch.arange(1, n2 + 1, dtype=torch.int64).float() * (alibi_bias_max / n2)
    slopes = (1.0 / torch.pow(2, exponent)).view(1, n2, 1, 1)
    if n2 != num_heads:
        slopes = torch.cat([slopes[:, 1::2, ...], slopes[:, ::2, ...]], dim=1)[:, :num_heads, ...]
    return slopes.reshape(-1), (distance * slopes).squeeze(0)


def alibi_case(name, cfg):
    c = dict(cfg)
    mt = c["model_type"]
    mask = torch.tensor([[0, 0, 0, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 1]], dtype=torch.int64)
    if mt == "mpt":
        # see: models/mpt/modeling_mpt.py MptModel.forward (bias built for max_seq_len with the default
        # alibi_bias_max 8, whatever attn_config says; MptAttention keeps its last key_length columns, so
        # the bias is relative to the last key and does not depend on padding) and MptAttention.__init__
        d = DEFAULTS["mpt"]
        attn = dict(c.get("attn_config") or {})
        filled = {k: v for k, v in d.items() if k not in c and k not in attn}
        heads = c.get("n_heads", d["n_heads"])
        hidden = c.get("d_model", d["d_model"])
        max_seq = c.get("max_seq_len", d["max_seq_len"])
        bias_max_cfg = attn.get("alibi_bias_max", d["alibi_bias_max"])
        sm = attn.get("softmax_scale")
        out = {"kind": "alibi", "alibiStyle": "mpt", "heads": heads, "headDim": hidden // heads,
               "filledDefaults": filled, "softmaxScale": sm if sm is not None else 1 / math.sqrt(hidden / heads),
               "layerTypes": ["full_attention"] * c.get("n_layers", 0), "alibiEnabled": bool(attn.get("alibi")),
               "alibiBiasMaxConfig": bias_max_cfg, "alibiBiasMaxUsed": 8, "maxSeqLen": max_seq, "keyLength": 9,
               "note": "bias[h, 0, j] = slope[h] * (j - (keyLength - 1)); the same for every query row and "
                       "for padded rows", "variants": []}
        for h in [heads] + [v for v in (16, 12, 40) if v != heads]:
            slopes, full = mpt_build_alibi(h, max_seq)
            bias = full[:, :, max_seq - 9:]
            slopes9, direct = mpt_build_alibi(h, 9)
            assert torch.equal(bias, direct) and torch.equal(slopes, slopes9)
            out["variants"].append({"heads": h, "alibiBiasMax": 8, "slopes": slopes, "alibi": bias.contiguous()})
        if bias_max_cfg != 8:
            slopes, bias = mpt_build_alibi(heads, 9, bias_max_cfg)
            out["variants"].append({"heads": heads, "alibiBiasMax": bias_max_cfg, "notUsedByHF": True,
                                    "slopes": slopes, "alibi": bias})
        return out
    if mt == "falcon":
        d = DEFAULTS["falcon"]
        filled = {k: v for k, v in d.items() if k not in c}
        heads = c.get("num_attention_heads") or c.get("n_head") or d["num_attention_heads"]
        hidden = c["hidden_size"]
        head_dim = hidden // heads
        out = {"kind": "alibi", "alibiStyle": "falcon", "heads": heads, "headDim": head_dim, "filledDefaults": filled,
               "softmaxScale": 1.0 / math.sqrt(head_dim),
               "layerTypes": ["full_attention"] * (c.get("num_hidden_layers") or c.get("n_layer", 0)),
               "mask": mask.tolist(),
               "note": "slopes as BLOOM, rounded to bfloat16 before the multiply; eager attention adds the "
                       "bias to the float32 scores and then multiplies by 1/sqrt(head_dim), sdpa puts "
                       "alibi / sqrt(head_dim) into the mask", "variants": []}
        for h in [heads] + [v for v in (16, 12, 40) if v != heads]:
            slopes, alibi = falcon_build_alibi(mask, h)
            alibi = alibi.reshape(2, h, 9)
            v = {"heads": h, "slopes": slopes, "slopesBf16": slopes.bfloat16().float(), "alibi": alibi}
            if h == heads:
                # see: models/falcon/modeling_falcon.py FalconModel._update_causal_mask (alibi / sqrt(head_dim))
                v["sdpaBias"] = alibi / math.sqrt(head_dim)
            out["variants"].append(v)
        return out
    d = DEFAULTS["bloom"]
    filled = {k: v for k, v in d.items() if k not in c}
    heads = c.get("n_head") or c.get("num_attention_heads") or d["n_head"]
    hidden = c.get("hidden_size") or c.get("n_embed")
    out = {"kind": "alibi", "alibiStyle": "bloom", "heads": heads, "headDim": hidden // heads,
           "filledDefaults": filled, "softmaxScale": (hidden // heads) ** -0.5,
           "layerTypes": ["full_attention"] * c.get("n_layer", 0), "mask": mask.tolist(), "variants": []}
    for h in [heads] + [v for v in (16, 12, 40) if v != heads]:
        slopes, alibi = bloom_build_alibi(mask, h)
        out["variants"].append({"heads": h, "slopes": slopes, "alibi": alibi.reshape(2, h, 9)})
    return out


# ---- T5 relative position bias ---------------------------------------------------------------
def t5_bucket(relative_position, bidirectional, num_buckets, max_distance):
    # see: models/t5/modeling_t5.py T5Attention._relative_position_bucket (float32 log, .to(long) truncation)
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    rp_large = max_exact + (
        torch.log(relative_position.float() / max_exact) / math.log(max_distance / max_exact) * (num_buckets - max_exact)
    ).to(torch.long)
    rp_large = torch.min(rp_large, torch.full_like(rp_large, num_buckets - 1))
    relative_buckets += torch.where(is_small, relative_position, rp_large)
    return relative_buckets


def umt5_bucket(relative_position, is_decoder, num_buckets, max_distance):
    # see: models/umt5/modeling_umt5.py UMT5Attention._relative_position_bucket (bidirectional unless
    # is_decoder; the log ratio is formed, then scaled, then truncated with .to(long))
    buckets = 0
    if not is_decoder:
        num_buckets //= 2
        buckets += (relative_position > 0).to(torch.long) * num_buckets
        distance = torch.abs(relative_position)
    else:
        distance = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    ratio = torch.log(distance.float() / max_exact) / math.log(max_distance / max_exact)
    ratio = ratio * (num_buckets - max_exact)
    large = torch.min(max_exact + ratio.to(torch.long), torch.full_like(distance, num_buckets - 1))
    return buckets + torch.where(distance < max_exact, distance, large)


def t5_case(name, cfg):
    c = dict(cfg)
    mt = c.get("model_type", "t5")
    d = DEFAULTS.get(mt, DEFAULTS["t5"])
    filled = {k: v for k, v in d.items() if k not in c}
    for k, v in d.items():
        c.setdefault(k, v)
    nb, md, h = c["relative_attention_num_buckets"], c["relative_attention_max_distance"], c["num_heads"]
    note = {"umt5": "UMT5 does not scale scores by 1/sqrt(d); every self-attention layer has its own "
                    "relative_attention_bias table (same buckets, per-layer weights); cross-attention has none",
            "switch_transformers": "as T5: no 1/sqrt(d); the bias is computed in layer 0 of each stack and "
                                   "shared by its layers"}.get(
        mt, "T5 does not scale scores by 1/sqrt(d); the bias is computed in layer 0 and shared by all layers")
    out = {"kind": "relative-bias", "heads": h, "headDim": c.get("d_kv"), "numBuckets": nb, "maxDistance": md,
           "filledDefaults": filled, "softmaxScale": 1.0, "biasPerLayer": mt == "umt5", "note": note,
           "cases": []}
    g = torch.Generator().manual_seed(77)
    weight = torch.randint(-128, 129, (nb, h), generator=g).to(F32) / 64.0
    out["weight"] = weight
    # see: T5Attention.compute_bias(query_length, key_length, cache_position): context = cache_position
    for (ql, kl, off, bidi, tag) in [(7, 9, 0, True, "encoder 7x9"), (7, 9, 0, False, "decoder 7x9"),
                                      (1, 300, 299, False, "decoder cached step 1x300 (query at 299)"),
                                      (4, 1200, 1196, True, "long bidirectional 4x1200 (offset 1196)")]:
        ctx = torch.arange(off, off + ql, dtype=torch.long)[:, None]
        mem = torch.arange(kl, dtype=torch.long)[None, :]
        rel = mem - ctx
        buckets = t5_bucket(rel, bidi, nb, md)
        if mt == "umt5":
            alt = umt5_bucket(rel, not bidi, nb, md)
            assert torch.equal(alt, buckets)
            buckets = alt
        bias = torch.nn.functional.embedding(buckets, weight).permute([2, 0, 1]).unsqueeze(0)
        out["cases"].append({"tag": tag, "queryLength": ql, "keyLength": kl, "queryOffset": off,
                             "bidirectional": bidi, "buckets": buckets, "bias": bias})
    return out


# ---- learned / sinusoidal ---------------------------------------------------------------------
def whisper_sinusoids(length, channels, max_timescale=10000):
    # see: models/whisper/modeling_whisper.py sinusoids
    increment = math.log(max_timescale) / (channels // 2 - 1)
    inv = torch.exp(-increment * torch.arange(channels // 2))
    scaled = torch.arange(length).view(-1, 1) * inv.view(1, -1)
    return torch.cat([scaled.sin(), scaled.cos()], dim=1)


def fairseq_get_embedding(num, dim, padding_idx):
    # see: models/m2m_100/modeling_m2m_100.py M2M100SinusoidalPositionalEmbedding.get_embedding
    half = dim // 2
    emb = math.log(10000) / (half - 1)
    emb = torch.exp(torch.arange(half, dtype=torch.int64).float() * -emb)
    emb = torch.arange(num, dtype=torch.int64).float().unsqueeze(1) * emb.unsqueeze(0)
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1).view(num, -1)
    if dim % 2 == 1:
        emb = torch.cat([emb, torch.zeros(num, 1)], dim=1)
    if padding_idx is not None:
        emb[padding_idx, :] = 0
    return emb.to(torch.get_default_dtype())


def marian_init_weight(n_pos, dim):
    # see: models/marian/modeling_marian.py MarianSinusoidalPositionalEmbedding._init_weight (numpy
    # float64 table, sin into the first half and cos into the second, then float32)
    position_enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.empty(n_pos, dim, dtype=F32)
    sentinel = dim // 2 if dim % 2 == 0 else (dim // 2) + 1
    out[:, 0:sentinel] = torch.FloatTensor(np.sin(position_enc[:, 0::2]))
    out[:, sentinel:] = torch.FloatTensor(np.cos(position_enc[:, 1::2]))
    return out


def fsmt_get_embedding(num, dim, padding_idx):
    # see: models/fsmt/modeling_fsmt.py SinusoidalPositionalEmbedding.get_embedding (the same float32
    # steps as M2M100's, without the final cast to the default dtype)
    half = dim // 2
    step = math.log(10000) / (half - 1)
    freq = torch.exp(torch.arange(half, dtype=torch.int64).float() * -step)
    angle = torch.arange(num, dtype=torch.int64).float().unsqueeze(1) * freq.unsqueeze(0)
    table = torch.cat([torch.sin(angle), torch.cos(angle)], dim=1).view(num, -1)
    if dim % 2 == 1:
        table = torch.cat([table, torch.zeros(num, 1)], dim=1)
    if padding_idx is not None:
        table[padding_idx, :] = 0
    return table


def fsmt_make_positions(input_ids, padding_idx):
    # see: models/fsmt/modeling_fsmt.py SinusoidalPositionalEmbedding.make_positions
    keep = input_ids.ne(padding_idx).int()
    return (torch.cumsum(keep, dim=1).type_as(keep) * keep).long() + padding_idx


def distilbert_sinusoidal(n_pos, dim):
    # see: models/distilbert/modeling_distilbert.py _create_sinusoidal_embeddings
    angle = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.empty(n_pos, dim, dtype=F32)
    out[:, 0::2] = torch.FloatTensor(np.sin(angle[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(angle[:, 1::2]))
    return out


def create_position_ids_from_input_ids(input_ids, padding_idx, past_key_values_length=0):
    # see: models/roberta/modeling_roberta.py / m2m_100 create_position_ids_from_input_ids
    mask = input_ids.ne(padding_idx).int()
    incremental = (torch.cumsum(mask, dim=1).type_as(mask) + past_key_values_length) * mask
    return incremental.long() + padding_idx


def learned_case(name, cfg):
    c = dict(cfg)
    mt = c["model_type"]
    d = DEFAULTS.get(mt, {})
    filled = {k: v for k, v in d.items() if k not in c}
    for k, v in d.items():
        c.setdefault(k, v)
    pad = c.get("pad_token_id")
    # batch of 2 with left padding in row 0, and a cached step (pastLength 6)
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], dtype=torch.int64)
    tok = torch.where(mask.bool(), torch.tensor(500), torch.tensor(pad if pad is not None else 0))
    out = {"kind": "learned", "filledDefaults": filled, "attentionMask": mask.tolist(), "inputIds": tok.tolist(),
           "positionIds": {}}
    P = out["positionIds"]
    if mt in ("gpt2", "gpt_bigcode"):
        out["tableRows"] = c.get("n_positions")
        out["heads"] = c.get("n_head")
        out["headDim"] = c["n_embd"] // c["n_head"]
        # see: models/gpt2/modeling_gpt2.py GPT2Model.forward: cache_position = past + arange
        P["plain"] = torch.arange(0, 6).unsqueeze(0).expand(2, -1)
        P["past6"] = torch.arange(6, 12).unsqueeze(0).expand(2, -1)
        # see: generation/utils.py prepare_inputs_for_generation: left-padded generation derives
        # position_ids = attention_mask.long().cumsum(-1) - 1; masked_fill_(mask == 0, 1)
        pid = mask.long().cumsum(-1) - 1
        pid.masked_fill_(mask == 0, 1)
        P["generateLeftPadded"] = pid
    elif mt in ("bart", "mbart"):
        out["tableRows"] = c["max_position_embeddings"] + 2
        out["offset"] = 2
        out["heads"] = c.get("encoder_attention_heads")
        out["headDim"] = c["d_model"] // c["encoder_attention_heads"]
        # see: models/bart/modeling_bart.py BartLearnedPositionalEmbedding.forward: past + arange + offset 2
        P["plain"] = torch.arange(0, 6).unsqueeze(0).expand(2, -1) + 2
        P["past6"] = torch.arange(6, 12).unsqueeze(0).expand(2, -1) + 2
    elif mt in ("bert",):
        out["tableRows"] = c["max_position_embeddings"]
        out["heads"] = c["num_attention_heads"]
        out["headDim"] = c["hidden_size"] // c["num_attention_heads"]
        out["positionEmbeddingType"] = c.get("position_embedding_type", "absolute")
        # see: models/bert/modeling_bert.py BertEmbeddings: position_ids[:, past : past + seq_length]
        P["plain"] = torch.arange(0, 6).unsqueeze(0).expand(2, -1)
        P["past6"] = torch.arange(6, 12).unsqueeze(0).expand(2, -1)
    elif mt == "opt":
        out["tableRows"] = c["max_position_embeddings"] + 2
        out["offset"] = 2
        out["heads"] = c["num_attention_heads"]
        out["headDim"] = c["hidden_size"] // c["num_attention_heads"]
        # see: models/opt/modeling_opt.py OPTDecoder.forward / OPTLearnedPositionalEmbedding: position_ids =
        # cumsum(mask) * mask - 1 (padding -> -1), cut to the new tokens, looked up at position_ids + 2
        def opt_ids(m, past):
            pid = (torch.cumsum(m, dim=1) * m - 1).long()
            return pid[:, past:] + 2
        P["plain"] = opt_ids(mask, 0)
        full = torch.ones(2, 12, dtype=torch.int64)
        P["past6"] = opt_ids(full, 6)
        padded_past = torch.cat([mask, torch.ones(2, 6, dtype=torch.int64)], dim=1)
        P["leftPaddedPast6"] = opt_ids(padded_past, 6)
        out["leftPaddedPast6Mask"] = padded_past.tolist()
    elif mt in ("roberta", "xlm-roberta"):
        out["tableRows"] = c["max_position_embeddings"]
        out["heads"] = c["num_attention_heads"]
        out["headDim"] = c["hidden_size"] // c["num_attention_heads"]
        out["positionEmbeddingType"] = c.get("position_embedding_type", "absolute")
        out["paddingIdx"] = pad
        # see: models/roberta/modeling_roberta.py RobertaEmbeddings.forward +
        # create_position_ids_from_input_ids: (cumsum(non-pad) + past) * non-pad + padding_idx
        P["plain"] = create_position_ids_from_input_ids(tok, pad)
        P["past6"] = create_position_ids_from_input_ids(tok, pad, 6)
    elif mt == "distilbert":
        out["tableRows"] = c["max_position_embeddings"]
        out["heads"] = c["n_heads"]
        out["headDim"] = c["dim"] // c["n_heads"]
        out["sinusoidalPosEmbds"] = bool(c.get("sinusoidal_pos_embds"))
        # see: models/distilbert/modeling_distilbert.py Embeddings.forward: position_ids[:, :seq_length]
        # (no padding offset, no cache); the table is trained when sinusoidal_pos_embds is false
        P["plain"] = torch.arange(0, 6).unsqueeze(0).expand(2, -1)
    elif mt == "whisper":
        out["kind"] = "learned"
        out["heads"] = c["decoder_attention_heads"]
        out["headDim"] = c["d_model"] // c["decoder_attention_heads"]
        out["tableRows"] = c["max_target_positions"]
        out["encoder"] = {"kind": "sinusoidal", "rows": c["max_source_positions"], "dim": c["d_model"],
                          "note": "WhisperEncoder.embed_positions is filled with sinusoids() and not trained"}
        # see: models/whisper/modeling_whisper.py WhisperPositionalEmbedding.forward (past : past + len)
        P["plain"] = torch.arange(0, 6).unsqueeze(0).expand(2, -1)
        P["past6"] = torch.arange(6, 12).unsqueeze(0).expand(2, -1)
        table = whisper_sinusoids(c["max_source_positions"], c["d_model"])
        rows = [0, 1, 2, 3, 100, 1000, c["max_source_positions"] - 1]
        out["encoder"]["sampleRows"] = rows
        out["encoder"]["table"] = table[rows]
    out["positionIds"] = {k: v.contiguous() for k, v in P.items()}
    return out


def sinusoidal_case(name, cfg):
    c = dict(cfg)
    mt = c["model_type"]
    d = DEFAULTS.get(mt, {})
    filled = {k: v for k, v in d.items() if k not in c}
    for k, v in d.items():
        c.setdefault(k, v)
    pad = c.get("pad_token_id")
    dim = c.get("d_model") or c.get("dim")
    heads = c.get("encoder_attention_heads") or c.get("n_heads")
    out = {"kind": "sinusoidal", "filledDefaults": filled, "heads": heads, "headDim": dim // heads, "dim": dim,
           "embedScale": math.sqrt(dim) if c.get("scale_embedding") else 1.0}
    mask = torch.tensor([[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], dtype=torch.int64)
    tok = torch.where(mask.bool(), torch.tensor(500), torch.tensor(pad))
    out["inputIds"] = tok.tolist()
    if mt == "marian":
        rows_n = c["max_position_embeddings"]
        table = marian_init_weight(rows_n, dim)
        out["layout"] = "sin first half (even-j angles), cos second half (odd-j angles); float64 numpy then float32"
        out["positionIds"] = {"plain": torch.arange(0, 6).unsqueeze(0).expand(2, -1).contiguous(),
                              "past6": torch.arange(6, 12).unsqueeze(0).expand(2, -1).contiguous()}
        rows = [0, 1, 2, 3, 7, 100, 255, rows_n - 1]
    elif mt == "pegasus":
        # see: models/pegasus/modeling_pegasus.py PegasusSinusoidalPositionalEmbedding._init_weight (numpy
        # float64, sin of even-j angles then cos of odd-j angles, then float32) and .forward (past + arange)
        rows_n = c["max_position_embeddings"]
        table = marian_init_weight(rows_n, dim)
        out["layout"] = "sin first half (even-j angles), cos second half (odd-j angles); float64 numpy then float32"
        out["positionIds"] = {"plain": torch.arange(0, 6).unsqueeze(0).expand(2, -1).contiguous(),
                              "past6": torch.arange(6, 12).unsqueeze(0).expand(2, -1).contiguous()}
        rows = [0, 1, 2, 3, 7, 100, 255, rows_n - 1]
    elif mt == "fsmt":
        # see: models/fsmt/modeling_fsmt.py SinusoidalPositionalEmbedding (get_embedding with
        # num_positions = max_position_embeddings + padding_idx + 1; make_positions = cumsum(non-pad) *
        # non-pad + padding_idx, no past offset: with a cache the decoder embeds all ids, keeps the last)
        out["heads"] = c["encoder_attention_heads"]
        rows_n = c["max_position_embeddings"] + pad + 1
        table = fsmt_get_embedding(rows_n, dim, pad)
        out["layout"] = "fairseq get_embedding: [sin | cos] halves, exp(-k*ln(1e4)/(half-1)), row padding_idx zero"
        out["offset"] = pad + 1
        full = torch.where(torch.ones(2, 12, dtype=torch.bool), torch.tensor(500), torch.tensor(pad))
        full[0, :2] = pad
        out["positionIds"] = {"plain": fsmt_make_positions(tok, pad),
                              "cachedStepOf12": fsmt_make_positions(full, pad)[:, -1:].contiguous()}
        out["cachedStepInputIds"] = full.tolist()
        rows = [0, 1, 2, 3, 4, 100, 513, rows_n - 1]
    elif mt == "speech_to_text":
        # see: models/speech_to_text/modeling_speech_to_text.py Speech2TextSinusoidalPositionalEmbedding
        # (get_embedding of num_positions + 2 rows, row padding_idx zero; positions from
        # create_position_ids_from_input_ids) for the decoder (max_target_positions) and the encoder
        # (max_source_positions), whose "ids" are padding_mask = attention_mask.ne(1): frames count as
        # tokens because 0 != padding_idx (1)
        out["heads"] = c["decoder_attention_heads"]
        out["headDim"] = dim // c["decoder_attention_heads"]
        rows_n = c["max_target_positions"] + 2
        table = fairseq_get_embedding(rows_n, dim, pad)
        out["layout"] = "fairseq get_embedding: [sin | cos] halves, exp(-k*ln(1e4)/(half-1)), row padding_idx zero"
        out["offset"] = 2
        out["positionIds"] = {"plain": create_position_ids_from_input_ids(tok, pad),
                              "past6": create_position_ids_from_input_ids(tok, pad, 6)}
        rows = [0, 1, 2, 3, 4, 100, 513, rows_n - 1]
        frames = torch.tensor([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1]], dtype=torch.int64)
        padding_mask = frames.ne(1).long()
        enc_rows = c["max_source_positions"] + 2
        enc_table = fairseq_get_embedding(enc_rows, dim, pad)
        enc_sample = [0, 1, 2, 3, 1000, enc_rows - 1]
        out["encoder"] = {"kind": "sinusoidal", "rows": enc_rows, "dim": dim, "frameMask": frames.tolist(),
                          "positionIds": create_position_ids_from_input_ids(padding_mask, pad),
                          "sampleRows": enc_sample, "table": enc_table[enc_sample]}
    elif mt == "distilbert":
        # see: models/distilbert/modeling_distilbert.py _create_sinusoidal_embeddings (numpy float64
        # angles pos / 10000**(2*(j//2)/dim); sin into even columns, cos into odd columns; float32)
        out["heads"] = c["n_heads"]
        out["headDim"] = c["dim"] // c["n_heads"]
        out["dim"] = dim = c["dim"]
        out["embedScale"] = 1.0
        rows_n = c["max_position_embeddings"]
        table = distilbert_sinusoidal(rows_n, dim)
        out["layout"] = "interleaved: sin at even columns, cos at odd columns; float64 numpy then float32"
        out["positionIds"] = {"plain": torch.arange(0, 6).unsqueeze(0).expand(2, -1).contiguous()}
        out["note"] = ("the checkpoint stores position_embeddings.weight; HF fills it with this table only "
                       "when the weight is missing; DistilBERT was trained with it frozen")
        rows = [0, 1, 2, 3, 7, 100, 255, rows_n - 1]
    else:  # m2m_100 / nllb (same get_embedding as fsmt, speech_to_text)
        rows_n = c["max_position_embeddings"] + 2 + 1  # num_positions + offset(2); table grows on demand
        table = fairseq_get_embedding(c["max_position_embeddings"] + 2, dim, pad)
        out["layout"] = "fairseq get_embedding: [sin | cos] halves, exp(-k*ln(1e4)/(half-1)), row padding_idx zero"
        out["offset"] = 2
        out["positionIds"] = {"plain": create_position_ids_from_input_ids(tok, pad),
                              "past6": create_position_ids_from_input_ids(tok, pad, 6)}
        rows = [0, 1, 2, 3, 4, 100, 513, c["max_position_embeddings"] + 1]
    out["tableRows"] = table.shape[0]
    out["sampleRows"] = rows
    out["table"] = table[rows]
    return out


# ---------------------------------------------------------------------------------------------
def kind_of(cfg):
    mt = cfg.get("model_type")
    tmt = text_config(cfg).get("model_type", mt)
    if mt in MROPE or tmt in MROPE:
        return "mrope"
    if mt == "bloom" or (mt == "falcon" and cfg.get("alibi")):
        return "alibi"
    if mt == "mpt":
        # MPT without attn_config.alibi uses a learned table (learned_pos_emb); no such checkpoint here
        return "alibi" if (cfg.get("attn_config") or {}).get("alibi") else "none"
    if mt in HALVES or mt in INTERLEAVED or tmt in HALVES or tmt in INTERLEAVED:
        return "rope"
    if mt in ("t5", "mt5", "umt5", "switch_transformers"):
        return "relative-bias"
    if mt == "distilbert":
        return "sinusoidal" if cfg.get("sinusoidal_pos_embds") else "learned"
    if mt in ("gpt2", "gpt_bigcode", "opt", "bart", "mbart", "bert", "roberta", "xlm-roberta", "whisper"):
        return "learned"
    if mt in ("marian", "pegasus", "m2m_100", "speech_to_text", "fsmt"):
        return "sinusoidal"
    return "none"


def jsonable(v, stem, manifest_mode):
    """Tensors -> manifest file entries (manifest) or hex/int lists (fixture)."""
    if isinstance(v, torch.Tensor):
        if manifest_mode:
            return save(stem, v)
        if v.dtype in (torch.int64, torch.int32, torch.bool):
            return {"shape": list(v.shape), "i": ints(v)}
        return fx(v)
    if isinstance(v, dict):
        return {k: jsonable(x, stem + "-" + str(k), manifest_mode) for k, x in v.items()}
    if isinstance(v, list):
        return [jsonable(x, stem + "-" + str(i), manifest_mode) for i, x in enumerate(v)]
    return v


def fixture_calls(calls, expand):
    """Fixture keeps a subset of each call's positions (both ends, around the switch points) and
    only the distinct angle columns: cos/sin = expand(cosHalf/sinHalf), expand being 'cat'
    (cat((h, h))), 'repeat_interleave' (Cohere) or 'none' (gpt-oss, GPT-J table, DeepSeek-V2 cis)."""
    res = []
    for call in calls:
        pos = call["positions"]
        n = len(pos)
        keep = {0, 1, n - 2, n - 1}
        for i, p in enumerate(pos):
            if p in (4095,) or call["tag"] in ("short", "long", "within", "beyond") and i in (n // 2,):
                keep.add(i)
        for i in range(n):  # the switch points (original_max_position_embeddings and around)
            if i > 0 and pos[i] - pos[i - 1] == 1 and pos[i] > 100:
                keep.add(i)
        keep = sorted(k for k in keep if 0 <= k < n)
        cos, sin = call["cos"][keep], call["sin"][keep]
        h = cos.shape[-1] // 2
        if expand == "cat":
            assert torch.equal(cos[:, :h], cos[:, h:]) and torch.equal(sin[:, :h], sin[:, h:])
            cos, sin = cos[:, :h], sin[:, :h]
        elif expand == "repeat_interleave":
            assert torch.equal(cos[:, 0::2], cos[:, 1::2])
            cos, sin = cos[:, 0::2], sin[:, 0::2]
        cc = {k: call[k] for k in ("layerType", "tag", "seqLen")}
        cc["positions"] = [pos[i] for i in keep]
        cc["cosHalf"], cc["sinHalf"] = cos.contiguous(), sin.contiguous()
        if "invFreq" in call:
            cc["invFreq"] = call["invFreq"]
        res.append(cc)
    return res


def main():
    index = json.load(open(os.path.join(MODELS, "index.json")))
    manifest = {"torch": torch.__version__, "semantics": "transformers 4.5x/5.0 model code", "models": []}
    fixture = {"torch": torch.__version__, "note": "written by scripts/parity/model_refs.py --fixture",
               "models": []}
    for entry in index:
        fn = entry["file"]
        cfg = json.load(open(os.path.join(MODELS, fn)))
        stem = fn[:-5]
        kind = kind_of(cfg)
        head = {"file": fn, "checkpoint": entry["checkpoint"], "model_type": cfg.get("model_type"), "kind": kind}
        if kind == "rope":
            summary, per_type, calls, arrays = rope_case(stem, cfg)
            head.update(summary)
            m = dict(head)
            m["layers"] = {ty: jsonable({"invFreq": v["invFreq"], "attentionScaling": v["attentionScaling"],
                                         "info": v["info"], "qOut": v["qOut"]}, stem + "-" + ty, True)
                           for ty, v in per_type.items()}
            m["calls"] = [jsonable(cl, "%s-call%d" % (stem, i), True) for i, cl in enumerate(calls)]
            m["x"] = save(stem + "-x", arrays["x"])
            for k in ("queryScale", "remoteCodeDynamic"):
                if k in summary:
                    m[k] = jsonable(summary[k], stem + "-" + k, True)
            manifest["models"].append(m)
            f = dict(head)
            f["layers"] = {ty: jsonable({"invFreq": v["invFreq"], "attentionScaling": v["attentionScaling"],
                                         "info": v["info"], "qOut": v["qOut"]}, "", False)
                           for ty, v in per_type.items()}
            mt_ = text_config(cfg).get("model_type", cfg["model_type"])
            expand = ("none" if mt_ in ("gpt_oss", "gptj", "codegen", "deepseek_v2", "llama4_text") else
                      "repeat_interleave" if mt_ in ("cohere", "glm") else "cat")
            f["cosSinExpand"] = expand
            f["calls"] = jsonable(fixture_calls(calls, expand), "", False)
            f["x64"] = [int(v) for v in (arrays["x"] * 64).reshape(-1).tolist()]
            f["xShape"] = list(arrays["x"].shape)
            for k in ("queryScale", "remoteCodeDynamic"):
                if k in summary:
                    f[k] = jsonable(summary[k], "", False)
            fixture["models"].append(f)
            continue
        if kind == "mrope":
            body = mrope_case(stem, cfg)
        elif kind == "alibi":
            body = alibi_case(stem, cfg)
        elif kind == "relative-bias":
            body = t5_case(stem, cfg)
        elif kind == "learned":
            body = learned_case(stem, cfg)
        elif kind == "sinusoidal":
            body = sinusoidal_case(stem, cfg)
        else:
            body = {}
        head.update(body)
        manifest["models"].append(jsonable(head, stem, True))
        fh = jsonable(head, "", False)
        if kind == "relative-bias":  # long cases: buckets only (bias = weight[bucket] per head)
            for cs in fh["cases"]:
                if cs["keyLength"] >= 300:
                    del cs["bias"]
        for tab_key in ("table",):  # sinusoidal tables: 4 sample rows in the fixture
            if tab_key in head:
                keep_rows = [0, 2, len(head["sampleRows"]) - 3, len(head["sampleRows"]) - 1]
                fh["sampleRows"] = [head["sampleRows"][i] for i in keep_rows]
                fh["table"] = fx(head["table"][keep_rows])
        if "encoder" in head and "table" in head["encoder"]:
            keep_rows = [0, 2, len(head["encoder"]["sampleRows"]) - 1]
            fh["encoder"]["sampleRows"] = [head["encoder"]["sampleRows"][i] for i in keep_rows]
            fh["encoder"]["table"] = fx(head["encoder"]["table"][keep_rows])
        fixture["models"].append(fh)
    with open(os.path.join(OUT, "manifest.json"), "w") as fh_:
        json.dump(manifest, fh_)
    if FIXTURE:
        with open(FIXTURE, "w") as fh_:
            json.dump(fixture, fh_, separators=(",", ":"))
            fh_.write("\n")
    print("model_refs: %d models -> %s%s" % (len(manifest["models"]), OUT, (", fixture " + FIXTURE) if FIXTURE else ""))


main()
