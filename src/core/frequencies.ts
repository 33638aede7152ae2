// Bring-your-own frequencies (option `frequencies`): a checkpoint's own ω (its inv_freq buffer, its
// timescales, the div_term it was trained with) replace the schedule a preset derives. Needed
// because float32 references compute ω with a float32 exp/pow that is not correctly rounded (and
// rounds differently per CPU, build and CUDA): a frequency one float32 ulp away gives an angle
// error of p·ulp(ω), which grows with the position. No fixed chain can copy that; the values can.

import { isDetached, isFloat32Array, isFloat64Array, rangeError, typeError } from './options.js';

/**
 * Validates a `frequencies` option: a Float32Array, Float64Array or array of exactly `n` finite
 * numbers (`what` says where n comes from, for the message). Returns a new Float64Array (the
 * caller's array is never kept); with `f32` every value is rounded to float32, as a float32
 * reference holds it, and must stay finite there.
 */
export function checkFrequencies(fn: string, param: string, v: unknown, n: number, what: string, f32: boolean): Float64Array {
  let src: ArrayLike<unknown>;
  if (Array.isArray(v)) src = v;
  else if (isFloat32Array(v) || isFloat64Array(v)) {
    if (isDetached(v.buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${v.constructor.name} whose buffer is detached`);
    src = v;
  } else throw typeError(fn, param, 'a Float32Array, a Float64Array or an array of numbers', v);
  if (src.length !== n) throw rangeError(fn, `${param}.length`, `${n} (${what})`, src.length);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = src[i];
    if (typeof w !== 'number') throw typeError(fn, `${param}[${i}]`, 'a number', w);
    if (!Number.isFinite(w)) throw rangeError(fn, `${param}[${i}]`, 'a finite number', w);
    const r = f32 ? Math.fround(w) : w;
    if (!Number.isFinite(r)) throw rangeError(fn, `${param}[${i}]`, 'finite in float32 (float32Angles rounds it to float32)', w);
    out[i] = r;
  }
  return out;
}

/**
 * A string that identifies a set of frequencies exactly: their IEEE-754 bits, four UTF-16 code
 * units per float64 (so 0 and −0, or two values that print alike, never share a key). Caches of
 * compiled contexts and of generated rows key on it.
 */
export function frequenciesKey(freqs: Float64Array): string {
  const u = new Uint16Array(freqs.buffer, freqs.byteOffset, freqs.length * 4);
  let s = '';
  // Chunks keep the argument list of fromCharCode far below engines' limits.
  for (let i = 0; i < u.length; i += 4096) s += String.fromCharCode.apply(null, u.subarray(i, i + 4096) as unknown as number[]);
  return s;
}

/**
 * Refuses a knob that only shapes derived frequencies (a schedule's base or timescales, a rotary
 * scaling, the seqLen a dynamic scaling is chosen for) when `frequencies` gives them outright.
 */
export function refuseKnobs(fn: string, p: string, o: Record<string, unknown>, knobs: readonly string[]): void {
  for (const k of knobs) {
    if (o[k] !== undefined) {
      throw new TypeError(`posenc.${fn}: ${p}.${k} cannot be combined with ${p}.frequencies (${k} only shapes the frequencies posenc derives itself; given frequencies are used as they are)`);
    }
  }
}
