// Public types of rotary embeddings (1-D, scalings, multi-axis).

import type { FloatArray, Frequencies, ModuleTensor } from '../core/types.js';

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
