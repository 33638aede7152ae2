// rope / ropeFrequencies: options → plan. The frequency schedules of Hugging Face's
// modeling_rope_utils.py (default, linear, dynamic NTK, YaRN, Llama 3, LongRoPE; conventions §7e),
// written once with a rounding function `r`: the identity for the default float64 computation,
// Math.fround for float32Angles, where each step rounds as PyTorch's float32 tensor ops do (a
// Python scalar meeting a float32 tensor is rounded to float32 first; scalar-only arithmetic such
// as YaRN's correction range or the attention factor stays in float64, as in Python).
// pow/exp/log come from the backend's math (WebAssembly NativeMath for the wasm backends).

import { checkBool } from '../core/options.js';
import { checkFrequencies, frequenciesKey, refuseKnobs } from '../core/frequencies.js';
import {
  MAX_DIM, checkEnum, checkFinite, checkInt, checkKeys, checkObject, checkPositions, checkProduct, floatArray,
  isFloat64Array, partiallyOverlaps, rangeError, typedArrayName, typeError, shapeValues,
} from '../core/options.js';
import type { MathLib } from '../core/encoding.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';
import type { RopeFrequencies } from './types.js';

export interface RopePlan {
  readonly batch: number;
  readonly heads: number;
  readonly length: number;
  readonly headDim: number;
  /** Rotated features (even); [rotaryDim, headDim) pass through. */
  readonly rotaryDim: number;
  /** 'blhd': x is [batch, length, heads, headDim]. */
  readonly blhd: boolean;
  readonly interleaved: boolean;
  readonly f64: boolean;
  /** ω_i, i < rotaryDim/2 (float32 values with f32Angles); shared, never to be modified. */
  readonly freqs: Float64Array;
  /** Multiplies cos and sin (a float32 value with f32Angles). */
  readonly attentionFactor: number;
  readonly f32Angles: boolean;
  /** Position of token l: start + l, unless positions. */
  readonly start: number;
  /** [length] or [batch·length] (perBatch). */
  readonly positions: Float64Array | null;
  readonly perBatch: boolean;
  /** Identifies freqs (cache key of compiled contexts). */
  readonly key: string;
  /** Multi-axis rotary (options.axes); null for 1-D. positions (if any) are then axis-major. */
  readonly axes: RopeAxesPlan | null;
}

/**
 * Multi-axis rotary, resolved. Pair j (a table column, j < rotaryDim/2) has frequency freqs[j]
 * and takes its position from axis colAxis[j]. The kernels compute each axis's columns from one
 * context of that axis's frequencies, in the axis-major "gathered" order (axis 0's columns, then
 * axis 1's, …): column j sits at gathered slot perm[j] (perm null: the identity, the axes own
 * consecutive columns).
 */
export interface RopeAxesPlan {
  readonly count: number;
  readonly colAxis: Int32Array;
  /** Per axis: its frequencies in gathered order (column order within the axis). */
  readonly freqs: readonly Float64Array[];
  /** Per axis: its first gathered slot. */
  readonly slot: readonly number[];
  readonly perm: Int32Array | null;
  /** Per axis: identifies its frequencies and slot (cache key of compiled contexts). */
  readonly keys: readonly string[];
  /** Elements between consecutive axis rows of plan.positions (length, or batch·length). */
  readonly stride: number;
}

