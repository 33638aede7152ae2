// Public types of pe.model(config): a checkpoint's config.json read into the positional encoding
// its reference code computes (docs/conventions.md §17, README "Models").

import type { FloatArray, ModuleTensor } from '../core/types.js';
import type { RopeLayout, RopeOptions } from '../rope/types.js';
import type { SinusoidalOptions } from '../sinusoidal/types.js';

/**
 * How a model encodes positions:
 * - 'rope': rotary embedding of q and k (1-D positions);
 * - 'mrope': multi-axis rotary (Qwen2-VL / Qwen2.5-VL / Qwen3-VL, the Qwen2-VL vision tower),
 *   positions axis-major as pe.mropePositions returns them;
 * - 'learned': a trained table added to the token embeddings (rows from model.positions);
 * - 'sinusoidal': a fixed sin/cos table added to the token embeddings;
 * - 'alibi': a per-head linear bias added to the attention scores;
 * - 'relative-bias': T5's bucketed relative position bias added to the scores;
 * - 'none': no positional information (Llama 4 NoPE layers; configs that turn every scheme off).
 */
export type ModelKind = 'rope' | 'mrope' | 'learned' | 'sinusoidal' | 'alibi' | 'relative-bias' | 'none';

/** Which part of a composite config to read. */
export type ModelPart = 'text' | 'vision' | 'encoder' | 'decoder';

/** A checkpoint's parsed config.json: snake_case keys as Hugging Face saves them (transformers v4 or v5). */
export type ModelConfig = Readonly<Record<string, unknown>>;

export interface ModelOptions {
  /**
   * 'text' (default) reads `text_config` when the config nests one (multimodal wrappers);
   * 'vision' reads `vision_config` (supported: the Qwen2-VL / Qwen2.5-VL vision tower).
   * For encoder-decoder models (Whisper, T5 family, BART, mBART, Marian, Pegasus, M2M100,
   * Speech2Text, FSMT): 'decoder' (default) or 'encoder'.
   */
  part?: ModelPart;
}

/**
 * The plain posenc call that reproduces one layer's positions, as that function takes its options
 * (add `shape`, positions/offset, `out`): rope kinds → `pe.rope(x, { shape, ...options })`;
 * 'sinusoidal' → `pe.sinusoidal({ length, ...options })` (without `dim`, the `encoding` of
 * `pe.add`); 'learned' → `{ offset }` of `pe.add(x, { shape, encoding: table, ...options })`.
 * Frozen. null where no single plain call expresses the family (describe() says why).
 */
export type ModelPlainOptions =
  | Readonly<Omit<RopeOptions, 'shape' | 'positions' | 'offset' | 'out' | 'order' | 'seqLen'>>
  | Readonly<Omit<SinusoidalOptions, 'length' | 'positions' | 'offset' | 'out'>>
  | Readonly<{ offset: number }>;

/** One decoder layer (or encoder layer, for part 'encoder') of the model. */
export interface ModelLayer {
  /** Layer index (0-based). */
  readonly index: number;
  /** HF's layer type: 'full_attention', 'sliding_attention', 'chunked_attention', … */
  readonly type: string;
  /** This layer's scheme ('none': Llama 4 NoPE layers). */
  readonly kind: ModelKind;
  /** Rope kinds: ω_j (radians per position), Float32Array [rotaryDim/2], the float32 values the reference computes at its default sequence length; null otherwise. Layers of one type share it. */
  readonly invFreq: Float32Array | null;
  /** Multiplies cos and sin (HF attention_scaling; 1 when the family has none). */
  readonly attentionFactor: number;
  /** The plain posenc options of this layer (see ModelPlainOptions); null for 'none' layers and where one call cannot express it. */
  readonly options: ModelPlainOptions | null;
}

/** Positions of model.cosSin / model.queryScale: `positions`, or `length` tokens from `offset`. */
export interface ModelRowsOptions {
  /** Position ids (integers ≥ 0): [rows]; for 'mrope', axis-major [3·rows] (pe.mropePositions). */
  positions?: ArrayLike<number>;
  /** Rows offset, offset + 1, …, offset + length − 1 (with 'mrope', on every axis). */
  length?: number;
  /** First position with `length` (default 0; HF: past length / cache position). */
  offset?: number;
  /** Decoder layer (default: the model's top-level scheme, see ModelPositions). */
  layer?: number;
}

export interface ModelCosSinOptions extends ModelRowsOptions {
  /** Sequence length the frequencies are chosen for (dynamic NTK, LongRoPE; default max position + 1, HF's rule). */
  seqLen?: number;
  /** true: [rows, rotaryDim] in the pairing model.rope uses (halves: [c | c]; interleaved: each value twice). Default false: [rows, rotaryDim/2]. */
  expand?: boolean;
}

