// options → plan. Every public call is validated and resolved here, once, into a small plain plan;
// backends never see user options, so presets, defaults and error messages live in one place.

import {
  MAX_DIM, checkEnum, checkFinite, checkInt, checkKeys, checkObject, checkPositions, checkProduct,
  floatArray, isFloat32Array, isFloat64Array, partiallyOverlaps, overlaps, rangeError, typedArrayName, typeError, shapeValues,
} from '../core/options.js';
import { LAYOUT_HALVES, LAYOUT_INTERLEAVED, checkOut, type MathLib, type SinEncoding, type TablePlan } from '../core/encoding.js';
import { PRESETS, PRESET_NAMES } from './presets.js';
import { float32Freqs } from './angles32.js';
import { checkBool } from '../core/options.js';
import { checkFrequencies, frequenciesKey, refuseKnobs } from '../core/frequencies.js';
import { isModuleTensor, type Tensor } from '../core/tensor.js';
import type { Dtype, FloatArray, ModuleTensor } from '../core/types.js';
import type { Layout, OddPolicy, Preset, Schedule } from './types.js';

export interface SinSource {
  readonly kind: 'sinusoidal';
  readonly enc: SinEncoding;
  readonly start: number;
  /** [length] or [batch·length] (perBatch). */
  readonly positions: Float64Array | null;
  readonly perBatch: boolean;
}

export interface TableSource {
  readonly kind: 'table';
  readonly table: FloatArray | Tensor;
  readonly rows: number;
  readonly rowStart: number;
  /** [length] or [batch·length] (perBatch), every entry in [0, rows), or −1: a zero row (outOfRange 'zero'). */
  readonly rowIdx: Int32Array | null;
  readonly perBatch: boolean;
}

export interface CombinePlan {
  readonly op: 'add' | 'concat';
  readonly batch: number;
  readonly length: number;
  readonly dimIn: number;
  /** Encoding columns (= dimIn for add). */
  readonly width: number;
  readonly f64: boolean;
  readonly scale: number;
  readonly src: SinSource | TableSource;
}

const ENCODING_KEYS = ['preset', 'base', 'layout', 'schedule', 'minTimescale', 'maxTimescale', 'odd', 'paddingIdx', 'omega', 'offset', 'positions', 'dim', 'dtype', 'float32Angles', 'frequencies'] as const;
/** The knobs that derive 1-D frequencies: each is refused beside `frequencies`. */
const SCHEDULE_KNOBS = ['base', 'schedule', 'minTimescale', 'maxTimescale', 'omega'] as const;
export const SINUSOIDAL_KEYS = [...ENCODING_KEYS, 'length', 'out'] as const;
const ADD_KEYS = ['shape', 'encoding', 'offset', 'positions', 'scale', 'out'] as const;
const CONCAT_KEYS = ['shape', 'encoding', 'offset', 'positions', 'out'] as const;

function optional<T>(v: T | undefined, fallback: T): T {
  return v === undefined ? fallback : v;
}

/**
 * Resolves the encoding knobs for a row of `dim` columns (for 'seed': dim is the model width and
 * the row has 2 columns). `p` prefixes parameter names in messages ('options' or 'options.encoding').
 */
export function resolveEncoding(fn: string, p: string, o: Record<string, unknown>, dim: number, math: MathLib): SinEncoding {
  // Fast path for the common call (a preset and nothing else): no key string to build.
  const plain = o.base === undefined && o.layout === undefined && o.schedule === undefined && o.odd === undefined &&
    o.minTimescale === undefined && o.maxTimescale === undefined && o.paddingIdx === undefined &&
    o.omega === undefined && o.float32Angles === undefined && o.frequencies === undefined;
  const preset = o.preset === undefined ? 'vaswani' : (o.preset as string);
  if (plain) {
    const hit = plainCache.get(math)?.get(preset)?.get(dim);
    if (hit) return hit;
  }
  const enc = resolveEncodingSlow(fn, p, o, dim, math);
  if (plain) {
    let byPreset = plainCache.get(math);
    if (!byPreset) plainCache.set(math, (byPreset = new Map()));
    let byDim = byPreset.get(preset);
    if (!byDim) byPreset.set(preset, (byDim = new Map()));
    if (byDim.size >= 64) byDim.clear();
    byDim.set(dim, enc);
  }
  return enc;
}