const ROPE_KEYS = ['shape', 'layout', 'base', 'rotaryDim', 'offset', 'positions', 'axes', 'scaling', 'seqLen', 'order', 'float32Angles', 'frequencies', 'attentionFactor', 'out'] as const;
const AXES_KEYS = ['sections', 'frequencies', 'assign'] as const;
/** Most position axes of a multi-axis rotary (models use 2 to 4). */
export const MAX_AXES = 16;
const FREQ_KEYS = ['dim', 'base', 'scaling', 'seqLen', 'float32Angles'] as const;
const SCALING_TYPES = ['default', 'linear', 'dynamic', 'yarn', 'llama3', 'longrope'] as const;
type ScalingType = (typeof SCALING_TYPES)[number];
const SCALING_KEYS: Record<ScalingType, readonly string[]> = {
  default: ['type'],
  linear: ['type', 'factor'],
  dynamic: ['type', 'factor', 'maxPositionEmbeddings'],
  yarn: ['type', 'factor', 'originalMaxPositionEmbeddings', 'maxPositionEmbeddings', 'attentionFactor', 'mscale', 'mscaleAllDim', 'betaFast', 'betaSlow', 'truncate'],
  llama3: ['type', 'factor', 'lowFreqFactor', 'highFreqFactor', 'originalMaxPositionEmbeddings'],
  longrope: ['type', 'longFactor', 'shortFactor', 'originalMaxPositionEmbeddings', 'factor', 'maxPositionEmbeddings', 'attentionFactor'],
};

const identity = (v: number) => v;

interface Resolved {
  freqs: Float64Array;
  attentionFactor: number;
  base: number;
}

/**
 * Resolved schedules per backend math, keyed by the options that determine them (a valid set of
 * options only: an entry is stored after validation). Bounded; the oldest entry is evicted.
 */
const cache = new WeakMap<MathLib, Map<string, Resolved & { key: string }>>();
const CACHE_SIZE = 64;

function cacheKey(dim: number, base: number, scalingV: unknown, seqLen: number | undefined, f32: boolean): string | null {
  let sk = '';
  if (scalingV !== undefined) {
    if (typeof scalingV !== 'object' || scalingV === null) return null;
    const t = (scalingV as { type?: unknown }).type;
    try {
      // Own keys too: JSON drops undefined values, which checkKeys still sees.
      sk = `${Object.keys(scalingV).join(',')}|${JSON.stringify(scalingV)}`;
    } catch {
      return null;
    }
    // Only these schedules depend on the sequence length.
    if (t === 'dynamic' || t === 'longrope') sk += `|${seqLen}`;
  }
  return `${dim}|${base}|${f32 ? 1 : 0}|${sk}`;
}

function resolveCached(fn: string, p: string, dim: number, base: number, scalingV: unknown, seqLen: number | undefined, f32: boolean, math: MathLib): Resolved & { key: string } {
  const k = cacheKey(dim, base, scalingV, seqLen, f32);
  let m = cache.get(math);
  if (!m) cache.set(math, (m = new Map()));
  const hit = k === null ? undefined : m.get(k);
  if (hit) return hit;
  const res = resolveFreqs(fn, p, dim, base, scalingV, seqLen, f32, math);
  const entry = { ...res, key: `rope|${f32 ? 'f32|' : ''}${Array.prototype.join.call(res.freqs, ',')}` };
  if (k !== null) {
    if (m.size >= CACHE_SIZE) m.delete(m.keys().next().value as string);
    m.set(k, entry);
  }
  return entry;
}

/** The scaling options, validated (p: parameter prefix, e.g. 'options.scaling'). */
interface Scaling {
  type: ScalingType;
  [k: string]: unknown;
}

function req(fn: string, p: string, s: Record<string, unknown>, k: string): unknown {
  if (s[k] === undefined) throw new TypeError(`posenc.${fn}: ${p}.${k} is required for type '${String(s.type)}'`);
  return s[k];
}

function checkScaling(fn: string, p: string, v: unknown): Scaling {
  checkObject(fn, p, v);
  if (v.type === undefined) throw new TypeError(`posenc.${fn}: ${p}.type is required (one of ${SCALING_TYPES.map((t) => `'${t}'`).join(', ')})`);
  const type = checkEnum(fn, `${p}.type`, v.type, SCALING_TYPES);
  checkKeys(fn, p, v, SCALING_KEYS[type]);
  return v as Scaling;
}