export interface ModelRopeOptions {
  /** [batch, heads, length, headDim] (order 'blhd': [batch, length, heads, headDim]); headDim = model.headDim (DeepSeek: the qk_rope_head_dim part only). */
  shape: readonly number[];
  /** Position ids: [length] or [batch·length] ('mrope': axis-major [3·length] or [3·batch·length]). */
  positions?: ArrayLike<number>;
  /** Position of the first token without `positions` (default 0). */
  offset?: number;
  /** Decoder layer (default: the top-level scheme). */
  layer?: number;
  /** See ModelCosSinOptions.seqLen. */
  seqLen?: number;
  /** 'bhld' (default, HF) or 'blhd'. */
  order?: 'bhld' | 'blhd';
  /** Where to write (x's dtype and size, or x itself). Default: a new array. */
  out?: FloatArray | ModuleTensor;
}

export interface ModelPositionIdsOptions {
  /** [batch, length] of the current tokens. */
  shape: readonly number[];
  /**
   * Token ids [batch·length] (RoBERTa / XLM-R / M2M100-style positions come from the pad tokens);
   * FSMT, which counts over the whole sequence, takes past and current ids [batch·(pastLength + length)].
   */
  inputIds?: ArrayLike<number> | BigInt64Array;
  /** 1 = token, 0 = padding: [batch·length] with pastLength 0, else [batch·(pastLength + length)] (past + current, as HF). */
  attentionMask?: ArrayLike<number> | BigInt64Array | readonly boolean[];
  /** Tokens already in the cache (default 0). */
  pastLength?: number;
}

export interface ModelAlibiOptions {
  /** Key positions (columns of the scores), an integer ≥ 0 (MPT: ≤ max_seq_len). */
  keyLength: number;
  /**
   * [batch·keyLength] 0/1 (or booleans): BLOOM and Falcon count positions over attended tokens
   * only, (cumsum(mask) − 1)·mask. Default all ones. MPT's bias does not depend on it.
   */
  attentionMask?: ArrayLike<number> | BigInt64Array | readonly boolean[];
  /** Batch size (default: attentionMask.length / keyLength, else 1). */
  batch?: number;
}

export interface ModelAddAlibiOptions {
  /** [batch, heads, queryLength, keyLength] of the raw scores q·k (heads = model.heads). */
  shape: readonly number[];
  /** [batch·keyLength] 0/1 as for model.alibi (BLOOM, Falcon). */
  attentionMask?: ArrayLike<number> | BigInt64Array | readonly boolean[];
  /** Where to write (the scores' dtype and size, or the scores themselves). Default: a new array. */
  out?: FloatArray | ModuleTensor;
}

export interface ModelRelativeBiasOptions {
  /** Queries (rows). */
  queryLength: number;
  /** Keys (columns). */
  keyLength: number;
  /** Causal (decoder self-attention) buckets; default true for part 'decoder', false for 'encoder' (bidirectional). */
  decoder?: boolean;
  /** Position of the first query (HF cache_position[0]); default keyLength − queryLength for the decoder (a cached step), 0 for the encoder. */
  pastLength?: number;
  /** Where to write: a Float32Array or float32 module tensor of heads·queryLength·keyLength. */
  out?: Float32Array | ModuleTensor;
}

/**
 * A model's positional encoding as its reference code computes it (`pe.model(config)`). The
 * top-level fields describe the model's main scheme (Gemma 2/3: the full-attention layers; Llama 4:
 * the rotary layers); `layers` gives every layer its own. Methods allocate their results unless
 * given `out`. Every array is float32 unless said otherwise.
 */
export interface ModelPositions {
  /** config.model_type (of the part read). */
  readonly modelType: string;
  readonly kind: ModelKind;
  /** Attention heads (query heads). */
  readonly heads: number;
  /** Features per head that the position scheme sees (DeepSeek: qk_rope_head_dim). */
  readonly headDim: number;
  /** Rope kinds: rotated features (even, ≤ headDim); 0 otherwise. */
  readonly rotaryDim: number;
  /** Rope kinds: the pairing of the weights ('halves' rotate_half, 'interleaved' pairs (2i, 2i+1)); null otherwise. */
  readonly layout: RopeLayout | null;
  /** Rope kinds: Float32Array [rotaryDim/2] (see ModelLayer.invFreq); null otherwise. */
  readonly invFreq: Float32Array | null;
  /** Rope kinds: HF attention_scaling (YaRN, LongRoPE; else 1). */
  readonly attentionFactor: number;
  /** The plain posenc options of the top-level scheme, or null (see ModelPlainOptions). */
  readonly options: ModelPlainOptions | null;
  /** One entry per decoder layer (encoder layer for part 'encoder'). */
  readonly layers: readonly ModelLayer[];
  /** Factor the reference multiplies its logits by because of its position scheme (DeepSeek-V3 YaRN: mscale²); 1 elsewhere. Not 1/√d. */
  readonly softmaxScale: number;
  /** Positions the checkpoint was trained for (max_position_embeddings, n_positions, table rows); null when unbounded. */
  readonly maxPositions: number | null;
  /** Learned / sinusoidal: rows of the position table (BART: max_position_embeddings + 2); null otherwise. */
  readonly tableRows: number | null;
  /** Learned / sinusoidal: the reference's scale of the token embeddings (Marian/M2M100 scale_embedding: √d_model; else 1), `scale` of pe.add. */
  readonly embedScale: number;
  /** Config keys the config omitted and the default HF's config class fills in. */
  readonly filledDefaults: Readonly<Record<string, unknown>>;