/** Encodings of plain preset calls: math → preset → dim (validated before they are stored). */
const plainCache = new WeakMap<MathLib, Map<string, Map<number, SinEncoding>>>();

function resolveEncodingSlow(fn: string, p: string, o: Record<string, unknown>, dim: number, math: MathLib): SinEncoding {
  if (dim > MAX_DIM) throw rangeError(fn, o.dim === undefined ? 'dim' : `${p}.dim`, `at most ${MAX_DIM} for a sinusoidal encoding`, dim);
  const preset = checkEnum<Preset>(fn, `${p}.preset`, optional(o.preset, 'vaswani'), PRESET_NAMES);
  const def = PRESETS[preset];
  const f32 = o.float32Angles === undefined ? false : checkBool(fn, `${p}.float32Angles`, o.float32Angles);
  if (def.seed) {
    for (const k of ['base', 'layout', 'schedule', 'minTimescale', 'maxTimescale', 'odd', 'paddingIdx'] as const) {
      if (o[k] !== undefined) throw new TypeError(`posenc.${fn}: ${p}.${k} does not apply to preset 'seed' (it has only omega)`);
    }
    if (o.frequencies !== undefined) {
      refuseKnobs(fn, p, o, ['omega']);
      const freqs = checkFrequencies(fn, `${p}.frequencies`, o.frequencies, 1, "preset 'seed' has one frequency", f32);
      return {
        kind: 'sinusoidal', width: 2, freqs, nCos: 1, layout: LAYOUT_INTERLEAVED, sinBase: 0, cosBase: 1, zeroFrom: 2,
        start: 0, padPos: NaN, key: `seed|given|${f32 ? 'f32|' : ''}${frequenciesKey(freqs)}`, f32Angles: f32,
      };
    }
    const omega = o.omega === undefined ? 1 / Math.sqrt(dim) : checkFinite(fn, `${p}.omega`, o.omega);
    return {
      kind: 'sinusoidal', width: 2, freqs: Float64Array.of(f32 ? Math.fround(omega) : omega), nCos: 1, layout: LAYOUT_INTERLEAVED,
      sinBase: 0, cosBase: 1, zeroFrom: 2, start: 0, padPos: NaN, key: `seed|${omega}${f32 ? '|f32' : ''}`, f32Angles: f32,
    };
  }
  if (o.frequencies !== undefined) refuseKnobs(fn, p, o, SCHEDULE_KNOBS);
  if (o.omega !== undefined) throw new TypeError(`posenc.${fn}: ${p}.omega applies only to preset 'seed'`);
  const layout = checkEnum<Layout>(fn, `${p}.layout`, optional(o.layout, def.layout), ['interleaved', 'halves']);
  const schedule = checkEnum<Schedule>(fn, `${p}.schedule`, optional(o.schedule, def.schedule), ['paper', 'timescale']);
  const odd = checkEnum<OddPolicy>(fn, `${p}.odd`, optional(o.odd, def.odd), ['sin', 'zero', 'error']);
  const base = checkFinite(fn, `${p}.base`, optional(o.base, def.base), 0, true);
  const minTs = checkFinite(fn, `${p}.minTimescale`, optional(o.minTimescale, def.minTimescale), 0, true);
  const maxTs = checkFinite(fn, `${p}.maxTimescale`, optional(o.maxTimescale, def.maxTimescale), 0, true);
  let paddingIdx: number | null = def.paddingIdx;
  if (o.paddingIdx !== undefined) {
    paddingIdx = o.paddingIdx === null ? null : checkInt(fn, `${p}.paddingIdx`, o.paddingIdx, 0);
  }
  if (dim % 2 === 1 && odd === 'error') {
    throw rangeError(fn, `dim`, `even for preset '${preset}' with odd: 'error'`, dim);
  }
  const half = Math.floor(dim / 2);
  if (o.frequencies !== undefined) {
    const n = odd === 'sin' ? Math.ceil(dim / 2) : half;
    const what = `one per sin column of dim ${dim}${dim % 2 ? ` with odd: '${odd}'` : ''}`;
    const freqs = checkFrequencies(fn, `${p}.frequencies`, o.frequencies, n, what, f32);
    const halves = layout === 'halves';
    const padPos = paddingIdx === null ? NaN : paddingIdx;
    return {
      kind: 'sinusoidal', width: dim, freqs, nCos: half, layout: halves ? LAYOUT_HALVES : LAYOUT_INTERLEAVED,
      sinBase: 0, cosBase: halves ? n : 1, zeroFrom: n + half, start: paddingIdx === null ? 0 : paddingIdx + 1, padPos,
      key: `given|${layout}|${dim}|${n}|${padPos}|${f32 ? 'f32|' : ''}${frequenciesKey(freqs)}`, f32Angles: f32,
    };
  }
  if (schedule === 'timescale' && !def.guard && half < 2) {
    throw rangeError(fn, 'dim', `≥ 4 for preset '${preset}' (its timescale schedule divides by dim/2 − 1)`, dim);
  }
  const key = `${schedule}|${layout}|${odd}|${dim}|${base}|${minTs}|${maxTs}|${def.guard}|${paddingIdx}${f32 ? `|f32|${preset === 'vaswani'}` : ''}`;
  let cache = encodingCache.get(math);
  if (!cache) encodingCache.set(math, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const n = odd === 'sin' ? Math.ceil(dim / 2) : half;
  const nCos = half;
  const freqs = new Float64Array(n);
  if (schedule === 'paper') {
    // 1/base^(2i/dim): the form of numpy/HF references (MAE, DistilBERT, HF rotary inv_freq).
    for (let i = 0; i < n; i++) freqs[i] = 1 / math.pow(base, (2 * i) / dim);
  } else {
    const inc = math.log(maxTs / minTs) / (def.guard ? Math.max(half - 1, 1) : half - 1);
    for (let i = 0; i < n; i++) freqs[i] = minTs * math.exp(i * -inc);
  }
  if (f32) float32Freqs(freqs, preset, schedule, dim, half, base, minTs, maxTs, def.guard, math);
  const halves = layout === 'halves';
  const enc: SinEncoding = {
    kind: 'sinusoidal', width: dim, freqs, nCos, layout: halves ? LAYOUT_HALVES : LAYOUT_INTERLEAVED,
    sinBase: 0, cosBase: halves ? n : 1, zeroFrom: n + nCos,
    start: paddingIdx === null ? 0 : paddingIdx + 1,
    padPos: paddingIdx === null ? NaN : paddingIdx,
    key,
    f32Angles: f32,
  };
  if (cache.size >= 64) cache.delete(cache.keys().next().value as string);
  cache.set(key, enc);
  return enc;
}

/** Resolved encodings per backend math (frequencies are derived once per distinct set of knobs). */
const encodingCache = new WeakMap<MathLib, Map<string, SinEncoding>>();

function checkDtype(fn: string, param: string, v: unknown): Dtype {
  return checkEnum<Dtype>(fn, param, v, ['float32', 'float64']);
}

/**
 * Validates `sinusoidal(options)`; returns the plan and the caller's `out`, if any. `fn` names the
 * public function in messages and `keys` are the options it accepts.
 */
export function planSinusoidal(options: unknown, math: MathLib, fn = 'sinusoidal', keys: readonly string[] = SINUSOIDAL_KEYS): { plan: TablePlan; out: FloatArray | ModuleTensor | undefined } {
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out); // detached/freed first
  checkKeys(fn, 'options', o, keys);
  if (o.dim === undefined) throw new TypeError(`posenc.${fn}: options.dim is required (the model width)`);
  const dim = checkInt(fn, 'options.dim', o.dim, 1, MAX_DIM);
  const f64 = checkDtype(fn, 'options.dtype', optional(o.dtype, 'float32')) === 'float64';
  let positions: Float64Array | null = null;
  if (o.positions !== undefined) {
    if (o.offset !== undefined) throw new TypeError(`posenc.${fn}: give options.offset or options.positions, not both`);
    positions = checkPositions(fn, 'options.positions', o.positions, false);
  }
  let rows: number;
  if (o.length === undefined) {
    if (!positions) throw new TypeError(`posenc.${fn}: options.length is required (or options.positions)`);
    rows = positions.length;
  } else {
    rows = checkInt(fn, 'options.length', o.length, 0);
    if (positions && positions.length !== rows) {
      throw rangeError(fn, 'options.positions', `of length options.length = ${rows}`, o.positions);
    }
  }
  const offset = checkFinite(fn, 'options.offset', optional(o.offset, 0));
  const enc = resolveEncoding(fn, 'options', o, dim, math);
  checkProduct(fn, 'a table of shape', [rows, enc.width], f64 ? 8 : 4);
  if (o.out !== undefined) checkOut(fn, 'options.out', o.out, f64, rows * enc.width);
  return { plan: { enc, rows, start: enc.start + offset, positions, f64 }, out: o.out as FloatArray | ModuleTensor | undefined };
}