/**
 * ω'_i (i < dim/2) and the attention factor of a scaling, with `seqLen` the sequence length the
 * dynamic/longrope schedules are chosen for (undefined: their defaults).
 */
function resolveFreqs(fn: string, p: string, dim: number, base: number, scalingV: unknown, seqLen: number | undefined, f32: boolean, math: MathLib): Resolved {
  const r = f32 ? Math.fround : identity;
  const h = dim / 2;
  const s: Scaling = scalingV === undefined ? { type: 'default' } : checkScaling(fn, p, scalingV);
  const pos = (k: string) => checkFinite(fn, `${p}.${k}`, req(fn, p, s, k), 0, true);
  const posInt = (k: string) => checkInt(fn, `${p}.${k}`, req(fn, p, s, k), 1);
  const opt = (k: string, fallback: number, open = true) => (s[k] === undefined ? fallback : checkFinite(fn, `${p}.${k}`, s[k], 0, open));
  /** HF's default inverse frequencies 1/base^(2i/dim) for a base (float32: the tensor chain). */
  const defaults = (b: number, f32Base = r(b)) => {
    const f = new Float64Array(h);
    for (let i = 0; i < h; i++) f[i] = r(1 / r(math.pow(f32Base, r((2 * i) / dim))));
    return f;
  };
  switch (s.type) {
    case 'default':
      return { freqs: defaults(base), attentionFactor: 1, base };
    case 'linear': {
      const factor = pos('factor');
      const f = defaults(base);
      for (let i = 0; i < h; i++) f[i] = r(f[i] / r(factor));
      return { freqs: f, attentionFactor: 1, base };
    }
    case 'dynamic': {
      const factor = pos('factor');
      const maxPos = posInt('maxPositionEmbeddings');
      if (dim < 4) throw rangeError(fn, 'dim', "≥ 4 for scaling type 'dynamic' (it raises to dim/(dim − 2))", dim);
      const S = seqLen === undefined ? maxPos : seqLen;
      // seq_len ≤ max_position_embeddings: the original frequencies (HF keeps/resets original_inv_freq).
      if (S <= maxPos) return { freqs: defaults(base), attentionFactor: 1, base };
      // torch's pow(float32 tensor, Python float) raises to the double exponent in double and
      // rounds once (its scalar path), so dim/(dim − 2) is not rounded to float32 first.
      const b = f32
        ? r(r(base) * r(math.pow(r(r(r(r(factor) * S) / maxPos) - r(factor - 1)), dim / (dim - 2))))
        : base * math.pow((factor * S) / maxPos - (factor - 1), dim / (dim - 2));
      return { freqs: defaults(b, b), attentionFactor: 1, base: b };
    }
    case 'yarn': {
      const maxPos = s.maxPositionEmbeddings === undefined ? undefined : checkInt(fn, `${p}.maxPositionEmbeddings`, s.maxPositionEmbeddings, 1);
      const origV = s.originalMaxPositionEmbeddings === undefined ? maxPos : checkInt(fn, `${p}.originalMaxPositionEmbeddings`, s.originalMaxPositionEmbeddings, 1);
      if (origV === undefined) throw new TypeError(`posenc.${fn}: ${p}.originalMaxPositionEmbeddings (or maxPositionEmbeddings) is required for type 'yarn'`);
      const orig = origV;
      let factor: number;
      if (s.factor !== undefined) factor = checkFinite(fn, `${p}.factor`, s.factor, 0, true);
      else if (maxPos !== undefined) factor = maxPos / orig;
      else throw new TypeError(`posenc.${fn}: ${p}.factor (or maxPositionEmbeddings) is required for type 'yarn'`);
      const mscale = s.mscale === undefined ? undefined : checkFinite(fn, `${p}.mscale`, s.mscale);
      const mscaleAll = s.mscaleAllDim === undefined ? undefined : checkFinite(fn, `${p}.mscaleAllDim`, s.mscaleAllDim);
      const getMscale = (sc: number, m = 1) => (sc <= 1 ? 1 : 0.1 * m * math.log(sc) + 1);
      let af: number;
      if (s.attentionFactor !== undefined) af = checkFinite(fn, `${p}.attentionFactor`, s.attentionFactor, 0, true);
      else if (mscale && mscaleAll) af = getMscale(factor, mscale) / getMscale(factor, mscaleAll);
      else af = getMscale(factor);
      // HF: `rope_parameters.get("beta_fast") or 32` (0 also means the default).
      const betaFast = opt('betaFast', 32, false) || 32;
      const betaSlow = opt('betaSlow', 1, false) || 1;
      const truncate = s.truncate === undefined ? true : checkBool(fn, `${p}.truncate`, s.truncate);
      const [low, high] = yarnRange(dim, base, orig, betaFast, betaSlow, truncate, math.log);
      const f = new Float64Array(h);
      const b32 = r(base);
      const span = r(high - low);
      const lowR = r(low);
      const fac = r(factor);
      for (let i = 0; i < h; i++) {
        const pf = r(math.pow(b32, r((2 * i) / dim)));
        const extra = r(1 / pf);
        const inter = r(1 / r(fac * pf));
        const ramp = Math.min(Math.max(r(r(i - lowR) / span), 0), 1);
        const extraFactor = r(1 - ramp);
        f[i] = r(r(inter * r(1 - extraFactor)) + r(extra * extraFactor));
      }
      return { freqs: f, attentionFactor: af, base };
    }
    case 'llama3': {
      const factor = pos('factor');
      const lff = pos('lowFreqFactor');
      const hff = pos('highFreqFactor');
      const L = posInt('originalMaxPositionEmbeddings');
      // HF only warns when highFreqFactor ≤ lowFreqFactor (Llama 4 ships them equal): the smoothing
      // band between the two wavelengths is then empty. A wavelength exactly at an equal bound, where
      // HF would divide 0 by 0, keeps its frequency.
      const lowWl = r(L / lff);
      const highWl = r(L / hff);
      const f = defaults(base);
      const twoPi = r(2 * Math.PI);
      for (let i = 0; i < h; i++) {
        const inv = f[i];
        const wl = r(twoPi / inv);
        const il = wl > lowWl ? r(inv / r(factor)) : inv;
        if (!(wl < highWl) && !(wl > lowWl) && hff !== lff) {
          const sm = r(r(r(r(L) / wl) - r(lff)) / r(hff - lff));
          f[i] = r(r(r(r(1 - sm) * il) / r(factor)) + r(sm * il));
        } else f[i] = il;
      }
      return { freqs: f, attentionFactor: 1, base };
    }
    case 'longrope': {
      const orig = posInt('originalMaxPositionEmbeddings');
      const maxPos = s.maxPositionEmbeddings === undefined ? undefined : checkInt(fn, `${p}.maxPositionEmbeddings`, s.maxPositionEmbeddings, 1);
      const long = factorList(fn, `${p}.longFactor`, req(fn, p, s, 'longFactor'), h);
      const short = factorList(fn, `${p}.shortFactor`, req(fn, p, s, 'shortFactor'), h);
      let af: number;
      if (s.attentionFactor !== undefined) af = checkFinite(fn, `${p}.attentionFactor`, s.attentionFactor, 0, true);
      else {
        let factor: number;
        if (s.factor !== undefined) factor = checkFinite(fn, `${p}.factor`, s.factor, 0, true);
        else if (maxPos !== undefined) factor = maxPos / orig;
        else throw new TypeError(`posenc.${fn}: ${p}.factor, maxPositionEmbeddings or attentionFactor is required for type 'longrope'`);
        af = factor <= 1 ? 1 : Math.sqrt(1 + math.log(factor) / math.log(orig));
      }
      const ext = seqLen !== undefined && seqLen > orig ? long : short;
      const b32 = r(base);
      const f = new Float64Array(h);
      for (let i = 0; i < h; i++) f[i] = r(1 / r(r(ext[i]) * r(math.pow(b32, r((2 * i) / dim)))));
      return { freqs: f, attentionFactor: af, base };
    }
  }
}

