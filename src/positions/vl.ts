// Position ids of vision-language models (Qwen2-VL family): integer bookkeeping, the same on every
// backend (only counts and one floor, no arithmetic to make exact), so it runs here rather than
// in a kernel.
//
// mropePositions: Hugging Face get_rope_index (models/qwen2_vl and qwen2_5_vl, modeling_*.py) for
// one unpadded sequence. Text tokens advance all three axes together; a vision block of
// t × (h/m) × (w/m) merged tokens starts at s = (largest position so far) + 1 and gets
// (s + time(i), s + row, s + column); text after it resumes at the block's largest position + 1.
// time(i) = i for Qwen2-VL, ⌊i·secondsPerGrid·tokensPerSecond⌋ for Qwen2.5-VL videos and 0 for
// Qwen2.5-VL images (HF passes second_per_grid_t = 0 for images). Qwen2-VL has no seconds per grid:
// secondsPerGrid and tokensPerSecond are rejected there rather than ignored.
//
// visionPositions: the (row, column) of each patch in the order Qwen2-VL's vision tower
// (rot_pos_emb) lays them out: merge blocks row-major, then row-major inside each block.

import { checkEnum, checkFinite, checkInt, checkKeys, checkObject, isDetached, rangeError, typedArrayName, typeError } from '../core/options.js';
import type { MropeModel, MropePositions } from './types.js';

const INT32_MAX = 2 ** 31 - 1;
const MODELS: readonly MropeModel[] = ['qwen2-vl', 'qwen2.5-vl'];

/** A grid [t, h, w] in patches (before merging); h and w must be multiples of the merge size. */
function checkGrid(fn: string, param: string, v: unknown, merge: number): [number, number, number] {
  const isTyped = ArrayBuffer.isView(v) && typedArrayName(v) !== undefined && !/^Big/.test(typedArrayName(v)!);
  if (!Array.isArray(v) && !isTyped) throw typeError(fn, param, 'an array [t, h, w] of patch counts', v);
  if (isTyped && isDetached((v as ArrayBufferView).buffer)) throw new TypeError(`posenc.${fn}: ${param} is a ${(v as object).constructor.name} whose buffer is detached`);
  const a = v as ArrayLike<unknown>;
  if (a.length !== 3) throw rangeError(fn, param, 'an array [t, h, w] of length 3', v);
  const [t, h, w] = [0, 1, 2].map((i) => checkInt(fn, `${param}[${i}]`, a[i], 1, INT32_MAX));
  for (const [i, d] of [[1, h], [2, w]] as const) {
    if (d % merge) throw rangeError(fn, `${param}[${i}]`, `a multiple of spatialMergeSize = ${merge} (the processor's grid_thw before merging)`, d);
  }
  return [t, h, w];
}

interface Block {
  /** Tokens of a text segment (vision: 0). */
  text: number;
  /** Vision: frames and the merged grid (rows, columns). */
  t: number;
  h: number;
  w: number;
  /** Qwen2.5-VL: secondsPerGrid, frame i at ⌊i·spg·tokensPerSecond⌋; null: frame i at i (Qwen2-VL). */
  spg: number | null;
}

