// Public types of identify and similarity.

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
