// Public types of the options and results. Shapes are row-major; sizes are element counts.

export type Dtype = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type BackendName = 'wasm-simd' | 'wasm' | 'js';
export type BackendChoice = 'auto' | BackendName;

/** The named 1-D conventions, described in docs/conventions.md (§0 lists them; README has the short table). */
export type Preset = 'vaswani' | 'marian' | 'tensor2tensor' | 'whisper' | 'fairseq' | 'seed';
/** 'interleaved': [sin ω0, cos ω0, sin ω1, …]; 'halves': [sin ω0 … sin ωn-1 | cos ω0 … cos ωn-1]. */
export type Layout = 'interleaved' | 'halves';
/** 'paper': ω_i = base^(−2i/dim); 'timescale': ω_i = minTs·exp(−i·ln(maxTs/minTs)/max(n−1, 1)). */
export type Schedule = 'paper' | 'timescale';
/** Odd dim: 'sin' one extra sin column, 'zero' a zero last column, 'error' a RangeError. */
export type OddPolicy = 'sin' | 'zero' | 'error';

/** A tensor that lives in the module's memory: kernels read and write it without copying. */
export interface ModuleTensor {
  /** A view on the module's memory; always fresh (re-created after the memory grows). */
  readonly array: FloatArray;
  readonly dtype: Dtype;
  /** Element count. */
  readonly length: number;
  /** True once `free()` was called; using it afterwards is a TypeError. */
  readonly freed: boolean;
  /** Returns the memory to the module. Idempotent. */
  free(): void;
}

/** What an encoding is made of, without its size (shared by `sinusoidal`, `add` and `concat`). */
export interface EncodingOptions {
  /** A named convention (default 'vaswani'); the knobs below override its choices. */
  preset?: Preset;
  /** Base of the 'paper' schedule (default 10000). */
  base?: number;
  layout?: Layout;
  schedule?: Schedule;
  /** 'timescale' schedule: the first frequency (default 1; multiplied, as tensor2tensor does). */
  minTimescale?: number;
  /** 'timescale' schedule: the largest timescale (default 10000). */
  maxTimescale?: number;
  odd?: OddPolicy;
  /** fairseq: the pad row; positions start at paddingIdx + 1 and position paddingIdx is a zero row. null: none. */
  paddingIdx?: number | null;
  /** 'seed' preset: the one angular frequency (default 1/√dim, dim being the model width). */
  omega?: number;
  /** First sequence position (default 0): real numbers allowed. */
  offset?: number;
  /** Explicit positions (formula arguments, any real numbers); replaces offset. */
  positions?: ArrayLike<number>;
  /** Width of the encoding; `add` takes it from `shape`, `concat` needs it (except for 'seed'). */
  dim?: number;
  /** Must agree with the input's dtype when given. */
  dtype?: Dtype;
  /**
   * Reproduce the reference's float32 computation (PyTorch/TensorFlow): frequencies derived in
   * float32 by the preset's own formula (or `frequencies`, rounded to float32), angle
   * fl32(fl32(p)·ω32), sin/cos of it rounded to float32. Given the reference's own frequencies it
   * differs from torch by torch's sin/cos rounding only; with derived ones also by torch's
   * exp/pow rounding of ω, which grows with p (README: "Matching a checkpoint exactly"). Default
   * false: angles and sin/cos in float64, rounded once. add/concat then compute the rows they need
   * once, into a temporary table.
   */
  float32Angles?: boolean;
  /**
   * The encoding's own angular frequencies (radians per position), replacing the derived schedule:
   * one per sin column, ⌈dim/2⌉ with odd 'sin', else ⌊dim/2⌋ ('seed': 1). Not combined with
   * base, schedule, minTimescale, maxTimescale or omega. See {@link Frequencies}.
   */
  frequencies?: Frequencies;
}

/**
 * Bring-your-own frequencies (a checkpoint's inv_freq, its timescales' inverses): exactly as many
 * finite values as the encoding uses. Copied, never kept. Without float32Angles they are used as
 * given, in float64; with it each is rounded to float32 and the angle is fl32(fl32(p)·fl32(ω)).
 */