function factorList(fn: string, param: string, v: unknown, h: number): Float64Array {
  const a = checkPositions(fn, param, v, false);
  if (a.length !== h) throw rangeError(fn, `${param}.length`, `rotaryDim/2 = ${h}`, a.length);
  a.forEach((x, i) => {
    if (!(x > 0)) throw rangeError(fn, `${param}[${i}]`, 'a finite number > 0', x);
  });
  return a;
}

/** Validates `ropeFrequencies(options)`. */
export function planRopeFrequencies(options: unknown, math: MathLib): RopeFrequencies {
  const fn = 'ropeFrequencies';
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, FREQ_KEYS);
  const o = options;
  if (o.dim === undefined) throw new TypeError(`posenc.${fn}: options.dim is required (the rotary dim)`);
  const dim = checkInt(fn, 'options.dim', o.dim, 2, MAX_DIM);
  if (dim % 2) throw rangeError(fn, 'options.dim', 'even (features rotate in pairs)', dim);
  const base = checkFinite(fn, 'options.base', o.base === undefined ? 10000 : o.base, 0, true);
  const seqLen = o.seqLen === undefined ? undefined : checkFinite(fn, 'options.seqLen', o.seqLen, 0, true);
  const f32 = o.float32Angles === undefined ? false : checkBool(fn, 'options.float32Angles', o.float32Angles);
  const res = resolveCached(fn, 'options.scaling', dim, base, o.scaling, seqLen, f32, math);
  return { invFreq: res.freqs.slice(), attentionFactor: res.attentionFactor, base: res.base };
}

