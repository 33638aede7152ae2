// What every step of identify shares: the validated table, a hypothesis (one way to regenerate it),
// a scored hypothesis, the tolerances, and the rounding of estimated parameters to short decimals.

import { frequenciesKey } from '../../core/frequencies.js';
import type { IdentifiedFamily, IdentifiedKind } from '../types.js';
import type { FloatArray } from '../../core/types.js';
import type { AddAlibiOptions, AlibiSlopesOptions } from '../../bias/index.js';
import type { Sincos2dOptions } from '../../grid/index.js';
import type { RopeFrequencies, RopeFrequenciesOptions, RopeOptions } from '../../rope/index.js';
import type { SinusoidalOptions } from '../../sinusoidal/index.js';

/** A candidate matches when it regenerates the table within this (max abs difference). */
export const MATCH = 1e-5;
export const TWO_PI = 2 * Math.PI;
/**
 * Largest phase error (radians, at the table's farthest position) a rounded parameter may cause:
 * TIGHT keeps a regenerated table within MATCH; LOOSE admits the decimal a float32 chain was
 * derived from (its frequencies an ulp off the closed form give ≈ position·ulp(ω)).
 */
export const TIGHT = 3e-6;
export const LOOSE = 3e-3;
export const fr = Math.fround;

export interface Table {
  readonly a: FloatArray;
  readonly rows: number;
  readonly dim: number;
  readonly f64: boolean;
  readonly zeroRow: Uint8Array;
}

export const at = (t: Table, r: number, j: number) => t.a[r * t.dim + j];

export const scratches = new WeakMap<Table, FloatArray>();
/** One array of the table's size for the full regenerations (they are compared, then dropped). */
export function scratch(t: Table): FloatArray {
  let s = scratches.get(t);
  if (!s) scratches.set(t, (s = t.f64 ? new Float64Array(t.a.length) : new Float32Array(t.a.length)));
  return s;
}

/** One way to regenerate the table. `gen(rows, f32)` returns the given rows (all when null). */
export interface Hypothesis {
  kind: IdentifiedKind;
  options: Record<string, unknown>;
  knobs: number;
  /** Only float32 angles apply (recovered float32 frequencies). */
  f32Only?: boolean;
  /**
   * Identifies the regenerated table: preset calls that describe one structure with the same
   * frequencies (in either angle chain) make the same table, so it is generated and compared once.
   */
  key?: (f32: boolean) => string;
  gen(rows: number[] | null, f32: boolean): FloatArray;
  /** The rotary scaling family this hypothesis is (the result's `family`), given its max error. */
  family?: (err: number) => IdentifiedFamily;
}

/** The exact bits of frequencies (a cache key: a hash could let two hypotheses share a table). */
export function bitsKey(a: Float32Array | Float64Array): string {
  return frequenciesKey(a instanceof Float64Array ? a : Float64Array.from(a));
}

export function tableKey(h: Hypothesis, f32: boolean): string {
  if (h.key) return h.key(f32);
  return `${optionsKey(h.kind, h.options)}${f32 ? '|f32' : ''}`;
}

export interface Scored {
  h: Hypothesis;
  f32: boolean;
  err: number;
}

export function wrap(x: number): number {
  return x - TWO_PI * Math.round(x / TWO_PI);
}

/** The shortest decimals near x that predict the data within TIGHT and within LOOSE (`dev`: phase error of a value). */
export function nices(x: number, dev: (v: number) => number, dflt?: number): number[] {
  // The preset's own value wherever it fits (a float32 chain's frequencies are off it by ulps).
  if (dflt !== undefined && dev(dflt) <= LOOSE) return [dflt];
  const a = nice(x, (v) => dev(v) <= TIGHT);
  const b = nice(x, (v) => dev(v) <= LOOSE);
  return a === b ? [a] : [b, a];
}

/** The shortest decimal near x (≤ 9 significant digits) that `ok` accepts, else x. */
export function nice(x: number, ok: (v: number) => boolean): number {
  if (!Number.isFinite(x) || x === 0) return x;
  for (let k = 1; k <= 9; k++) {
    const v = Number(x.toPrecision(k));
    if (v > 0 && ok(v)) return v;
  }
  return x;
}

/** A parameter's weight among the knobs: a long decimal (an estimate no rounding fitted) counts more than a round one. */
export function knob(v: number): number {
  return countDigits(v) > 6 ? 1.5 : 1;
}

export function countDigits(v: number): number {
  return String(v).replace(/^[-0.]+|\.|e.*$/g, '').replace(/0+$/, '').length;
}


/**
 * What identify needs of posenc to regenerate a hypothesis: the facade passes itself (analysis never
 * imports the facade, so the facade can call analysis without a cycle).
 */
export interface IdentifyHost {
  sinusoidal(options: SinusoidalOptions): FloatArray;
  sincos2d(options: Sincos2dOptions): FloatArray;
  rope(x: FloatArray, options: RopeOptions): FloatArray;
  ropeFrequencies(options: RopeFrequenciesOptions): RopeFrequencies;
  alibiSlopes(heads: number, options?: AlibiSlopesOptions): Float32Array;
  addAlibi(scores: FloatArray, options: AddAlibiOptions): FloatArray;
  frequencies(options: Omit<SinusoidalOptions, 'out'>): Float64Array | Float32Array;
}

/** A hypothesis call as text (typed arrays by their values). */
export function optionsKey(kind: string, o: Record<string, unknown>): string {
  return kind + JSON.stringify(o, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v));
}
