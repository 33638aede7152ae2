// sincos2d: options → plan. A 2-D table is two 1-D encodings per token, one of the column and one
// of the row, each a halves block whose columns the preset places (conventions §6):
//   mae        [sin cω | cos cω | sin rω | cos rω]   ω_k = T^(−k/K), K = dim/4  (MAE; its "emb_h" is the column)
//   mocov3     [sin rω | cos rω | sin cω | cos cω]   ω_k = T^(−k/K)            (MoCo v3; timm interleave_sin_cos)
//   bigvision  [sin cω | cos cω | sin rω | cos rω]   ω_k = T^(−k/(K−1))        (big_vision posemb_sincos_2d)
//   timm       [sin rω | sin cω | cos rω | cos cω]   ω_k = T^(−k/K)            (timm build_sincos2d_pos_embed)
//   tensor2tensor [sin rω | cos rω | sin cω | cos cω | 0 …], K = ⌊dim/4⌋, ω_k = e^(−k·ln T/(K−1))
//              (add_timing_signal_nd with 2 axes: the dim − 4K last channels are zero; §2)
// Tokens are row-major (n = r·width + c), which is what every reference means for square grids;
// for non-square grids this is the correct generalisation (MoCo v3's and diffusers' own code
// mis-order tokens there, see diffusers PR #10877, HF PR #41380).

import { checkBool } from '../core/options.js';
import { checkFrequencies, frequenciesKey, refuseKnobs } from '../core/frequencies.js';
import { MAX_DIM, checkEnum, checkFinite, checkInt, checkKeys, checkObject, checkProduct, floatArray, rangeError } from '../core/options.js';
import { LAYOUT_HALVES, checkOut, type MathLib, type SinEncoding } from '../core/encoding.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';
import type { Preset2d } from './types.js';

export interface Grid2dPlan {
  /** Grid rows and columns. */
  readonly height: number;
  readonly width: number;
  readonly dim: number;
  /** A zero first row. */
  readonly cls: boolean;
  /** cls + height·width. */
  readonly rows: number;
  readonly f64: boolean;
  readonly f32Angles: boolean;
  /** The row-index and column-index encodings (each writes only its own columns). */
  readonly axisR: SinEncoding;
  readonly axisC: SinEncoding;
}

export const PRESETS_2D: readonly Preset2d[] = ['mae', 'mocov3', 'bigvision', 'timm', 'tensor2tensor'];
export const SINCOS2D_KEYS = ['height', 'width', 'dim', 'preset', 'temperature', 'clsToken', 'dtype', 'float32Angles', 'frequencies', 'out'] as const;

/** Column offsets (sin, cos) of the row axis and of the column axis, in units of K. */
const PLACES: Record<Preset2d, { r: [number, number]; c: [number, number] }> = {
  mae: { c: [0, 1], r: [2, 3] },
  mocov3: { r: [0, 1], c: [2, 3] },
  bigvision: { c: [0, 1], r: [2, 3] },
  timm: { r: [0, 2], c: [1, 3] },
  tensor2tensor: { r: [0, 1], c: [2, 3] },
};

const freqCache = new WeakMap<MathLib, Map<string, Float64Array>>();

/** ω_k = 1/T^(k/den) (den = K, or K − 1 for bigvision; tensor2tensor: e^(−k·ln T/(K−1))), float64 unless f32; cached per math. */
export function frequencies(preset: Preset2d, K: number, T: number, f32: boolean, math: MathLib): Float64Array {
  const key = `${preset === 'tensor2tensor' ? 't2t' : preset === 'bigvision'}|${K}|${T}|${f32}`;
  let m = freqCache.get(math);
  if (!m) freqCache.set(math, (m = new Map()));
  const hit = m.get(key);
  if (hit) return hit;
  const den = preset === 'bigvision' ? K - 1 : K;
  const w = new Float64Array(K);
  const r = f32 ? Math.fround : (v: number) => v;
  if (preset === 'tensor2tensor') {
    // TensorFlow: exp(range(K) · −(log(max/min) / (K − 1))), min = 1 (float32: tf tensors).
    const inc = r(r(math.log(T)) / (K - 1));
    for (let k = 0; k < K; k++) w[k] = r(math.exp(r(k * -inc)));
  } else {
    // float64: numpy's 1/T**(k/den) (MAE); float32: torch/jax 1/(T ** (arange(K, f32)/den)).
    for (let k = 0; k < K; k++) w[k] = r(1 / r(math.pow(r(T), r(k / den))));
  }
  if (m.size >= 32) m.delete(m.keys().next().value as string);
  m.set(key, w);
  return w;
}

