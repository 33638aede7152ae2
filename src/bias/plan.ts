// addAlibi, relativeBuckets, relativeBias: options → plans. Every check runs here, before any
// backend writes anything (conventions §15, §16).

import {
  checkBool, checkFinite, checkInt, checkKeys, checkObject, checkPositions, checkProduct, floatArray, isFloat64Array,
  overlaps, partiallyOverlaps, rangeError, shapeValues, typedArrayName, typeError,
} from '../core/options.js';
import type { MathLib } from '../core/encoding.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';
import { diagonalBuckets, type BucketRule } from './buckets.js';

const fr = Math.fround;

export interface AlibiPlan {
  readonly batch: number;
  readonly heads: number;
  readonly queryLength: number;
  readonly keyLength: number;
  readonly f64: boolean;
  /** One per head, rounded to the scores' dtype. */
  readonly slopes: Float64Array;
  /** [keyLength] or [batch·keyLength] (perBatch), rounded to the scores' dtype. */
  readonly keyPositions: Float64Array;
  readonly perBatch: boolean;
  /** Rounded to the scores' dtype. */
  readonly scale: number;
}

export interface RelativeBiasPlan {
  readonly heads: number;
  readonly queryLength: number;
  readonly keyLength: number;
  readonly numBuckets: number;
  /** Bucket of each relative position: diag[j] for key − query = j − (queryLength − 1). */
  readonly diag: Int32Array;
}

const ALIBI_KEYS = ['shape', 'slopes', 'keyPositions', 'scale', 'out'] as const;
const BUCKET_KEYS = ['queryLength', 'keyLength', 'bidirectional', 'numBuckets', 'maxDistance', 'queryOffset'] as const;
const BIAS_KEYS = [...BUCKET_KEYS, 'heads', 'out'] as const;
/** The most buckets (T5 uses 32; float32 holds every bucket count below 2^24 exactly). */
export const MAX_BUCKETS = 2 ** 20;
/** |queryOffset| bound: positions of any real sequence, and exact relative positions. */
const MAX_OFFSET = 2 ** 31 - 1;

/** Values rounded to the scores' dtype; one beyond float32's range is a RangeError for float32 scores. */
function toDtype(fn: string, param: string, v: Float64Array, f64: boolean): Float64Array {
  if (f64) return v;
  const r = v.map(fr);
  const bad = r.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw rangeError(fn, `${param}[${bad}]`, 'a finite number representable in float32 (float32 scores)', v[bad]);
  return r;
}

function checkShape4(fn: string, v: unknown): [number, number, number, number] {
  if (!Array.isArray(v) && typedArrayName(v) === undefined) {
    throw typeError(fn, 'options.shape', 'an array [batch, heads, queryLength, keyLength]', v);
  }
  const s = shapeValues(fn, 'options.shape', v);
  if (s.length !== 4) throw rangeError(fn, 'options.shape', 'of rank 4 [batch, heads, queryLength, keyLength]', v);
  s.forEach((d, i) => checkInt(fn, `options.shape[${i}]`, d, 0));
  return [s[0], s[1], s[2], s[3]];
}

/** Validates `addAlibi(scores, options)`. */
export function planAddAlibi(scores: unknown, options: unknown): { plan: AlibiPlan; out: FloatArray | ModuleTensor | undefined } {
  const fn = 'addAlibi';
  const sa = floatArray(fn, 'scores', scores);
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out);
  checkKeys(fn, 'options', o, ALIBI_KEYS);
  if (o.shape === undefined) throw new TypeError(`posenc.${fn}: options.shape is required ([batch, heads, queryLength, keyLength])`);
  const shape = checkShape4(fn, o.shape);
  const [batch, heads, queryLength, keyLength] = shape;
  const f64 = isFloat64Array(sa);
  const count = checkProduct(fn, 'scores of shape', shape, f64 ? 8 : 4);
  if (sa.length !== count) throw rangeError(fn, 'options.shape', `consistent with scores.length = ${sa.length}`, o.shape);
  if (o.slopes === undefined) throw new TypeError(`posenc.${fn}: options.slopes is required (one per head, e.g. pe.alibiSlopes(${heads}))`);
  const round = f64 ? (v: number) => v : fr;
  const slopes = toDtype(fn, 'options.slopes', checkPositions(fn, 'options.slopes', o.slopes, false), f64);
  if (slopes.length !== heads) throw rangeError(fn, 'options.slopes.length', `${heads} (one slope per head, options.shape[1])`, slopes.length);
  let keyPositions: Float64Array;
  let perBatch = false;
  if (o.keyPositions === undefined) keyPositions = Float64Array.from({ length: keyLength }, (_, k) => k);
  else {
    keyPositions = checkPositions(fn, 'options.keyPositions', o.keyPositions, false);
    if (keyPositions.length === batch * keyLength && keyPositions.length !== keyLength) perBatch = true;
    else if (keyPositions.length !== keyLength) {
      throw rangeError(fn, 'options.keyPositions', `of length ${keyLength} (shared) or ${batch * keyLength} (batch × keyLength)`, o.keyPositions);
    }
  }
  keyPositions = toDtype(fn, 'options.keyPositions', keyPositions, f64);
  const scale = round(checkFinite(fn, 'options.scale', o.scale === undefined ? 1 : o.scale));
  if (!Number.isFinite(scale)) throw rangeError(fn, 'options.scale', 'a finite number representable in float32 (float32 scores)', o.scale);
  if (o.out !== undefined) {
    const oa = floatArray(fn, 'options.out', o.out);
    if (isFloat64Array(oa) !== f64) throw typeError(fn, 'options.out', `a ${f64 ? 'Float64Array' : 'Float32Array'} (the scores' dtype)`, o.out);
    if (oa.length !== count) throw rangeError(fn, 'options.out.length', `${count}`, oa.length);
    if (partiallyOverlaps(oa, sa)) throw new RangeError(`posenc.${fn}: options.out overlaps scores partially (it may be scores itself, or separate)`);
  }
  const plan: AlibiPlan = { batch, heads, queryLength, keyLength, f64, slopes, keyPositions, perBatch, scale };
  return { plan, out: o.out as FloatArray | ModuleTensor | undefined };
}

