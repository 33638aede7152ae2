// sincos3d: options → plan. A video grid of frames × height × width patches, tokens frame by frame
// and row-major inside a frame (n = (f·height + r)·width + c), each row the concatenation of three
// 1-D halves encodings (diffusers get_3d_sincos_pos_embed, CogVideoX):
//   [sin tω_t | cos tω_t | sin cω_s | cos cω_s | sin rω_s | cos rω_s]
//   widths dim/8 each for the time axis (K_t = dim/8), 3·dim/16 each for the spatial axes (K_s = 3·dim/16),
//   ω_k = 1/10000^(k/K) in float64 (torch float64 arange / K, 1.0 / 10000**ω),
//   positions t = fl32(f / fl32(temporalInterpolationScale)), c and r likewise with the spatial scale
//   (torch float32 arange divided by a Python float on the CPU), angles p·ω in float64.
// The first spatial half encodes the column: diffusers' meshgrid(grid_w, grid_h, indexing="xy")
// puts the column index first and its "emb_h" is computed from it (as in MAE's 2-D code).

import { frequencies } from './grid2d.js';
import { MAX_DIM, checkEnum, checkFinite, checkInt, checkKeys, checkObject, checkProduct, floatArray, rangeError } from '../core/options.js';
import { LAYOUT_HALVES, checkOut, type MathLib, type SinEncoding } from '../core/encoding.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';
import type { Preset3d } from './types.js';

export interface Grid3dPlan {
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  readonly dim: number;
  /** frames·height·width. */
  readonly rows: number;
  readonly f64: boolean;
  /** Per-axis encodings: rows of 2K columns [sin | cos] (time: K = dim/8; spatial: K = 3·dim/16). */
  readonly axisT: SinEncoding;
  readonly axisS: SinEncoding;
  /** The formula positions of each frame, row and column (float32 values). */
  readonly posT: Float64Array;
  readonly posR: Float64Array;
  readonly posC: Float64Array;
}

export const PRESETS_3D: readonly Preset3d[] = ['cogvideox'];
const KEYS = ['frames', 'height', 'width', 'dim', 'preset', 'temporalInterpolationScale', 'spatialInterpolationScale', 'dtype', 'out'] as const;

/** A [sin | cos] halves row of 2K columns with ω_k = 1/10000^(k/K). */
function axis(K: number, math: MathLib): SinEncoding {
  return {
    kind: 'sinusoidal', width: 2 * K, freqs: frequencies('mae', K, 10000, false, math), nCos: K, layout: LAYOUT_HALVES,
    sinBase: 0, cosBase: K, zeroFrom: 2 * K, start: 0, padPos: NaN, key: `3d|${K}`,
  };
}

/** fl32(k / fl32(s)) for k < n: torch.arange(n, dtype=float32) / s on the CPU. */
function positions(n: number, s: number): Float64Array {
  const s32 = Math.fround(s);
  const p = new Float64Array(n);
  // A float32 quotient computed in float64 and rounded once is the correctly rounded float32 quotient.
  for (let k = 0; k < n; k++) p[k] = Math.fround(k / s32);
  return p;
}

function checkScale(fn: string, param: string, v: unknown): number {
  const s = checkFinite(fn, param, v === undefined ? 1 : v, 0, true);
  const s32 = Math.fround(s);
  if (!(s32 > 0 && Number.isFinite(s32))) throw rangeError(fn, param, 'a positive number representable in float32 (torch divides float32 positions by it)', s);
  return s;
}

/** Validates `sincos3d(options)`. */
export function planSincos3d(options: unknown, math: MathLib): { plan: Grid3dPlan; out: FloatArray | ModuleTensor | undefined } {
  const fn = 'sincos3d';
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out);
  checkKeys(fn, 'options', o, KEYS);
  for (const k of ['frames', 'height', 'width', 'dim'] as const) {
    if (o[k] === undefined) throw new TypeError(`posenc.${fn}: options.${k} is required`);
  }
  const frames = checkInt(fn, 'options.frames', o.frames, 0);
  const height = checkInt(fn, 'options.height', o.height, 0);
  const width = checkInt(fn, 'options.width', o.width, 0);
  const dim = checkInt(fn, 'options.dim', o.dim, 1, MAX_DIM);
  if (dim % 16) throw rangeError(fn, 'options.dim', 'a multiple of 16 (dim/4 for time and 3·dim/4 for space, each split into sin and cos halves of two axes)', dim);
  checkEnum(fn, 'options.preset', o.preset === undefined ? 'cogvideox' : o.preset, PRESETS_3D);
  const ts = checkScale(fn, 'options.temporalInterpolationScale', o.temporalInterpolationScale);
  const ss = checkScale(fn, 'options.spatialInterpolationScale', o.spatialInterpolationScale);
  const f64 = checkEnum(fn, 'options.dtype', o.dtype === undefined ? 'float32' : o.dtype, ['float32', 'float64']) === 'float64';
  checkProduct(fn, 'a table of shape', [frames, height, width, dim], f64 ? 8 : 4);
  const rows = frames * height * width;
  if (o.out !== undefined) checkOut(fn, 'options.out', o.out, f64, rows * dim);
  const plan: Grid3dPlan = {
    frames, height, width, dim, rows, f64,
    axisT: axis(dim / 8, math), axisS: axis((3 * dim) / 16, math),
    posT: positions(rows ? frames : 0, ts), posR: positions(rows ? height : 0, ss), posC: positions(rows ? width : 0, ss),
  };
  return { plan, out: o.out as FloatArray | ModuleTensor | undefined };
}