/** HF get_rope_index for one unpadded sequence (see the file comment). */
export function mropePositions(options: unknown): MropePositions {
  const fn = 'mropePositions';
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['segments', 'model', 'spatialMergeSize', 'tokensPerSecond']);
  const o = options;
  if (o.segments === undefined) throw new TypeError(`posenc.${fn}: options.segments is required (an array of { text: n }, { image: [t, h, w] } and { video: [t, h, w], secondsPerGrid })`);
  if (!Array.isArray(o.segments)) throw typeError(fn, 'options.segments', 'an array of segments', o.segments);
  const model = checkEnum(fn, 'options.model', o.model === undefined ? 'qwen2-vl' : o.model, MODELS);
  const merge = checkInt(fn, 'options.spatialMergeSize', o.spatialMergeSize === undefined ? 2 : o.spatialMergeSize, 1, 2 ** 15);
  let tps = 2;
  if (o.tokensPerSecond !== undefined) {
    if (model !== 'qwen2.5-vl') throw new TypeError(`posenc.${fn}: options.tokensPerSecond is only for model 'qwen2.5-vl' (Qwen2-VL places frame i at i), got model '${model}'`);
    tps = checkFinite(fn, 'options.tokensPerSecond', o.tokensPerSecond, 0, true);
  }
  const blocks: Block[] = [];
  let total = 0;
  o.segments.forEach((s: unknown, k: number) => {
    const p = `options.segments[${k}]`;
    checkObject(fn, p, s);
    const kind = 'text' in s ? 'text' : 'image' in s ? 'image' : 'video' in s ? 'video' : null;
    if (kind === null) throw typeError(fn, p, 'a segment { text: n }, { image: [t, h, w] } or { video: [t, h, w], secondsPerGrid }', s);
    checkKeys(fn, p, s, kind === 'video' ? ['video', 'secondsPerGrid'] : [kind]);
    if (kind === 'text') {
      const n = checkInt(fn, `${p}.text`, s.text, 0, INT32_MAX);
      blocks.push({ text: n, t: 0, h: 0, w: 0, spg: null });
      total += n;
      return;
    }
    const [t, h, w] = checkGrid(fn, `${p}.${kind}`, s[kind], merge);
    let spg: number | null = null;
    if (kind === 'video' && s.secondsPerGrid !== undefined && model !== 'qwen2.5-vl') {
      throw new TypeError(`posenc.${fn}: ${p}.secondsPerGrid applies to model 'qwen2.5-vl' only (Qwen2-VL places frame i at i), got model '${model}'`);
    }
    if (model === 'qwen2.5-vl') {
      spg = kind === 'image' ? 0 : s.secondsPerGrid === undefined ? 1 : checkFinite(fn, `${p}.secondsPerGrid`, s.secondsPerGrid, 0);
    }
    blocks.push({ text: 0, t, h: h / merge, w: w / merge, spg });
    total += t * (h / merge) * (w / merge);
  });
  if (3 * total * 4 >= 2 ** 32) {
    throw new RangeError(`posenc.${fn}: options.segments must add up to fewer than 2^28 tokens (3 int32 rows below the 2^32-byte limit), got ${total} tokens`);
  }
  const L = total;
  const out = new Int32Array(3 * L);
  let at = 0;
  /** The largest position written so far, −1 before any. */
  let max = -1;
  const put = (a: number, b: number, c: number, what: string) => {
    const m = Math.max(a, b, c);
    if (m > INT32_MAX) throw new RangeError(`posenc.${fn}: ${what} reaches position ${m}, beyond int32 (≤ ${INT32_MAX}): secondsPerGrid·tokensPerSecond is too large`);
    out[at] = a;
    out[L + at] = b;
    out[2 * L + at] = c;
    at++;
    if (m > max) max = m;
  };
  for (const [k, b] of blocks.entries()) {
    const s = max + 1;
    if (b.text) {
      for (let i = 0; i < b.text; i++) put(s + i, s + i, s + i, `options.segments[${k}]`);
      continue;
    }
    for (let i = 0; i < b.t; i++) {
      // HF: (arange(t) · second_per_grid_t · tokens_per_second).long(), left to right.
      const ti = s + (b.spg === null ? i : Math.floor(i * b.spg * tps));
      for (let r = 0; r < b.h; r++) {
        for (let c = 0; c < b.w; c++) put(ti, s + r, s + c, `options.segments[${k}]`);
      }
    }
  }
  return { positions: out, delta: max + 1 - L };
}

/** Qwen2-VL rot_pos_emb patch order; axis-major result [rows of all N patches | their columns]. */
export function visionPositions(options: unknown): Int32Array {
  const fn = 'visionPositions';
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, ['height', 'width', 'spatialMergeSize']);
  const o = options;
  for (const k of ['height', 'width'] as const) {
    if (o[k] === undefined) throw new TypeError(`posenc.${fn}: options.${k} is required (patches along the image's ${k})`);
  }
  const merge = checkInt(fn, 'options.spatialMergeSize', o.spatialMergeSize === undefined ? 2 : o.spatialMergeSize, 1, 2 ** 15);
  const H = checkInt(fn, 'options.height', o.height, 0, INT32_MAX);
  const W = checkInt(fn, 'options.width', o.width, 0, INT32_MAX);
  for (const [k, d] of [['height', H], ['width', W]] as const) {
    if (d % merge) throw rangeError(fn, `options.${k}`, `a multiple of spatialMergeSize = ${merge}`, d);
  }
  const N = H * W;
  if (2 * N * 4 >= 2 ** 32) throw new RangeError(`posenc.${fn}: options.height·width must be below 2^29 patches (2 int32 rows below the 2^32-byte limit), got ${H}·${W} = ${N}`);
  const out = new Int32Array(2 * N);
  let n = 0;
  for (let br = 0; br < H; br += merge) {
    for (let bc = 0; bc < W; bc += merge) {
      for (let i = 0; i < merge; i++) {
        for (let j = 0; j < merge; j++, n++) {
          out[n] = br + i;
          out[N + n] = bc + j;
        }
      }
    }
  }
  return out;
}
