// Public types of the 1-D encodings and of add / concat (tables, learned tables).

import type { Dtype, FloatArray, Frequencies, ModuleTensor } from '../core/types.js';

/** The named 1-D conventions, described in docs/conventions.md (§0 lists them; README has the short table). */
export type Preset = 'vaswani' | 'marian' | 'tensor2tensor' | 'whisper' | 'fairseq' | 'seed';
/** 'interleaved': [sin ω0, cos ω0, sin ω1, …]; 'halves': [sin ω0 … sin ωn-1 | cos ω0 … cos ωn-1]. */
export type Layout = 'interleaved' | 'halves';
/** 'paper': ω_i = base^(−2i/dim); 'timescale': ω_i = minTs·exp(−i·ln(maxTs/minTs)/max(n−1, 1)). */
export type Schedule = 'paper' | 'timescale';
/** Odd dim: 'sin' one extra sin column, 'zero' a zero last column, 'error' a RangeError. */
export type OddPolicy = 'sin' | 'zero' | 'error';

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
