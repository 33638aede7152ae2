// model.positions: position ids as the family's reference derives them (absolute.ts PositionRule),
// checked here and computed with the positions family's builders where one fits
// (pe.positionsFromMask / pe.positionsFromTokens), so the counting rules live in one place.

import { checkInt, checkKeys, checkObject, isDetached, rangeError, shapeValues, typedArrayName, typeError } from '../core/options.js';
import type { IntLike, PositionsFromMaskOptions, PositionsFromTokensOptions } from '../positions/types.js';
import type { PositionRule } from './absolute.js';

const INT32_MAX = 2 ** 31 - 1;

export interface PositionsHost {
  positionsFromMask(mask: IntLike, options: PositionsFromMaskOptions): Int32Array;
  positionsFromTokens(tokens: IntLike, options: PositionsFromTokensOptions): Int32Array;
}

/** An integer sequence (array or typed array, BigInt arrays and booleans for masks included) as numbers. */
function ints(param: string, v: unknown, n: number, mask: boolean, fn = 'model.positions'): Int32Array | Float64Array {
  let at: (i: number) => unknown;
  let len: number;
  if (Array.isArray(v)) {
    at = (i) => v[i];
    len = v.length;
  } else if (ArrayBuffer.isView(v) && typedArrayName(v) !== undefined) {
    if (isDetached(v.buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${v.constructor.name} whose buffer is detached`);
    const a = v as unknown as ArrayLike<number | bigint>;
    at = (i) => a[i];
    len = a.length;
  } else throw typeError(fn, param, mask ? 'an array or typed array of 0/1 (or booleans)' : 'an array or typed array of integers', v);
  if (len !== n) throw rangeError(fn, `${param}.length`, `${n}`, len);
  const out = mask ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = at(i);
    if (mask && typeof t === 'boolean') t = t ? 1 : 0;
    if (typeof t === 'bigint') {
      if (t < BigInt(Number.MIN_SAFE_INTEGER) || t > BigInt(Number.MAX_SAFE_INTEGER)) throw rangeError(fn, `${param}[${i}]`, 'a safe integer', t);
      t = Number(t);
    }
    if (typeof t !== 'number') throw typeError(fn, `${param}[${i}]`, mask ? '0, 1 or a boolean' : 'an integer', t);
    if (!Number.isInteger(t) || (mask && t !== 0 && t !== 1)) throw rangeError(fn, `${param}[${i}]`, mask ? '0 or 1 (or a boolean)' : 'an integer', t);
    out[i] = t;
  }
  return out;
}

/**
 * Position ids [batch·length] for the rule (axes > 1: the same ids on every axis, axis-major
 * [axes·batch·length], the text-only rule of HF get_rope_index).
 */
export function modelPositions(host: PositionsHost, rule: PositionRule, axes: number, options: unknown): Int32Array {
  const FN = 'model.positions';
  checkObject(FN, 'options', options);
  checkKeys(FN, 'options', options, ['shape', 'inputIds', 'attentionMask', 'pastLength']);
  const o = options;
  if (o.shape === undefined) throw new TypeError(`posenc.${FN}: options.shape is required ([batch, length])`);
  if (!Array.isArray(o.shape) && typedArrayName(o.shape) === undefined) throw typeError(FN, 'options.shape', 'an array [batch, length]', o.shape);
  const s = shapeValues(FN, 'options.shape', o.shape);
  if (s.length !== 2) throw rangeError(FN, 'options.shape', 'of rank 2 [batch, length]', o.shape);
  const [batch, length] = s.map((d, i) => checkInt(FN, `options.shape[${i}]`, d, 0, INT32_MAX));
  const past = o.pastLength === undefined ? 0 : checkInt(FN, 'options.pastLength', o.pastLength, 0, INT32_MAX - length - 2);
  if (batch * (past + length) * axes > 2 ** 28) throw rangeError(FN, 'options.shape', `at most 2^28 ids in all (batch·(pastLength + length)${axes > 1 ? '·axes' : ''})`, o.shape);
  const total = past + length;
  const mask = o.attentionMask === undefined ? null : ints('options.attentionMask', o.attentionMask, batch * total, true, FN) as Int32Array;
  // FSMT counts non-pad tokens over the whole sequence: its ids include the past ones.
  const idsAll = rule.kind === 'tokens' && rule.all === true;
  const ids = o.inputIds === undefined ? null : ints(idsAll && past ? 'options.inputIds (past and current ids: FSMT counts over the whole sequence)' : 'options.inputIds', o.inputIds, batch * (idsAll ? total : length), false, FN) as Float64Array;
  const n = batch * length;
  let out: Int32Array;
  switch (rule.kind) {
    case 'arange':
      out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = rule.offset + past + (i % length);
      break;
    case 'generate':
      if (mask) out = host.positionsFromMask(mask, { shape: [batch, total], pastLength: past, padPosition: 1 });
      else {
        out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = rule.offset + past + (i % length);
      }
      break;
    case 'opt':
      if (mask) out = host.positionsFromMask(mask, { shape: [batch, total], pastLength: past, padPosition: -1, offset: 2 });
      else {
        out = new Int32Array(n);
        for (let i = 0; i < n; i++) out[i] = 2 + past + (i % length);
      }
      break;
    case 'whisper':
      out = new Int32Array(n);
      for (let b = 0; b < batch; b++) {
        let count = 0;
        for (let l = 0; l < total; l++) {
          count += mask ? mask[b * total + l] : 1;
          if (l >= past) out[b * length + l - past] = Math.max(count - 1, 0);
        }
      }
      break;
    case 'tokens': {
      // The columns counted: the current ones, or (FSMT) past and current.
      const w = rule.all ? total : length;
      const skip = rule.all ? 0 : past;
      let tokens: Float64Array;
      if (ids) tokens = ids;
      else {
        // No ids: the mask decides which tokens are padding (all real without one).
        tokens = new Float64Array(batch * w).fill(rule.pad + 1);
        if (mask) for (let b = 0; b < batch; b++) for (let l = 0; l < w; l++) if (!mask[b * total + skip + l]) tokens[b * w + l] = rule.pad;
      }
      const all = host.positionsFromTokens(tokens, { shape: [batch, w], paddingIdx: rule.pad, pastLength: rule.all ? 0 : past });
      if (!rule.all || past === 0) out = all;
      else {
        out = new Int32Array(n);
        for (let b = 0; b < batch; b++) out.set(all.subarray(b * total + past, (b + 1) * total), b * length);
      }
      break;
    }
  }
  if (axes === 1) return out;
  const all = new Int32Array(axes * n);
  for (let a = 0; a < axes; a++) all.set(out, a * n);
  return all;
}

/**
 * ALiBi key positions of BLOOM / Falcon (build_alibi_tensor): (cumsum(mask) − 1)·mask per row of a
 * [batch, keyLength] mask, padding at 0 (pe.positionsFromMask with padPosition 0).
 */
export function alibiPositions(host: PositionsHost, fn: string, mask: unknown, batch: number, keyLength: number): Int32Array {
  const m = ints('options.attentionMask', mask, batch * keyLength, true, fn) as Int32Array;
  return host.positionsFromMask(m, { shape: [batch, keyLength], padPosition: 0 });
}