  /**
   * cos(p·ω_j)·attentionFactor and sin(p·ω_j)·attentionFactor as the reference rotary module
   * computes them in float32 (p·ω_j rounded to float32, then cos/sin, then the factor), rows in
   * the order of the positions: `{ cos, sin }`, new Float32Arrays [rows, rotaryDim/2], or
   * [rows, rotaryDim] with `expand`. Frequencies follow the family's choice by sequence length
   * (LongRoPE short/long, dynamic NTK). 'none' layers give cos 1, sin 0. Rope kinds only.
   */
  cosSin(options: ModelCosSinOptions): { cos: Float32Array; sin: Float32Array };

  /**
   * The model's rotary embedding of q or k (x [batch, heads, length, headDim] row-major, or order
   * 'blhd'; Float32Array/Float64Array or module tensor): what the reference's apply function
   * returns (DeepSeek-V3: de-interleaved output), only the first rotaryDim features rotating.
   * Delegates to pe.rope with the memoized options (no extra pass) except DeepSeek-V3's
   * reordering. Not the query scale (see queryScale). 'none' layers copy x. Allocates unless `out`.
   */
  rope<O extends FloatArray | ModuleTensor>(x: FloatArray | ModuleTensor, options: ModelRopeOptions & { out: O }): O;
  rope(x: Float32Array, options: ModelRopeOptions): Float32Array;
  rope(x: Float64Array, options: ModelRopeOptions): Float64Array;
  rope(x: FloatArray | ModuleTensor, options: ModelRopeOptions): FloatArray;

  /**
   * Position ids as the reference derives them (a new Int32Array [batch·length]; 'mrope':
   * axis-major [3·batch·length], the text-only rule of get_rope_index): see README "Models".
   */
  positions(options: ModelPositionIdsOptions): Int32Array;

  /**
   * The factor the reference multiplies q by after the rotation, per token (a new Float32Array
   * [rows]): Llama 4 attention temperature on NoPE layers, Ministral 3 llama_4_scaling_beta;
   * all ones elsewhere. `positions` are HF's cache positions.
   */
  queryScale(options: ModelRowsOptions): Float32Array;

  /**
   * 'alibi': exactly the tensor the model's code adds to its scores, a new Float32Array: BLOOM
   * [batch·heads, 1, keyLength], slope·(cumsum(mask) − 1)·mask in float32 (build_alibi_tensor);
   * Falcon the same computed in bfloat16 as its code does (bf16(bf16(slope)·bf16(position)));
   * MPT [heads, 1, keyLength], slope·(j − (keyLength − 1)) for key j, what HF's MptAttention takes
   * of the tensor built for max_seq_len with alibi_bias_max 8. Slopes from pe.alibiSlopes.
   */
  alibi(options: ModelAlibiOptions): Float32Array;
  /**
   * 'alibi': raw scores q·k [batch, heads, queryLength, keyLength] → the logits before softmax, in
   * the family's order of operations and float32 rounding: BLOOM fl(fl(invNorm·s) + alibi)
   * (baddbmm), Falcon fl(fl(s + alibi)·invNorm), MPT fl(fl(s·softmax_scale) + alibi), invNorm =
   * 1/√headDim. Allocates unless `out` is given; `out` may be the scores.
   */
  addAlibi<O extends FloatArray | ModuleTensor>(scores: FloatArray | ModuleTensor, options: ModelAddAlibiOptions & { out: O }): O;
  addAlibi(scores: Float32Array, options: ModelAddAlibiOptions): Float32Array;
  addAlibi(scores: Float64Array, options: ModelAddAlibiOptions): Float64Array;
  addAlibi(scores: FloatArray | ModuleTensor, options: ModelAddAlibiOptions): FloatArray;
  /**
   * 'relative-bias': the bias T5's layer adds to its scores, [heads, queryLength, keyLength] (HF
   * compute_bias without its leading 1), from a layer's relative_attention_bias.weight
   * [numBuckets, heads] (Float32Array or module tensor), with the encoder's bidirectional or the
   * decoder's causal buckets (pe.relativeBias). UMT5: pass each layer's own weights. Allocates
   * unless `out` is given.
   */
  relativeBias<O extends Float32Array | ModuleTensor>(weights: Float32Array | ModuleTensor, options: ModelRelativeBiasOptions & { out: O }): O;
  relativeBias(weights: Float32Array | ModuleTensor, options: ModelRelativeBiasOptions): Float32Array;

  /** A few lines: the convention, the reference code (file and function), the docs section, and where posenc follows the reference over a config value. */
  describe(): string;
}