function checkShape4(fn: string, v: unknown): [number, number, number, number] {
  if (!Array.isArray(v) && typedArrayName(v) === undefined) {
    throw typeError(fn, 'options.shape', 'an array [batch, heads, length, headDim]', v);
  }
  const s = shapeValues(fn, 'options.shape', v);
  if (s.length !== 4) throw rangeError(fn, 'options.shape', 'of rank 4 [batch, heads, length, headDim]', v);
  s.forEach((d, i) => checkInt(fn, `options.shape[${i}]`, d, 0));
  return [s[0], s[1], s[2], s[3]];
}

/** Validates `rope(x, options)`: every check runs before anything is written. `fn`: the function named in messages. */
export function planRope(x: unknown, options: unknown, math: MathLib, fn = 'rope'): { plan: RopePlan; x: FloatArray | ModuleTensor; out: FloatArray | ModuleTensor | undefined } {
  const xa = floatArray(fn, 'x', x);
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out);
  checkKeys(fn, 'options', o, ROPE_KEYS);
  // A checkpoint's inv_freq: base, scaling and seqLen would only derive other frequencies.
  if (o.frequencies !== undefined) refuseKnobs(fn, 'options', o, ['base', 'scaling', 'seqLen']);
  if (o.shape === undefined) throw new TypeError(`posenc.${fn}: options.shape is required ([batch, heads, length, headDim])`);
  const blhd = checkEnum(fn, 'options.order', o.order === undefined ? 'bhld' : o.order, ['bhld', 'blhd']) === 'blhd';
  const shape = checkShape4(fn, o.shape);
  const [batch, heads, length, headDim] = blhd ? [shape[0], shape[2], shape[1], shape[3]] : shape;
  const f64 = isFloat64Array(xa);
  const count = checkProduct(fn, 'a tensor of shape', shape, f64 ? 8 : 4);
  if (xa.length !== count) throw rangeError(fn, 'options.shape', `consistent with x.length = ${xa.length}`, o.shape);
  const layout = checkEnum(fn, 'options.layout', o.layout === undefined ? 'halves' : o.layout, ['halves', 'interleaved']);
  const base = checkFinite(fn, 'options.base', o.base === undefined ? 10000 : o.base, 0, true);
  let rotaryDim: number;
  if (o.rotaryDim === undefined) {
    if (headDim % 2) throw rangeError(fn, 'headDim (options.shape[3])', 'even (features rotate in pairs), or give an even options.rotaryDim', headDim);
    rotaryDim = headDim;
  } else {
    rotaryDim = checkInt(fn, 'options.rotaryDim', o.rotaryDim, 0, headDim);
    if (rotaryDim % 2) throw rangeError(fn, 'options.rotaryDim', `even and ≤ headDim = ${headDim}`, rotaryDim);
  }
  if (rotaryDim > MAX_DIM) throw rangeError(fn, o.rotaryDim === undefined ? 'headDim (options.shape[3])' : 'options.rotaryDim', `at most ${MAX_DIM} (the widest rotary dim)`, rotaryDim);
  const f32 = o.float32Angles === undefined ? false : checkBool(fn, 'options.float32Angles', o.float32Angles);

  const ax = o.axes === undefined ? null : checkAxes(fn, o.axes, rotaryDim, o.scaling);
  const A = ax ? ax.sections.length : 1;
  let positions: Float64Array | null = null;
  let perBatch = false;
  if (o.positions !== undefined) {
    if (o.offset !== undefined) throw new TypeError(`posenc.${fn}: give options.offset or options.positions, not both`);
    positions = checkPositions(fn, 'options.positions', o.positions, false);
    if (positions.length === A * batch * length && positions.length !== A * length) perBatch = true;
    else if (positions.length !== A * length) {
      throw rangeError(fn, 'options.positions', ax
        ? `of length ${A}·${length} = ${A * length} (one row per axis, shared by the batch) or ${A}·${batch}·${length} = ${A * batch * length} (axis-major [axes, batch, length])`
        : `of length ${length} (shared) or ${batch * length} (batch × length)`, o.positions);
    }
  }
  const start = checkFinite(fn, 'options.offset', o.offset === undefined ? 0 : o.offset);
  let seqLen: number | undefined;
  if (o.seqLen !== undefined) seqLen = checkFinite(fn, 'options.seqLen', o.seqLen, 0, true);
  else if (length > 0 && o.scaling !== undefined) {
    // Only a scaling's schedule (dynamic NTK, LongRoPE) depends on it.
    // HF dynamic_rope_update: seq_len = max(position_ids) + 1.
    let m = -Infinity;
    if (positions) for (let i = 0; i < positions.length; i++) m = Math.max(m, positions[i]);
    else m = start + length - 1;
    seqLen = m + 1;
  }
  let res: Resolved & { key: string };
  let axes: RopeAxesPlan | null = null;
  if (o.frequencies !== undefined) {
    // Given frequencies are in column order (pair j), for shared and per-axis frequencies alike:
    // per-axis then means only that the caller concatenated each axis's own frequencies.
    const freqs = checkFrequencies(fn, 'options.frequencies', o.frequencies, rotaryDim / 2, `rotaryDim/2 = ${rotaryDim / 2}`, f32);
    const af = o.attentionFactor === undefined ? 1 : checkFinite(fn, 'options.attentionFactor', o.attentionFactor, 0, true);
    res = { freqs, attentionFactor: af, base, key: `rope|given|${f32 ? 'f32|' : ''}${frequenciesKey(freqs)}` };
  } else {
    if (o.attentionFactor !== undefined) {
      throw new TypeError(`posenc.${fn}: options.attentionFactor applies only with options.frequencies (otherwise options.scaling derives it)`);
    }
    if (ax && ax.perAxis) {
      // Each axis's frequencies are those of a 1-D rotary of its width 2·s_a.
      const per = ax.sections.map((s) => resolveCached(fn, 'options.scaling', 2 * s, base, undefined, undefined, f32, math));
      const freqs = new Float64Array(rotaryDim / 2);
      let at = 0;
      for (const r of per) {
        freqs.set(r.freqs, at);
        at += r.freqs.length;
      }
      res = { freqs, attentionFactor: 1, base, key: `ropeaxes|${per.map((r) => r.key).join('|')}` };
    } else {
      res = rotaryDim === 0
        ? { freqs: new Float64Array(0), attentionFactor: 1, base, key: 'rope|' }
        : resolveCached(fn, 'options.scaling', rotaryDim, base, o.scaling, seqLen, f32, math);
    }
    if (rotaryDim === 0 && o.scaling !== undefined) checkScaling(fn, 'options.scaling', o.scaling);
  }
  if (ax) axes = axesPlan(ax, res, f32, perBatch ? batch * length : length);
  const af = f32 ? Math.fround(res.attentionFactor) : res.attentionFactor;
  if (o.out !== undefined) {
    const oa = floatArray(fn, 'options.out', o.out);
    if (isFloat64Array(oa) !== f64) throw typeError(fn, 'options.out', `a ${f64 ? 'Float64Array' : 'Float32Array'} (x's dtype)`, o.out);
    if (oa.length !== count) throw rangeError(fn, 'options.out.length', `${count}`, oa.length);
    if (partiallyOverlaps(oa, xa)) throw new RangeError(`posenc.${fn}: options.out overlaps x partially (it may be x itself, or separate)`);
  }
  const plan: RopePlan = {
    batch, heads, length, headDim, rotaryDim, blhd, interleaved: layout === 'interleaved', f64,
    freqs: res.freqs, attentionFactor: af, f32Angles: f32, start, positions, perBatch,
    key: res.key, axes,
  };
  return { plan, x: x as FloatArray | ModuleTensor, out: o.out as FloatArray | ModuleTensor | undefined };
}

