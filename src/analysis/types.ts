// Public types of identify and similarity.

import type { AlibiPow, AlibiPreset } from '../bias/types.js';
import type { Sincos2dOptions } from '../grid/types.js';
import type { RopeLayout, RopeScaling } from '../rope/types.js';
import type { SinusoidalOptions } from '../sinusoidal/types.js';

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

/**
 * The call that regenerates a rotary cos/sin cache (see `IdentifyCandidate`): the options of
 * `pe.rope(q, { shape, ...options })`. Either a schedule (`base`, `scaling`, `seqLen`) or, where no
 * closed form regenerates the cache, the cache's own `frequencies` (with `attentionFactor`).
 */
export interface RopeCacheOptions {
  /** rope_theta. Absent with `frequencies` (pe.rope takes one or the other). */
  base?: number;
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
  /**
   * 'dynamic' scaling: the sequence length the frequencies were chosen for (HF: max(position_ids)
   * + 1, the cache's offset + rows).
   */
  seqLen?: number;
  /**
   * The cache's own inverse frequencies (rotaryDim/2 float32 values, read back from the table),
   * where no closed-form schedule regenerates it: LongRoPE's per-pair factors, or torch's float32
   * pow putting a frequency of a closed form an ulp off. `result.family` then names the closed
   * form they follow, if any.
   */
  frequencies?: Float32Array | Float64Array;
  /**
   * With `frequencies`: the amplitude of the cache's cos and sin (HF `attention_scaling`, YaRN's
   * and LongRoPE's attention factor); absent when 1.
   */
  attentionFactor?: number;
  /** The cache was computed with float32 angles (PyTorch's float32 path). */
  float32Angles?: boolean;
}

/**
 * What identify read a rotary cache as, beyond the options that regenerate it: the scaling family
 * and its closed form (also where the table's own frequencies regenerate it more exactly).
 */
export interface IdentifiedFamily {
  /** The rotary scaling (HF rope_type) the frequencies and amplitude follow. */
  name: 'linear' | 'llama3' | 'yarn' | 'longrope' | 'dynamic';
  /**
   * The closed form as `pe.rope` options: `{ base, scaling, seqLen? }` ('dynamic': the seqLen the
   * cache was computed for). LongRoPE: `shortFactor` and `longFactor` are both the one list the
   * table shows (`longrope.list` says which).
   */
  base: number;
  scaling: RopeScaling;
  seqLen?: number;
  /**
   * max |table − regenerated| of that closed form: the result's maxError where the result's options
   * are the closed form; larger where the table's own frequencies regenerate it better (torch's
   * float32 pow puts some of its frequencies an ulp off the correctly rounded ones).
   */
  maxError: number;
  /** The amplitude of the cache's cos and sin (HF attention_scaling; 1 for the schedules without one). */
  attentionFactor: number;
  /**
   * LongRoPE: the (factor, originalMaxPositionEmbeddings) whose attention factor √(1 + ln factor /
   * ln originalMaxPositionEmbeddings) is the table's amplitude, and the per-pair factors relative
   * to base^(−2i/rotaryDim) (shortest decimals within float32 precision: a config's list);
   * 'short' up to originalMaxPositionEmbeddings positions (offset + rows), 'long' beyond.
   */
  longrope?: { factor: number; originalMaxPositionEmbeddings: number; factors: Float64Array; list: 'short' | 'long' };
  /** One line for a person: the family, its parameters and how well the closed form fits. */
  note: string;
}

/** Options of `pe.sinusoidal({ length: rows, dim, ...options })` that regenerate a 1-D table. */
export type SinusoidalIdentified = Omit<SinusoidalOptions, 'dim' | 'length' | 'out' | 'dtype' | 'positions'> & {
  /** Recovered frequencies (float32 chains torch computed with its own exp/pow: the `frequencies` option). */
  frequencies?: Float32Array | Float64Array;
};

