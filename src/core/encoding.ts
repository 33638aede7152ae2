// The pieces every encoding family's plan is made of: a resolved sinusoidal encoding (its
// frequencies and where each sin/cos goes in a row), a table plan, the scalar math that derives
// frequencies, and the check of a caller's `out` array.

import { floatArray, isFloat64Array, rangeError, typeError } from './options.js';
import type { FloatArray } from './types.js';

/** The scalar math a backend derives frequencies with (wasm: NativeMath, same bits everywhere). */
export interface MathLib {
  pow(x: number, y: number): number;
  exp(x: number): number;
  log(x: number): number;
}

export const LAYOUT_HALVES = 0;
export const LAYOUT_INTERLEAVED = 1;

/** A resolved sinusoidal encoding: frequencies and where each sin/cos goes in a row. */
export interface SinEncoding {
  readonly kind: 'sinusoidal';
  /** Columns of one row. */
  readonly width: number;
  /** ω_i, i < n; column sin_i for every i, cos_i for i < nCos. */
  readonly freqs: Float64Array;
  readonly nCos: number;
  readonly layout: number;
  readonly sinBase: number;
  readonly cosBase: number;
  /** Columns [zeroFrom, width) are zero. */
  readonly zeroFrom: number;
  /** Formula position of sequence position 0 (fairseq: paddingIdx + 1). */
  readonly start: number;
  /** The position whose row is all zero (fairseq's pad row), NaN for none. */
  readonly padPos: number;
  /**
   * Identifies frequencies + layout exactly (cache key of compiled contexts): derived frequencies
   * by the knobs that derive them, given ones (option `frequencies`) by their bits.
   */
  readonly key: string;
  /** float32Angles: freqs are float32 values and rows use float32 angles (src/angles32.ts). */
  readonly f32Angles?: boolean;
}

export interface TablePlan {
  readonly enc: SinEncoding;
  readonly rows: number;
  /** Position of row r: start + r, unless positions. */
  readonly start: number;
  readonly positions: Float64Array | null;
  readonly f64: boolean;
}

/** A caller's `out` for a table of `length` values: a Float32Array or Float64Array of the result's dtype, exactly that long. */
export function checkOut(fn: string, param: string, out: unknown, f64: boolean, length: number): FloatArray {
  const a = floatArray(fn, param, out);
  if (isFloat64Array(a) !== f64) {
    throw typeError(fn, param, `a ${f64 ? 'Float64Array' : 'Float32Array'} (the result's dtype)`, out);
  }
  if (a.length !== length) throw rangeError(fn, `${param}.length`, `${length}`, a.length);
  return a;
}