interface AxesOptions {
  sections: number[];
  perAxis: boolean;
  cycle: boolean;
}

/** Validates options.axes against rotaryDim (every check before anything is derived or written). */
function checkAxes(fn: string, v: unknown, rotaryDim: number, scalingV: unknown): AxesOptions {
  const p = 'options.axes';
  checkObject(fn, p, v);
  checkKeys(fn, p, v, AXES_KEYS);
  if (v.sections === undefined) throw new TypeError(`posenc.${fn}: ${p}.sections is required (pairs per axis, e.g. [16, 24, 24])`);
  const sv = v.sections;
  if (!Array.isArray(sv) && (typedArrayName(sv) === undefined || /^Big/.test(typedArrayName(sv)!))) {
    throw typeError(fn, `${p}.sections`, 'an array of integers (pairs per axis)', sv);
  }
  const sections = shapeValues(fn, `${p}.sections`, sv);
  if (sections.length < 1 || sections.length > MAX_AXES) throw rangeError(fn, `${p}.sections`, `1 to ${MAX_AXES} axes`, sv);
  sections.forEach((s, i) => checkInt(fn, `${p}.sections[${i}]`, s, 1));
  const frequencies = checkEnum(fn, `${p}.frequencies`, v.frequencies === undefined ? 'shared' : v.frequencies, ['shared', 'per-axis']);
  const assign = checkEnum(fn, `${p}.assign`, v.assign === undefined ? 'chunks' : v.assign, ['chunks', 'cycle']);
  const sum = sections.reduce((a, b) => a + b, 0);
  if (sum !== rotaryDim / 2) {
    throw rangeError(fn, `${p}.sections`, `integers summing to rotaryDim/2 = ${rotaryDim / 2} (sum ${sum})`, sv);
  }
  if (assign === 'cycle') {
    if (sections.length !== 3) throw rangeError(fn, `${p}.sections`, "three sections (T, H, W) with assign 'cycle'", sv);
    if (frequencies !== 'shared') throw new RangeError(`posenc.${fn}: ${p}.assign 'cycle' needs ${p}.frequencies 'shared', got '${frequencies}'`);
    const n = cycleAxes(sections, rotaryDim / 2).reduce((c, a) => (c[a]++, c), [0, 0, 0]);
    if (n[0] !== sections[0] || n[1] !== sections[1] || n[2] !== sections[2]) {
      throw rangeError(fn, `${p}.sections`, `sections that 'cycle' can interleave (it gives axes [${n.join(', ')}] pairs: needs 3·s1 ≤ ${rotaryDim / 2 + 1} and 3·s2 ≤ ${rotaryDim / 2})`, sv);
    }
  }
  if (frequencies === 'per-axis' && scalingV !== undefined) {
    const t = typeof scalingV === 'object' && scalingV !== null ? (scalingV as { type?: unknown }).type : undefined;
    if (t !== 'default') throw new RangeError(`posenc.${fn}: options.scaling applies to ${p}.frequencies 'shared' only (per-axis frequencies are base^(−2i/(2·s_a)))`);
    checkScaling(fn, 'options.scaling', scalingV);
  }
  return { sections, perAxis: frequencies === 'per-axis', cycle: assign === 'cycle' };
}