interface GridOptions {
  rule: BucketRule;
  queryLength: number;
  keyLength: number;
  queryOffset: number;
}

/** The options shared by relativeBuckets and relativeBias. */
function checkGrid(fn: string, o: Record<string, unknown>): GridOptions {
  for (const k of ['queryLength', 'keyLength'] as const) {
    if (o[k] === undefined) throw new TypeError(`posenc.${fn}: options.${k} is required`);
  }
  const queryLength = checkInt(fn, 'options.queryLength', o.queryLength, 0);
  const keyLength = checkInt(fn, 'options.keyLength', o.keyLength, 0);
  const bidirectional = o.bidirectional === undefined ? true : checkBool(fn, 'options.bidirectional', o.bidirectional);
  const numBuckets = checkInt(fn, 'options.numBuckets', o.numBuckets === undefined ? 32 : o.numBuckets, 1, MAX_BUCKETS);
  const least = bidirectional ? 4 : 2;
  if (numBuckets < least) {
    throw rangeError(fn, 'options.numBuckets', `an integer in [${least}, ${MAX_BUCKETS}] with bidirectional ${bidirectional} (${bidirectional ? 'half of the buckets per direction, ' : ''}half of those exact: at least one)`, numBuckets);
  }
  const exact = Math.floor((bidirectional ? Math.floor(numBuckets / 2) : numBuckets) / 2);
  const maxDistance = checkFinite(fn, 'options.maxDistance', o.maxDistance === undefined ? 128 : o.maxDistance);
  if (!(maxDistance > exact)) {
    throw rangeError(fn, 'options.maxDistance', `a finite number > ${exact} (the distances with a bucket each: ⌊numBuckets/${bidirectional ? 4 : 2}⌋)`, maxDistance);
  }
  const queryOffset = checkInt(fn, 'options.queryOffset', o.queryOffset === undefined ? 0 : o.queryOffset, -MAX_OFFSET, MAX_OFFSET);
  return { rule: { bidirectional, numBuckets, maxDistance }, queryLength, keyLength, queryOffset };
}

/** Validates `relativeBuckets(options)` and computes the buckets' diagonal; the result has queryLength·keyLength entries. */
export function planRelativeBuckets(options: unknown, math: MathLib): { queryLength: number; keyLength: number; diag: Int32Array } {
  const fn = 'relativeBuckets';
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, BUCKET_KEYS);
  const g = checkGrid(fn, options);
  checkProduct(fn, 'a grid of', [g.queryLength, g.keyLength], 4);
  return { queryLength: g.queryLength, keyLength: g.keyLength, diag: diagonalBuckets(g.rule, g.queryLength, g.keyLength, g.queryOffset, math) };
}

/** Validates `relativeBias(weights, options)`. */
export function planRelativeBias(weights: unknown, options: unknown, math: MathLib): { plan: RelativeBiasPlan; out: Float32Array | ModuleTensor | undefined } {
  const fn = 'relativeBias';
  const wa = floatArray(fn, 'weights', weights);
  if (isFloat64Array(wa)) throw typeError(fn, 'weights', 'a Float32Array or a float32 module tensor (relative_attention_bias.weight)', weights);
  checkObject(fn, 'options', options);
  const o = options;
  if (o.out !== undefined) floatArray(fn, 'options.out', o.out);
  checkKeys(fn, 'options', o, BIAS_KEYS);
  if (o.heads === undefined) throw new TypeError(`posenc.${fn}: options.heads is required (weights are [numBuckets, heads])`);
  const heads = checkInt(fn, 'options.heads', o.heads, 1);
  const g = checkGrid(fn, o);
  const { numBuckets } = g.rule;
  if (wa.length !== numBuckets * heads) {
    throw rangeError(fn, 'weights.length', `numBuckets·heads = ${numBuckets}·${heads} = ${numBuckets * heads} ([numBuckets, heads], row-major)`, wa.length);
  }
  const count = checkProduct(fn, 'a bias of shape', [heads, g.queryLength, g.keyLength], 4);
  if (o.out !== undefined) {
    const oa = floatArray(fn, 'options.out', o.out);
    if (isFloat64Array(oa)) throw typeError(fn, 'options.out', 'a Float32Array or a float32 module tensor', o.out);
    if (oa.length !== count) throw rangeError(fn, 'options.out.length', `${count} (heads·queryLength·keyLength)`, oa.length);
    if (overlaps(oa, wa)) throw new RangeError(`posenc.${fn}: options.out overlaps weights (the bias is written while the weights are read)`);
  }
  const plan: RelativeBiasPlan = {
    heads, queryLength: g.queryLength, keyLength: g.keyLength, numBuckets,
    diag: diagonalBuckets(g.rule, g.queryLength, g.keyLength, g.queryOffset, math),
  };
  return { plan, out: o.out as Float32Array | ModuleTensor | undefined };
}
