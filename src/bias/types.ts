// Public types of attention-bias positions: ALiBi (BLOOM/Falcon, MPT) and T5 relative buckets.

import type { FloatArray, ModuleTensor } from '../core/types.js';

/**
 * Whose ALiBi slopes: 'bloom' (HF build_alibi_tensor of BLOOM and Falcon: powers of fl32(2^(−8/c)),
 * c the largest power of two ≤ heads, then odd powers of fl32(2^(−4/c)) for the remaining heads) or
 * 'mpt' (HF build_mpt_alibi_tensor: 1/2^(8k/N), N the smallest power of two ≥ heads, odd-indexed
 * slopes first when heads < N). conventions §15a.
 */
export type AlibiPreset = 'bloom' | 'mpt';

/**
 * How torch.pow is reproduced: 'torch' (default) as PyTorch's CPU kernel computes it on x86-64
 * with AVX2 (whole blocks of 16 elements through SLEEF's vectorized powf, the rest correctly
 * rounded); 'exact' every power correctly rounded (the scalar path for every element).
 */
export type AlibiPow = 'torch' | 'exact';

export interface AlibiSlopesOptions {
  /** Default 'bloom'. */
  preset?: AlibiPreset;
  /**
   * The bias of the last head's slope exponent, in (0, 64]: default 8 (BLOOM's 2^(−8/c), MPT's
   * alibi_bias_max). For 'bloom' other values generalise the same rule: base fl32(2^(−maxBias/c)),
   * extra base fl32(2^(−maxBias/(2c))).
   */
  maxBias?: number;
  /** Default 'torch'. */
  pow?: AlibiPow;
}

export interface AddAlibiOptions {
  /** [batch, heads, queryLength, keyLength] of the attention scores, row-major. */
  shape: readonly number[];
  /** One slope per head (e.g. `pe.alibiSlopes(heads)`); float32 scores use fl32(slope). */
  slopes: ArrayLike<number>;
  /**
   * Position of each key: [keyLength] shared by the batch, or [batch·keyLength] (BLOOM with left
   * padding: `pe.positionsFromMask(mask, { shape, padPosition: 0 })`). Default 0…keyLength−1.
   * Any finite numbers (MPT: 1−keyLength…0). float32 scores use fl32(position).
   */
  keyPositions?: ArrayLike<number>;
  /** Multiplies the scores before the bias is added (default 1); float32 scores use fl32(scale). */
  scale?: number;
  /** Where to write (same length and dtype as scores; may be scores itself); returned instead of a new array. */
  out?: FloatArray | ModuleTensor;
}

export interface RelativeBucketsOptions {
  /** Queries (rows). */
  queryLength: number;
  /** Keys (columns). */
  keyLength: number;
  /** true (default): T5 encoder, half of the buckets for keys after the query; false: decoder (causal). */
  bidirectional?: boolean;
  /** relative_attention_num_buckets (default 32); ≥ 4 bidirectional, ≥ 2 causal. */
  numBuckets?: number;
  /** relative_attention_max_distance (default 128): distances from it on share the last bucket; > the exact buckets. */
  maxDistance?: number;
  /** Position of query 0 (HF cache_position[0] when decoding with a cache); default 0. An integer. */
  queryOffset?: number;
}

export interface RelativeBiasOptions extends RelativeBucketsOptions {
  /** Attention heads: the weights are [numBuckets, heads]. */
  heads: number;
  /** Where to write: a Float32Array or float32 module tensor of heads·queryLength·keyLength. */
  out?: Float32Array | ModuleTensor;
}