/** Options of `pe.sincos2d({ dim, ...options })` that regenerate a 2-D table. */
export type Sincos2dIdentified = Omit<Sincos2dOptions, 'dim' | 'out' | 'dtype'>;

/**
 * ALiBi bias rows: a [heads, keyLength] table, one row per head, row h = slopes[h]·(offset + k) for
 * keys k < keyLength, with slopes = `pe.alibiSlopes(heads, { preset, maxBias, pow })`: regenerate
 * with `pe.addAlibi(zeros, { shape: [1, heads, 1, keyLength], slopes, keyPositions: offset + k })`.
 */
export interface AlibiIdentified {
  /** Whose slopes: 'bloom' (BLOOM, Falcon) or 'mpt'. */
  preset: AlibiPreset;
  /** alibi_bias_max (present where not 8). */
  maxBias?: number;
  /** 'exact' where the slopes are the correctly rounded powers rather than torch's (present where not 'torch'). */
  pow?: AlibiPow;
  /** Position of the first key: 0 for BLOOM's mask-free 0…K−1 (keys of an unpadded sequence), 1 − keyLength for MPT's 1−K…0. */
  offset: number;
}

export type IdentifiedKind = 'sinusoidal' | 'sincos2d' | 'rope-cos' | 'rope-sin' | 'alibi';

/** One convention that describes a table, and how far the table is from it. */
export type IdentifyCandidate =
  | { kind: 'sinusoidal'; options: SinusoidalIdentified; maxError: number }
  | { kind: 'sincos2d'; options: Sincos2dIdentified; maxError: number }
  | { kind: 'rope-cos'; options: RopeCacheOptions; maxError: number }
  | { kind: 'rope-sin'; options: RopeCacheOptions; maxError: number }
  | { kind: 'alibi'; options: AlibiIdentified; maxError: number };

/** What every `identify` answer carries, whatever the kind. */
export interface IdentifyResultBase {
  /** max |table − regenerated| of the result (kind null: of the nearest candidate). */
  maxError: number;
  /** The table was computed with float32 angles (the chain, not the storage); options then carry float32Angles. */
  float32: boolean;
  /** Up to 5 candidates, best first (also when kind is null: the nearest conventions). */
  candidates: IdentifyCandidate[];
  /**
   * Rotary caches: the scaling family identify recognised (YaRN, LongRoPE, dynamic NTK, Llama 3,
   * linear) and its closed form; absent for unscaled caches and the other kinds.
   */
  family?: IdentifiedFamily;
}

/**
 * `pe.identify`'s answer: the encoding the table is (a candidate within 1e-5) and the call that
 * regenerates it, discriminated by `kind` so that `options` narrows with it:
 * 'sinusoidal' → `pe.sinusoidal({ length: rows, dim, ...options })` (or `encoding: options` of
 * add/concat), 'sincos2d' → `pe.sincos2d({ dim, ...options })`, 'rope-cos' | 'rope-sin' →
 * `pe.rope` with these options (see README "Porting a model"), 'alibi' → the bias rows of
 * `pe.alibiSlopes` (see AlibiIdentified), null (nothing fits) → options null.
 */
export type IdentifyResult =
  | (IdentifyResultBase & { kind: 'sinusoidal'; options: SinusoidalIdentified })
  | (IdentifyResultBase & { kind: 'sincos2d'; options: Sincos2dIdentified })
  | (IdentifyResultBase & { kind: 'rope-cos'; options: RopeCacheOptions })
  | (IdentifyResultBase & { kind: 'rope-sin'; options: RopeCacheOptions })
  | (IdentifyResultBase & { kind: 'alibi'; options: AlibiIdentified })
  | (IdentifyResultBase & { kind: null; options: null });

export interface SimilarityOptions {
  /** The table's width (columns per row). */
  dim: number;
  /** 'dot' (default): row i · row j; 'cosine': divided by both norms (0 for a zero row). */
  metric?: 'dot' | 'cosine';
}
