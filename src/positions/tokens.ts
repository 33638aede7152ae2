// Position ids from tokens or from an attention mask (conventions §3, §4d): exact integer
// bookkeeping, the same for every backend (there is no arithmetic to make exact: only counts),
// so it runs here rather than in a kernel. The results are Int32Array rows to pass as
// `positions` to add/concat (table rows) or rope.

import { checkInt, checkKeys, checkObject, isDetached, rangeError, shapeValues, typedArrayName, typeError } from '../core/options.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

type Reader = (i: number) => unknown;

/** A readable integer sequence: an array, or a typed array (BigInt arrays included). */
function sequence(fn: string, param: string, v: unknown): { length: number; at: Reader } {
  if (Array.isArray(v)) return { length: v.length, at: (i) => v[i] };
  if (ArrayBuffer.isView(v) && typedArrayName(v) !== undefined) {
    if (isDetached(v.buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${v.constructor.name} whose buffer is detached`);
    const a = v as unknown as ArrayLike<number | bigint>;
    return { length: a.length, at: (i) => a[i] };
  }
  throw typeError(fn, param, 'an array or typed array of integers', v);
}

function checkShape2(fn: string, v: unknown, length: number, param: string): [number, number] {
  if (v === undefined) throw new TypeError(`posenc.${fn}: options.shape is required ([batch, length])`);
  if (!Array.isArray(v) && typedArrayName(v) === undefined) {
    throw typeError(fn, 'options.shape', 'an array [batch, length]', v);
  }
  const s = shapeValues(fn, 'options.shape', v);
  if (s.length !== 2) throw rangeError(fn, 'options.shape', 'of rank 2 [batch, length]', v);
  s.forEach((d, i) => checkInt(fn, `options.shape[${i}]`, d, 0));
  if (s[0] * s[1] !== length) throw rangeError(fn, 'options.shape', `consistent with ${param}.length = ${length}`, v);
  return [s[0], s[1]];
}

/** An integer element (number or bigint) as a number. */
function intAt(fn: string, param: string, at: Reader, i: number): number {
  const t = at(i);
  if (typeof t === 'bigint') {
    if (t < BigInt(Number.MIN_SAFE_INTEGER) || t > BigInt(Number.MAX_SAFE_INTEGER)) throw rangeError(fn, `${param}[${i}]`, 'a safe integer', t);
    return Number(t);
  }
  if (typeof t !== 'number') throw typeError(fn, `${param}[${i}]`, 'an integer', t);
  if (!Number.isInteger(t)) throw rangeError(fn, `${param}[${i}]`, 'an integer', t);
  return t;
}

function checkInt32(fn: string, param: string, v: unknown): number {
  return checkInt(fn, param, v, INT32_MIN, INT32_MAX);
}

/**
 * fairseq make_positions / HF create_position_ids_from_input_ids:
 * row = paddingIdx + pastLength + (non-pad tokens so far, this one included) for a real token,
 * paddingIdx for a pad token.
 */
export function positionsFromTokens(tokens: unknown, options: unknown): Int32Array {
  const fn = 'positionsFromTokens';
  const seq = sequence(fn, 'tokens', tokens);
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['shape', 'paddingIdx', 'pastLength']);
  const o = options;
  const [batch, length] = checkShape2(fn, o.shape, seq.length, 'tokens');
  if (o.paddingIdx === undefined) throw new TypeError(`posenc.${fn}: options.paddingIdx is required (the pad token id; fairseq/RoBERTa: 1)`);
  const pad = checkInt32(fn, 'options.paddingIdx', o.paddingIdx);
  const past = o.pastLength === undefined ? 0 : checkInt(fn, 'options.pastLength', o.pastLength, 0, INT32_MAX);
  const out = new Int32Array(batch * length);
  for (let b = 0; b < batch; b++) {
    let count = 0;
    for (let l = 0; l < length; l++) {
      const i = b * length + l;
      if (intAt(fn, 'tokens', seq.at, i) === pad) {
        out[i] = pad;
        continue;
      }
      count++;
      const row = pad + past + count;
      if (row > INT32_MAX) throw rangeError(fn, `the position of tokens[${i}]`, `≤ ${INT32_MAX} (paddingIdx + pastLength + count)`, row);
      out[i] = row;
    }
  }
  return out;
}

/**
 * GPT-2 / OPT style: position = (number of 1s in the mask so far) − 1 for a kept token, padPosition
 * for a masked one, plus offset; the first pastLength columns are dropped (they cover the cache).
 */
export function positionsFromMask(mask: unknown, options: unknown): Int32Array {
  const fn = 'positionsFromMask';
  const seq = sequence(fn, 'mask', mask);
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['shape', 'pastLength', 'padPosition', 'offset']);
  const o = options;
  const [batch, length] = checkShape2(fn, o.shape, seq.length, 'mask');
  const past = o.pastLength === undefined ? 0 : checkInt(fn, 'options.pastLength', o.pastLength, 0, length);
  const padPos = o.padPosition === undefined ? 1 : checkInt32(fn, 'options.padPosition', o.padPosition);
  const offset = o.offset === undefined ? 0 : checkInt32(fn, 'options.offset', o.offset);
  const w = length - past;
  const out = new Int32Array(batch * w);
  for (let b = 0; b < batch; b++) {
    let count = 0;
    for (let l = 0; l < length; l++) {
      const i = b * length + l;
      const t = seq.at(i);
      let m: number;
      if (typeof t === 'boolean') m = t ? 1 : 0;
      else {
        m = intAt(fn, 'mask', seq.at, i);
        if (m !== 0 && m !== 1) throw rangeError(fn, `mask[${i}]`, '0 or 1 (or a boolean)', t);
      }
      count += m;
      if (l < past) continue;
      const v = (m ? count - 1 : padPos) + offset;
      if (v < INT32_MIN || v > INT32_MAX) throw rangeError(fn, `the position of mask[${i}]`, 'an int32', v);
      out[b * w + l - past] = v;
    }
  }
  return out;
}