/** Validates `sincos2d(options)` (`fn` names the public function in messages). */
export function planSincos2d(options: unknown, math: MathLib, fn = 'sincos2d', keys: readonly string[] = SINCOS2D_KEYS): { plan: Grid2dPlan; out: FloatArray | ModuleTensor | undefined } {
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out);
  checkKeys(fn, 'options', o, keys);
  for (const k of ['height', 'width', 'dim'] as const) {
    if (o[k] === undefined) throw new TypeError(`posenc.${fn}: options.${k} is required`);
  }
  const height = checkInt(fn, 'options.height', o.height, 0);
  const width = checkInt(fn, 'options.width', o.width, 0);
  const dim = checkInt(fn, 'options.dim', o.dim, 1, MAX_DIM);
  const preset = checkEnum(fn, 'options.preset', o.preset === undefined ? 'mae' : o.preset, PRESETS_2D);
  if (preset === 'tensor2tensor') {
    if (dim < 8) throw rangeError(fn, 'options.dim', "≥ 8 for preset 'tensor2tensor' (its exponent divides by ⌊dim/4⌋ − 1)", dim);
  } else if (dim % 4) throw rangeError(fn, 'options.dim', `a multiple of 4 (sin and cos of two axes) for preset '${preset}'`, dim);
  if (preset === 'bigvision' && dim < 8) throw rangeError(fn, 'options.dim', "≥ 8 for preset 'bigvision' (its exponent divides by dim/4 − 1)", dim);
  if (o.frequencies !== undefined) refuseKnobs(fn, 'options', o, ['temperature']);
  const T = checkFinite(fn, 'options.temperature', o.temperature === undefined ? 10000 : o.temperature, 0, true);
  const cls = o.clsToken === undefined ? preset === 'mocov3' : checkBool(fn, 'options.clsToken', o.clsToken);
  const f64 = checkEnum(fn, 'options.dtype', o.dtype === undefined ? 'float32' : o.dtype, ['float32', 'float64']) === 'float64';
  const f32 = o.float32Angles === undefined ? false : checkBool(fn, 'options.float32Angles', o.float32Angles);
  const rows = (cls ? 1 : 0) + height * width;
  checkProduct(fn, 'a table of shape', [rows, dim], f64 ? 8 : 4);
  if (o.out !== undefined) checkOut(fn, 'options.out', o.out, f64, rows * dim);
  const K = Math.floor(dim / 4);
  // Both axes share the K frequencies (every preset encodes rows and columns alike).
  const freqs = o.frequencies === undefined
    ? frequencies(preset, K, T, f32, math)
    : checkFrequencies(fn, 'options.frequencies', o.frequencies, K, `K = ${preset === 'tensor2tensor' ? '⌊dim/4⌋' : 'dim/4'}, one per axis channel pair`, f32);
  const freqKey = o.frequencies === undefined ? `${preset === 'tensor2tensor' ? 't2t' : preset === 'bigvision'}|${T}` : `given|${frequenciesKey(freqs)}`;
  const place = PLACES[preset];
  // The column axis is written first: it also zeroes the channels past 4K (tensor2tensor).
  const axis = (name: string, [s, c]: [number, number]): SinEncoding => ({
    kind: 'sinusoidal', width: dim, freqs, nCos: K, layout: LAYOUT_HALVES, sinBase: s * K, cosBase: c * K,
    zeroFrom: name === 'c' ? 4 * K : dim, start: 0, padPos: NaN, f32Angles: f32,
    key: `2d|${dim}|${name}|${s}|${c}${f32 ? '|f32' : ''}|${freqKey}`,
  });
  const plan: Grid2dPlan = {
    height, width, dim, cls, rows, f64, f32Angles: f32, axisR: axis('r', place.r), axisC: axis('c', place.c),
  };
  return { plan, out: o.out as FloatArray | ModuleTensor | undefined };
}
