// alibiSlopes: the per-head ALiBi slopes of BLOOM/Falcon and MPT, computed as their PyTorch code
// computes them in float32 (conventions §15a). The closed form 2^(−8k/n) is not what a checkpoint
// was trained with: both codes round intermediate values to float32 and raise them with torch.pow.
//
// BLOOM/Falcon (HF build_alibi_tensor): c = 2^⌊log2 n⌋,
//   base = fl32(2^(−maxBias/c)), slopes[k−1] = torch.pow(base, k), k = 1…c;
//   n > c: extra = fl32(2^(−maxBias/(2c))), the next min(c, n − c) slopes are extra^1, extra^3, …
// MPT (HF build_mpt_alibi_tensor, gen_slopes): N = 2^⌈log2 n⌉,
//   m_k = fl32(k·fl32(maxBias/N)), slopes[k−1] = fl32(1/torch.pow(2, m_k)), k = 1…N;
//   n < N: the odd-indexed slopes, then the even-indexed ones, the first n kept.
// torch.pow runs on a 1-D tensor (c, the extra count, N elements): torch32.ts says which elements
// go through SLEEF's vectorized powf and which through the scalar powf.
// see: transformers src/transformers/models/bloom/modeling_bloom.py build_alibi_tensor,
//      models/falcon/modeling_falcon.py build_alibi_tensor, models/mpt/modeling_mpt.py build_mpt_alibi_tensor

import { checkEnum, checkFinite, checkInt, checkKeys, checkObject, rangeError } from '../core/options.js';
import type { MathLib } from '../core/encoding.js';
import { torchPow32 } from './torch32.js';
import type { AlibiPow, AlibiPreset } from './types.js';

const fr = Math.fround;

/** The most heads alibiSlopes computes for (models have at most a few hundred). */
export const MAX_HEADS = 4096;
/** The largest maxBias: the smallest slope, 2^−maxBias, stays a normal float32. */
export const MAX_BIAS = 64;

const KEYS = ['preset', 'maxBias', 'pow'] as const;

/** BLOOM/Falcon slopes (float32 values). */
function bloomSlopes(n: number, maxBias: number, exact: boolean, math: MathLib): number[] {
  const c = 2 ** Math.floor(Math.log2(n));
  const base = fr(math.pow(2, -maxBias / c));
  const slopes = torchPow32(base, Array.from({ length: c }, (_, i) => i + 1), exact, math.pow);
  if (c !== n) {
    const extra = fr(math.pow(2, -maxBias / (2 * c)));
    const r = Math.min(c, n - c);
    slopes.push(...torchPow32(extra, Array.from({ length: r }, (_, i) => 2 * i + 1), exact, math.pow));
  }
  return slopes;
}

/** MPT slopes (float32 values). */
function mptSlopes(n: number, maxBias: number, exact: boolean, math: MathLib): number[] {
  const N = 2 ** Math.ceil(Math.log2(n));
  const step = fr(maxBias / N);
  const m = Array.from({ length: N }, (_, i) => fr((i + 1) * step));
  const slopes = torchPow32(2, m, exact, math.pow).map((p) => fr(1 / p));
  if (N === n) return slopes;
  const odd = slopes.filter((_, i) => i % 2 === 1);
  const even = slopes.filter((_, i) => i % 2 === 0);
  return [...odd, ...even].slice(0, n);
}

/** Validates `alibiSlopes(heads, options)` and computes the slopes. */
export function planAlibiSlopes(heads: unknown, options: unknown, math: MathLib): Float32Array {
  const fn = 'alibiSlopes';
  const n = checkInt(fn, 'heads', heads, 1, MAX_HEADS);
  const o: Record<string, unknown> = options === undefined ? {} : (checkObject(fn, 'options', options), options);
  checkKeys(fn, 'options', o, KEYS);
  const preset = checkEnum<AlibiPreset>(fn, 'options.preset', o.preset === undefined ? 'bloom' : o.preset, ['bloom', 'mpt']);
  const maxBias = checkFinite(fn, 'options.maxBias', o.maxBias === undefined ? 8 : o.maxBias, 0, true);
  if (maxBias > MAX_BIAS) throw rangeError(fn, 'options.maxBias', `a finite number in (0, ${MAX_BIAS}] (the smallest slope is 2^−maxBias)`, maxBias);
  const pow = checkEnum<AlibiPow>(fn, 'options.pow', o.pow === undefined ? 'torch' : o.pow, ['torch', 'exact']);
  const exact = pow === 'exact';
  return Float32Array.from(preset === 'bloom' ? bloomSlopes(n, maxBias, exact, math) : mptSlopes(n, maxBias, exact, math));
}