function checkShape(fn: string, v: unknown): [number, number, number] {
  if (!Array.isArray(v) && typedArrayName(v) === undefined) {
    throw typeError(fn, 'options.shape', 'an array [batch, length, dim]', v);
  }
  const s = shapeValues(fn, 'options.shape', v);
  if (s.length !== 3 && s.length !== 2) throw rangeError(fn, 'options.shape', 'of rank 3 [batch, length, dim] (or 2: [length, dim])', v);
  s.forEach((d, i) => checkInt(fn, `options.shape[${i}]`, d, 0));
  return s.length === 3 ? [s[0], s[1], s[2]] : [1, s[0], s[1]];
}

/** Validates `add(x, options)` and `concat(x, options)`. */
export function planCombine(
  op: 'add' | 'concat', x: unknown, options: unknown, math: MathLib,
): { plan: CombinePlan; x: FloatArray | ModuleTensor; out: FloatArray | ModuleTensor | undefined } {
  const fn = op;
  const xa = floatArray(fn, 'x', x);
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out);
  const enc = o.encoding;
  const encTable = enc !== undefined && typeof enc === 'object' && enc !== null && 'table' in enc ? (enc as { table: unknown }).table : undefined;
  if (encTable !== undefined) floatArray(fn, 'options.encoding.table', encTable);
  else if (isFloat32Array(enc) || isFloat64Array(enc) || isModuleTensor(enc)) floatArray(fn, 'options.encoding', enc);
  checkKeys(fn, 'options', o, op === 'add' ? ADD_KEYS : CONCAT_KEYS);
  if (o.shape === undefined) throw new TypeError(`posenc.${fn}: options.shape is required ([batch, length, dim])`);
  const [batch, length, dimIn] = checkShape(fn, o.shape);
  const f64 = isFloat64Array(xa);
  const bytes = f64 ? 8 : 4;
  const count = checkProduct(fn, 'a tensor of shape', [batch, length, dimIn], bytes);
  if (xa.length !== count) {
    throw rangeError(fn, 'options.shape', `consistent with x.length = ${xa.length}`, o.shape);
  }
  const scale = op === 'add' ? checkFinite(fn, 'options.scale', optional(o.scale, 1)) : 1;

  // The encoding: a table, or sinusoidal options (default: vaswani).
  let src: SinSource | TableSource;
  let width: number;
  let offsetV = o.offset;
  let positionsV = o.positions;
  if (encTable !== undefined || isFloat32Array(enc) || isFloat64Array(enc) || isModuleTensor(enc)) {
    const tableArg = (encTable ?? enc) as FloatArray | ModuleTensor;
    const tableParam = encTable !== undefined ? 'options.encoding.table' : 'options.encoding';
    const ta = floatArray(fn, tableParam, tableArg);
    if (encTable !== undefined) checkKeys(fn, 'options.encoding', enc as object, ['table', 'dim', 'outOfRange']);
    const oorV = encTable !== undefined ? (enc as { outOfRange?: unknown }).outOfRange : undefined;
    const zeroOutside = oorV !== undefined && checkEnum(fn, 'options.encoding.outOfRange', oorV, ['error', 'zero']) === 'zero';
    if (isFloat64Array(ta) !== f64) {
      throw typeError(fn, tableParam, `a ${f64 ? 'Float64Array' : 'Float32Array'} (x's dtype)`, tableArg);
    }
    const dimV = encTable !== undefined ? (enc as { dim?: unknown }).dim : undefined;
    if (op === 'add') {
      width = dimIn;
      if (dimV !== undefined && checkInt(fn, 'options.encoding.dim', dimV, 1) !== dimIn) {
        throw rangeError(fn, 'options.encoding.dim', `x's dim = ${dimIn}`, dimV);
      }
    } else {
      if (dimV === undefined) {
        throw new TypeError(`posenc.${fn}: a table encoding needs its width: pass options.encoding = { table, dim }`);
      }
      width = checkInt(fn, 'options.encoding.dim', dimV, 1);
    }
    if (width === 0 ? ta.length !== 0 : ta.length % width !== 0) {
      throw rangeError(fn, `${tableParam}.length`, width === 0 ? '0 (x has dim 0)' : `a multiple of the table width ${width}`, ta.length);
    }
    // dim 0: every row is empty, so every position has one.
    const rows = width === 0 ? Number.MAX_SAFE_INTEGER : ta.length / width;
    const { rowStart, rowIdx, perBatch } = tableRows(fn, offsetV, positionsV, batch, length, rows, zeroOutside);
    src = { kind: 'table', table: tableArg as FloatArray | Tensor, rows, rowStart, rowIdx, perBatch };
  } else {
    const eo = enc === undefined ? {} : enc;
    checkObject(fn, 'options.encoding', eo);
    checkKeys(fn, 'options.encoding', eo, ENCODING_KEYS);
    if (eo.offset !== undefined) {
      if (offsetV !== undefined) throw new TypeError(`posenc.${fn}: give offset in options or in options.encoding, not both`);
      offsetV = eo.offset;
    }
    if (eo.positions !== undefined) {
      if (positionsV !== undefined) throw new TypeError(`posenc.${fn}: give positions in options or in options.encoding, not both`);
      positionsV = eo.positions;
    }
    if (eo.dtype !== undefined && (checkDtype(fn, 'options.encoding.dtype', eo.dtype) === 'float64') !== f64) {
      throw typeError(fn, 'options.encoding.dtype', `x's dtype '${f64 ? 'float64' : 'float32'}'`, eo.dtype);
    }
    let dim: number;
    const isSeed = eo.preset === 'seed';
    if (op === 'add') {
      dim = dimIn;
      if (eo.dim !== undefined && checkInt(fn, 'options.encoding.dim', eo.dim, 1) !== dimIn) {
        throw rangeError(fn, 'options.encoding.dim', `x's dim = ${dimIn}`, eo.dim);
      }
    } else if (eo.dim === undefined) {
      if (!isSeed) throw new TypeError(`posenc.${fn}: options.encoding.dim is required (the encoding's width)`);
      dim = dimIn;
    } else {
      dim = checkInt(fn, 'options.encoding.dim', eo.dim, 1);
    }
    const sin = resolveEncoding(fn, 'options.encoding', eo, dim, math);
    if (op === 'add' && sin.width !== dimIn) {
      throw new RangeError(`posenc.${fn}: preset 'seed' makes ${sin.width} columns, x has dim ${dimIn}: use concat to append it`);
    }
    width = sin.width;
    if (positionsV !== undefined && offsetV !== undefined) {
      throw new TypeError(`posenc.${fn}: give offset or positions, not both`);
    }
    const offset = checkFinite(fn, 'options.offset', optional(offsetV, 0));
    let positions: Float64Array | null = null;
    let perBatch = false;
    if (positionsV !== undefined) {
      positions = checkPositions(fn, 'options.positions', positionsV, false);
      perBatch = checkPositionsLength(fn, positions.length, batch, length, positionsV);
    }
    src = { kind: 'sinusoidal', enc: sin, start: sin.start + offset, positions, perBatch };
  }
  const outWidth = op === 'add' ? dimIn : dimIn + width;
  checkProduct(fn, 'a result of shape', [batch, length, outWidth], bytes);
  if (o.out !== undefined) {
    const oa = checkOut(fn, 'options.out', o.out, f64, batch * length * outWidth);
    if (op === 'add' ? partiallyOverlaps(oa, xa) : overlaps(oa, xa)) {
      throw new RangeError(`posenc.${fn}: options.out overlaps x${op === 'add' ? ' partially (it may be x itself, or separate)' : ' (concat cannot work in place)'}`);
    }
    // A table is read row by row while out is written: rows already overwritten would be read.
    if (src.kind === 'table' && overlaps(oa, floatArray(fn, 'options.encoding', src.table))) {
      throw new RangeError(`posenc.${fn}: options.out overlaps the encoding table (it would overwrite rows it still has to read)`);
    }
  }
  return {
    plan: { op, batch, length, dimIn, width, f64, scale, src },
    x: x as FloatArray | ModuleTensor,
    out: o.out as FloatArray | ModuleTensor | undefined,
  };
}