/** HF Qwen3-VL apply_interleaved_mrope: axis of pair j (also drawn by the demo's multi-axis panel). */
export function cycleAxes(sections: readonly number[], h: number): number[] {
  return Array.from({ length: h }, (_, j) => (j % 3 === 1 && j < 3 * sections[1] ? 1 : j % 3 === 2 && j < 3 * sections[2] ? 2 : 0));
}

/** Resolved axes by frequency key and sections (validated before they are stored). */
const axesCache = new Map<string, Omit<RopeAxesPlan, 'stride'>>();

function axesPlan(ax: AxesOptions, res: Resolved & { key: string }, f32: boolean, stride: number): RopeAxesPlan {
  const k = `${res.key}#${ax.sections.join(',')}#${ax.cycle ? 'c' : 's'}`;
  let hit = axesCache.get(k);
  if (!hit) {
    const h = res.freqs.length;
    const A = ax.sections.length;
    const colAxis = new Int32Array(ax.cycle ? cycleAxes(ax.sections, h) : ax.sections.flatMap((s, a) => Array<number>(s).fill(a)));
    const slot: number[] = [];
    for (let a = 0, at = 0; a < A; at += ax.sections[a], a++) slot.push(at);
    const perm = ax.cycle ? new Int32Array(h) : null;
    const freqs = ax.sections.map((s) => new Float64Array(s));
    const next = slot.slice();
    for (let j = 0; j < h; j++) {
      const a = colAxis[j];
      const g = next[a]++;
      if (perm) perm[j] = g;
      freqs[a][g - slot[a]] = res.freqs[j];
    }
    const keys = freqs.map((f, a) => `ropeaxis|${h}|${slot[a]}|${f32 ? 'f32|' : ''}${frequenciesKey(f)}`);
    hit = { count: A, colAxis, freqs, slot, perm, keys };
    if (axesCache.size >= 64) axesCache.delete(axesCache.keys().next().value as string);
    axesCache.set(k, hit);
  }
  return { ...hit, stride };
}

/**
 * YaRN's correction range [low, high] over the rotary dim `dim` (HF `_compute_yarn_parameters`:
 * find_correction_range, floor/ceil unless `truncate` is false, clamped to [0, dim − 1], and the
 * linear ramp's guard against low == high). `log`: the backend's log (plans) or Math.log.
 */
export function yarnRange(dim: number, base: number, omp: number, betaFast: number, betaSlow: number, truncate: boolean, log: (x: number) => number): [number, number] {
  const corr = (rot: number) => (dim * log(omp / (rot * 2 * Math.PI))) / (2 * log(base));
  let low = corr(betaFast);
  let high = corr(betaSlow);
  if (truncate) {
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  low = Math.max(low, 0);
  high = Math.min(high, dim - 1);
  if (low === high) high += 0.001;
  return [low, high];
}