export type Frequencies = Float32Array | Float64Array | readonly number[];

export interface SinusoidalOptions extends EncodingOptions {
  /** Number of rows (positions); when `positions` is given, it defaults to their count. */
  length?: number;
  /** Model width: the table's width, except 'seed' (always 2 columns; dim sets ω = 1/√dim). */
  dim: number;
  /** 'float32' (default) or 'float64'. */
  dtype?: Dtype;
  /** Where to write (exact size, matching dtype); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}

/** A table of rows × dim (learned or precomputed), indexed by position. */
export interface TableEncoding {
  table: FloatArray | ModuleTensor;
  /** Width of the table; needed by `concat`, checked by `add`. */
  dim?: number;
  /**
   * A position outside the table's rows: 'error' (default, a RangeError naming it) or 'zero'
   * (its encoding is a zero row, as tensor2tensor's add_positional_embedding zero-pads).
   */
  outOfRange?: 'error' | 'zero';
}

export type Encoding = EncodingOptions | FloatArray | ModuleTensor | TableEncoding;

export interface AddOptions {
  /** [batch, length, dim] (or [length, dim]) of x, row-major. */
  shape: readonly number[];
  /** Sinusoidal options, or a table indexed by position (default: vaswani). */
  encoding?: Encoding;
  /** First position (default 0): table row offset, or sequence offset for sinusoidal encodings. */
  offset?: number;
  /** Explicit positions, [length] shared by the batch or [batch·length]. */
  positions?: ArrayLike<number>;
  /** x is multiplied by scale first (default 1; Math.sqrt(dim) is Vaswani's embedding scale). */
  scale?: number;
  /** Where to write: same dtype and size as x, or x itself; never partially overlapping x. */
  out?: FloatArray | ModuleTensor;
}

export interface ConcatOptions {
  /** [batch, length, dimIn] (or [length, dimIn]) of x, row-major. */
  shape: readonly number[];
  encoding?: Encoding;
  offset?: number;
  positions?: ArrayLike<number>;
  /** [batch, length, dimIn + width]; never overlapping x. */
  out?: FloatArray | ModuleTensor;
}

// ---- 2-D tables, positions, rotary (see the README's preset tables) ---------------------------------------

/**
 * 2-D sin-cos conventions (row r, column c of a row-major grid, K = dim/4, T = temperature):
 * 'mae' [sin cω, cos cω, sin rω, cos rω], ω_k = T^(−k/K) (MAE get_2d_sincos_pos_embed: its first
 * half encodes the column); 'mocov3' [sin rω, cos rω, sin cω, cos cω] (MoCo v3, timm with
 * interleave_sin_cos); 'bigvision' as 'mae' with ω_k = T^(−k/(K−1)) (big_vision posemb_sincos_2d);
 * 'timm' [sin rω, sin cω, cos rω, cos cω] (timm build_sincos2d_pos_embed); 'tensor2tensor'
 * [sin rω, cos rω, sin cω, cos cω, 0…], K = ⌊dim/4⌋, ω_k = e^(−k·ln(T)/(K−1)) (add_timing_signal_nd).
 */
export type Preset2d = 'mae' | 'mocov3' | 'bigvision' | 'timm' | 'tensor2tensor';

export interface Sincos2dOptions {
  /** Grid rows (patches along the image height). */
  height: number;
  /** Grid columns (patches along the image width). */
  width: number;
  /** Channels; a multiple of 4 (big_vision: ≥ 8; tensor2tensor: any ≥ 8, the last dim mod 4 zero). */
  dim: number;
  /** Default 'mae'. */
  preset?: Preset2d;
  /** Default 10000 (tensor2tensor: max_timescale). */
  temperature?: number;
  /** Prepend a zero row for the cls token (default: true for 'mocov3', which always has one; else false). */
  clsToken?: boolean;
  /** 'float32' (default) or 'float64'. */
  dtype?: Dtype;
  /** Reproduce a float32 reference (angles rounded to float32, as MoCo v3, timm and big_vision compute). */
  float32Angles?: boolean;
  /** The per-axis frequencies ω_k, k < K (shared by rows and columns), replacing temperature's schedule. */
  frequencies?: Frequencies;
  /** Where to write (exact size, matching dtype); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}

/**
 * Options of `pe.frequencies`: those of `pe.sinusoidal` (1-D) or of `pe.sincos2d` (2-D; chosen
 * when height, width, temperature or clsToken is given, or the preset is a 2-D-only one), without
 * `out`. Sizes and positions are checked but do not change the frequencies.
 */
export type FrequenciesOptions =
  | Omit<SinusoidalOptions, 'out'>
  | (Omit<Sincos2dOptions, 'out' | 'height' | 'width'> & { height?: number; width?: number });

/** Token ids or a 0/1 attention mask: a typed array or an array of numbers (or booleans for a mask). */
export type IntLike = ArrayLike<number> | BigInt64Array | BigUint64Array | readonly boolean[];

export interface PositionsFromTokensOptions {
  /** [batch, length] of tokens, row-major. */
  shape: readonly number[];
  /** Token id of padding (fairseq/RoBERTa: 1). Required. */
  paddingIdx: number;
  /** Non-pad tokens before these ones (HF create_position_ids_from_input_ids' past_key_values_length; default 0). */
  pastLength?: number;
}

export interface PositionsFromMaskOptions {
  /** [batch, length] of the mask, row-major (HF: past + current tokens). */
  shape: readonly number[];
  /** Leading columns to drop from the result (HF: positions[:, past_key_values_length:]; default 0). */
  pastLength?: number;
  /** Position given to masked (0) entries before the offset (default 1 as HF generate; OPT: −1). */
  padPosition?: number;
  /** Added to every position (OPT/BART learned tables: 2; default 0). */
  offset?: number;
}

/** Pairing of the rotated features: 'halves' (i, i + d/2) or 'interleaved' (2i, 2i + 1). */
export type RopeLayout = 'halves' | 'interleaved';

/** Hugging Face rope_scaling / rope_parameters, keys in camelCase (`type` is rope_type). */
export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  | { type: 'dynamic'; factor: number; maxPositionEmbeddings: number }
  | {
    type: 'yarn';
    /** Default maxPositionEmbeddings / originalMaxPositionEmbeddings. */
    factor?: number;
    /** The pre-training context (HF: falls back to max_position_embeddings). */
    originalMaxPositionEmbeddings?: number;
    maxPositionEmbeddings?: number;
    attentionFactor?: number;
    mscale?: number;
    mscaleAllDim?: number;
    /** Default 32. */
    betaFast?: number;
    /** Default 1. */
    betaSlow?: number;
    /** Round the correction range to integers (default true). */
    truncate?: boolean;
  }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number }
  | {
    type: 'longrope';
    longFactor: ArrayLike<number>;
    shortFactor: ArrayLike<number>;
    originalMaxPositionEmbeddings: number;
    /** Default maxPositionEmbeddings / originalMaxPositionEmbeddings (used for the attention factor). */
    factor?: number;
    maxPositionEmbeddings?: number;
    attentionFactor?: number;
  };

/**
 * Multi-axis rotary (M-RoPE and per-axis 2-D/3-D rotary): the rotated pairs are split among A
 * axes, each rotated by its own position row. See the README's multi-axis table.
 */
export interface RopeAxes {
  /**
   * Pairs per axis (integers ≥ 1, at most 16 axes), Σ = rotaryDim/2: HF `mrope_section`
   * ([16, 24, 24] Qwen2-VL, [24, 20, 20] Qwen3-VL), half of diffusers' `axes_dim` (FLUX [8, 28, 28]),
   * [headDim/4, headDim/4] for the Qwen2-VL vision tower.
   */
  sections: ArrayLike<number>;
  /**
   * 'shared' (default): one set ω_j, j < rotaryDim/2, derived as for 1-D rotary (base, scaling);
   * 'per-axis': axis a has its own ω_{a,i} = base^(−2i/(2·s_a)) over its width 2·s_a (no scaling).
   */
  frequencies?: 'shared' | 'per-axis';
  /**
   * Which axis pair j takes its position from: 'chunks' (default) the sections one after another
   * (HF Qwen2-VL apply_multimodal_rotary_pos_emb); 'cycle' three axes interleaved as HF Qwen3-VL
   * apply_interleaved_mrope (axis 1 for j % 3 = 1, j < 3·s1; axis 2 for j % 3 = 2, j < 3·s2; else
   * axis 0). 'cycle' needs exactly three sections and 'shared' frequencies.
   */
  assign?: 'chunks' | 'cycle';
}

export interface RopeOptions {
  /** [batch, heads, length, headDim] of x, row-major (with order 'blhd': [batch, length, heads, headDim]). */
  shape: readonly number[];
  /** Default 'halves'. */
  layout?: RopeLayout;
  /** Default 10000 (HF rope_theta). */
  base?: number;
  /** Features rotated (even, ≤ headDim; default headDim); the others pass through. */
  rotaryDim?: number;
  /** Position of the first token (default 0; real numbers allowed). */
  offset?: number;
  /**
   * Explicit positions: [length] shared by the batch or [batch·length]; real numbers allowed.
   * With `axes`: one row per axis, axis-major, [A·length] or [A·batch·length] (HF position_ids of
   * shape (A, batch, length)); without them every axis takes offset + l.
   */
  positions?: ArrayLike<number>;
  /** Multi-axis rotary: how the pairs split among the position axes (see RopeAxes). */
  axes?: RopeAxes;
  scaling?: RopeScaling;
  /** 'dynamic'/'longrope': the sequence length the frequencies are chosen for (default max position + 1). */
  seqLen?: number;
  /** Axis order of x: 'bhld' (default, HF) or 'blhd' (GPT-NeoX, flash-attn). */
  order?: 'bhld' | 'blhd';
  /**
   * PyTorch's float32 path: inv_freq, angles, cos/sin and the products in float32. Matches HF up to
   * torch's cos/sin rounding where torch's inv_freq is correctly rounded; where its float32 pow puts
   * one an ulp away, the difference grows with the position (p·δω + ulp32(p·ω)): pass the
   * checkpoint's inv_freq as `frequencies` to match it exactly (docs/conventions.md §12).
   */
  float32Angles?: boolean;
  /**
   * A checkpoint's inv_freq (rotaryDim/2 values, pair j's frequency), replacing base, scaling and
   * seqLen. With `axes`, in column order for 'shared' and 'per-axis' alike ('per-axis': each axis's
   * own frequencies, concatenated).
   */
  frequencies?: Frequencies;
  /** With `frequencies` only: multiplies cos and sin (HF attention_scaling; default 1). */
  attentionFactor?: number;
  /** Where to write: same dtype and size as x, or x itself; never partially overlapping x. */
  out?: FloatArray | ModuleTensor;
}

/**
 * Options of `ropeStep(q, k, options)`: one decode step of q and k, rotated in place. Every rope
 * option but `shape`, `offset`, `positions`, `axes` and `out` applies to both.
 */
export interface RopeStepOptions extends Omit<RopeOptions, 'shape' | 'offset' | 'positions' | 'axes' | 'out'> {
  /** [batch, heads, length, headDim] of q (order 'blhd': [batch, length, heads, headDim]). */
  qShape: readonly number[];
  /** [batch, kvHeads, length, headDim] of k: q's batch, length and headDim. */
  kShape: readonly number[];
  /** Position of token l: position + l (a finite number). Give `position` or `positions`. */
  position?: number;
  /** [length] positions shared by the batch, or [batch·length]: each sequence at its own (continuous batching). */
  positions?: ArrayLike<number>;
}

export interface RopeFrequenciesOptions {
  /** Rotary dim (even ≥ 2): inverse frequencies for pairs 0 … dim/2 − 1. */
  dim: number;
  /** Default 10000. */
  base?: number;
  scaling?: RopeScaling;
  /** 'dynamic' (default maxPositionEmbeddings) and 'longrope' (long factors when > originalMaxPositionEmbeddings). */
  seqLen?: number;
  /** Derive them in float32 as PyTorch does (each value is then a float32). */
  float32Angles?: boolean;
}

export interface RopeFrequencies {
  /** ω'_i, i < dim/2 (radians per position). */
  invFreq: Float64Array;
  /** Multiplies cos and sin (so q·k scales by its square). */
  attentionFactor: number;
  /** The base the frequencies were derived from ('dynamic': the NTK-scaled base'). */
  base: number;
}

// ---- multimodal positions and video grids (see the README's sections on them) ---------------------

/** A piece of a vision-language sequence, in tokens (text) or in the processor's patches (grid_thw, before merging). */
export type MropeSegment =
  /** n text tokens, the vision start/end marker tokens included. */
  | { text: number }
  /** An image of t × h × w patches (t is 1 for Qwen2-VL's processors). */
  | { image: ArrayLike<number> }
  /** A video of t × h × w patches; secondsPerGrid: seconds per temporal patch (HF second_per_grid_ts, default 1), for model 'qwen2.5-vl' only (a TypeError with 'qwen2-vl'). */
  | { video: ArrayLike<number>; secondsPerGrid?: number };

/** 'qwen2-vl': frame i of a video at i; 'qwen2.5-vl': frame i at ⌊i·secondsPerGrid·tokensPerSecond⌋, image frames at 0. */
export type MropeModel = 'qwen2-vl' | 'qwen2.5-vl';

export interface MropePositionsOptions {
  /** The sequence in order: text, images and videos. */
  segments: readonly MropeSegment[];
  /** Default 'qwen2-vl'. */
  model?: MropeModel;
  /** Patches merged per side into one token (HF vision_config.spatial_merge_size, default 2). */
  spatialMergeSize?: number;
  /** 'qwen2.5-vl' only: HF vision_config.tokens_per_second (default 2, as the released checkpoints). */
  tokensPerSecond?: number;
}

export interface MropePositions {
  /** Axis-major [3, L]: L temporal positions, then L height positions, then L width positions (HF position_ids[:, 0, :]). */
  positions: Int32Array;
  /** HF rope_deltas: max position + 1 − L; generated token k (0-based) sits at L + k + delta on every axis. */
  delta: number;
}

export interface VisionPositionsOptions {
  /** Patch rows of the image (the processor's grid h). */
  height: number;
  /** Patch columns (grid w). */
  width: number;
  /** Default 2; 1 = plain row-major patches. */
  spatialMergeSize?: number;
}

/** 3-D sin-cos conventions: 'cogvideox' = diffusers get_3d_sincos_pos_embed (CogVideoX). */
export type Preset3d = 'cogvideox';

export interface Sincos3dOptions {
  /** Grid frames (latent frames after temporal compression, CogVideoX: (frames − 1)/4 + 1). */
  frames: number;
  /** Grid rows (patches along the height). */
  height: number;
  /** Grid columns (patches along the width). */
  width: number;
  /** Channels, a multiple of 16: dim/4 encode the frame, 3·dim/4 the column and the row. */
  dim: number;
  /** Default 'cogvideox'. */
  preset?: Preset3d;
  /** Frame positions are f / temporalInterpolationScale (default 1), rounded to float32 as torch divides. */
  temporalInterpolationScale?: number;
  /** Row and column positions are r / spatialInterpolationScale (default 1; CogVideoX: 1.875), rounded to float32. */
  spatialInterpolationScale?: number;
  /** 'float32' (default) or 'float64'. */
  dtype?: Dtype;
  /** Where to write (exact size, matching dtype); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}

// ---- identify / similarity --------------------------------------------------------------------------------

export interface IdentifyOptions {
  /** The table's width (columns per row). */
  dim: number;
  /**
   * [height, width] of a 2-D patch grid (height·width rows, or 1 + height·width with a cls row).
   * Optional: square grids and a leading zero cls row are found without it.
   */
  grid?: readonly number[];
}

/** The call that regenerates a rotary cos/sin cache (see `IdentifyCandidate`). */
export interface RopeCacheOptions {
  /** rope_theta. */
  base: number;
  /**
   * 'halves': a [rows, rotaryDim] cache with duplicated halves (HF `cos_cached`, `torch.cat((freqs,
   * freqs))`), or a [rows, rotaryDim/2] cache of one column per frequency (its layout cannot be
   * seen in it); 'interleaved': `repeat_interleave(2)` caches (GPT-J, RoFormer).
   */
  layout: RopeLayout;
  /** Features rotated: the cache's width, or twice it for a one-column-per-frequency cache. */
  rotaryDim: number;
  scaling?: RopeScaling;
  /** Position of the cache's first row. */
  offset: number;
  /** The cache was computed with float32 angles (PyTorch's float32 path). */
  float32Angles?: boolean;
}

/** Options of `pe.sinusoidal({ length: rows, dim, ...options })` that regenerate a 1-D table. */
export type SinusoidalIdentified = Omit<SinusoidalOptions, 'dim' | 'length' | 'out' | 'dtype' | 'positions'> & {
  /** Recovered frequencies (float32 chains torch computed with its own exp/pow: the `frequencies` option). */
  frequencies?: Float32Array | Float64Array;
};

/** Options of `pe.sincos2d({ dim, ...options })` that regenerate a 2-D table. */
export type Sincos2dIdentified = Omit<Sincos2dOptions, 'dim' | 'out' | 'dtype'>;

export type IdentifiedKind = 'sinusoidal' | 'sincos2d' | 'rope-cos' | 'rope-sin';

/** One convention that describes a table, and how far the table is from it. */
export type IdentifyCandidate =
  | { kind: 'sinusoidal'; options: SinusoidalIdentified; maxError: number }
  | { kind: 'sincos2d'; options: Sincos2dIdentified; maxError: number }
  | { kind: 'rope-cos'; options: RopeCacheOptions; maxError: number }
  | { kind: 'rope-sin'; options: RopeCacheOptions; maxError: number };

/** What every `identify` answer carries, whatever the kind. */
export interface IdentifyResultBase {
  /** max |table − regenerated| of the result (kind null: of the nearest candidate). */
  maxError: number;
  /** The table was computed with float32 angles (the chain, not the storage); options then carry float32Angles. */
  float32: boolean;
  /** Up to 5 candidates, best first (also when kind is null: the nearest conventions). */
  candidates: IdentifyCandidate[];
}

/**
 * `pe.identify`'s answer: the encoding the table is (a candidate within 1e-5) and the call that
 * regenerates it, discriminated by `kind` so that `options` narrows with it:
 * 'sinusoidal' → `pe.sinusoidal({ length: rows, dim, ...options })` (or `encoding: options` of
 * add/concat), 'sincos2d' → `pe.sincos2d({ dim, ...options })`, 'rope-cos' | 'rope-sin' →
 * `pe.rope` with these options (see README "Porting a model"), null (nothing fits) → options null.
 */
export type IdentifyResult =
  | (IdentifyResultBase & { kind: 'sinusoidal'; options: SinusoidalIdentified })
  | (IdentifyResultBase & { kind: 'sincos2d'; options: Sincos2dIdentified })
  | (IdentifyResultBase & { kind: 'rope-cos'; options: RopeCacheOptions })
  | (IdentifyResultBase & { kind: 'rope-sin'; options: RopeCacheOptions })
  | (IdentifyResultBase & { kind: null; options: null });

export interface SimilarityOptions {
  /** The table's width (columns per row). */
  dim: number;
  /** 'dot' (default): row i · row j; 'cosine': divided by both norms (0 for a zero row). */
  metric?: 'dot' | 'cosine';
}