function checkPositionsLength(fn: string, n: number, batch: number, length: number, v: unknown): boolean {
  if (n === length) return false;
  if (n === batch * length) return true;
  throw rangeError(fn, 'options.positions', `of length ${length} (shared) or ${batch * length} (batch × length)`, v);
}

/** Rows of the table per position; with zeroOutside, a position outside [0, rows) is row −1 (a zero row). */
function tableRows(fn: string, offsetV: unknown, positionsV: unknown, batch: number, length: number, rows: number, zeroOutside = false) {
  if (positionsV !== undefined) {
    if (offsetV !== undefined) throw new TypeError(`posenc.${fn}: give offset or positions, not both`);
    const p = checkPositions(fn, 'options.positions', positionsV, true);
    const perBatch = checkPositionsLength(fn, p.length, batch, length, positionsV);
    const rowIdx = new Int32Array(p.length);
    for (let i = 0; i < p.length; i++) {
      if (zeroOutside && (p[i] < 0 || p[i] >= rows)) {
        rowIdx[i] = -1;
        continue;
      }
      if (p[i] < 0 || p[i] >= rows) throw rangeError(fn, `options.positions[${i}]`, `a row of the table, in [0, ${rows - 1}]`, p[i]);
      rowIdx[i] = p[i];
    }
    return { rowStart: 0, rowIdx, perBatch };
  }
  // With outOfRange 'zero', rows before the table (a negative offset) are zero too.
  const offset = checkInt(fn, 'options.offset', optional(offsetV, 0), zeroOutside ? -Number.MAX_SAFE_INTEGER : 0);
  if (zeroOutside && length > 0 && (offset < 0 || offset + length > rows)) {
    const rowIdx = new Int32Array(length);
    for (let r = 0; r < length; r++) rowIdx[r] = offset + r >= 0 && offset + r < rows ? offset + r : -1;
    return { rowStart: 0, rowIdx, perBatch: false };
  }
  if (length > 0 && offset + length > rows) {
    throw new RangeError(`posenc.${fn}: positions ${offset}..${offset + length - 1} (options.offset = ${offset}, length ${length}) exceed the table's ${rows} rows`);
  }
  return { rowStart: offset, rowIdx: null, perBatch: false };
}
