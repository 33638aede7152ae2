// Reuse of the encoding rows that add, concat and rope generate. A model adds the same
// table on every forward pass and rotates q and k by the same cos/sin in every layer: the second
// time a call needs the same rows they are generated once into the backend's memory (module
// memory for WebAssembly, plain arrays for js) and kept, least recently used evicted, under a byte
// budget; from then on a call only streams x·scale + T (or the rotation) through the kernels that
// already serve table encodings. The rows are the bits the fused kernels would generate (same row
// kernel, same rounding), so results are identical with and without the cache.
//
// Keys are built from the resolved plan, never from user options: the plan's key (which
// identifies the frequencies exactly: what derives them, or the bits of given ones), the row
// layout, the dtype, the positions (offset range, or the positions' bits, confirmed on a hit), and
// for rope the attention factor, the pair layout and (multi-axis) each pair's axis.
//
// Ranged rows (the generation loop): a call whose positions are integers ≥ 0 (an integer offset,
// or integer positions: decode steps, per-sequence positions of continuous batching, padded
// prefill) is served by one table per row key that holds the rows of positions 0 … n − 1, grown
// (doubled) as positions pass its end, as Hugging Face and ONNX Runtime GenAI keep a cos/sin
// cache for the whole context. Such a table is keyed without the positions, so a decode loop adds
// no entry per position: it grows to at most a quarter of the budget (the old rows are copied while
// the new ones exist), and a call beyond that, or far past the end, is generated on the fly (or by
// the exact-range entries). A position's row has the same bits in any table and on the fly (the
// row kernels take the absolute position), so ranged rows change no result.

import type { SinEncoding, TablePlan } from '../core/encoding.js';
import type { Tensor } from '../core/tensor.js';
import type { RopeRows } from '../rope/backend.js';
import type { RopePlan } from '../rope/plan.js';
import type { Operand } from '../runtime/backend.js';
import { Lru } from '../runtime/lru.js';
import { diedBeforeWriting } from '../runtime/threads.js';
import type { CombinePlan } from '../sinusoidal/plan.js';
import { materializeF32Angles } from '../sinusoidal/rows.js';
import type { Backend } from './backend.js';
import { isRow } from './call-shape.js';

/** Default budget of `init({ cacheBytes })`. */
export const DEFAULT_CACHE_BYTES = 64 * 2 ** 20;
/** Row blocks smaller than this (elements) are generated on the fly: a few µs, not worth an entry. */
const MIN_ELEMENTS = 4096;
/** Entries held at most, whatever their size (bounds the bookkeeping). */
const MAX_ENTRIES = 256;
/** Keys remembered as seen once (no memory of their own). */
const MAX_SEEN = 1024;
/** Rows a ranged table starts with at least (its sizes are powers of two). */
const MIN_RANGED_ROWS = 256;
/**
 * A ranged table grows at once to at most twice the largest of its rows, the call's rows and
 * this: a call far past the end (a sparse position) does not allocate every row before it.
 */
const RANGED_JUMP_ROWS = 4096;

interface Entry {
  readonly rows: Tensor;
  /** The positions the rows encode (a key collision on the positions' hash is told apart here). */
  readonly positions: Float64Array | null;
  /** Identity row indices for per-batch positions (row b·length + l). */
  readonly rowIdx: Int32Array | null;
  /** Ranged rows: they hold positions 0 … n − 1 (0 for the other entries). */
  readonly n: number;
  /** False once evicted (its rows are freed). */
  alive: boolean;
}

/**
 * Where integer positions ≥ 0 sit in a ranged table: `start` (consecutive from an offset) or `idx`
 * (one row per position), and `need`, the largest position + 1. Null when some position is not an
 * integer in [0, 2^31) (negative, fractional, −0 or huge positions are generated as before).
 */
export interface RangedWhere {
  start: number;
  idx: Int32Array | null;
  need: number;
}


/** rows consecutive positions from `start`, or `positions`, as ranged rows (see RangedWhere). */
export function rangedWhere(start: number, rows: number, positions: Float64Array | null, into?: Int32Array): RangedWhere | null {
  if (!positions) return isRow(start) && start + rows <= 2 ** 31 ? { start, idx: null, need: start + rows } : null;
  const idx = into && into.length === positions.length ? into : new Int32Array(positions.length);
  let need = 0;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i];
    if (!isRow(p)) return null;
    idx[i] = p;
    if (p >= need) need = p + 1;
  }
  return { start: 0, idx, need };
}

/** A number's exact value as text (−0 included). */
const num = (v: number) => (Object.is(v, -0) ? '-0' : String(v));

/**
 * FNV-1a over the bits of the positions, in four interleaved lanes (independent multiplications:
 * a few µs for thousands of positions); the entry keeps the positions to confirm a hit.
 */
function positionsKey(p: Float64Array): string {
  // Int32 words: values stay small integers for the engine (Uint32 words above 2^31 would not).
  const w = new Int32Array(p.buffer, p.byteOffset, p.length * 2);
  const n = w.length;
  let h0 = 0x811c9dc5, h1 = 0x01000193, h2 = 0x2545f491, h3 = 0x3c6ef372;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h0 = Math.imul(h0 ^ w[i], 0x01000193);
    h1 = Math.imul(h1 ^ w[i + 1], 0x01000193);
    h2 = Math.imul(h2 ^ w[i + 2], 0x01000193);
    h3 = Math.imul(h3 ^ w[i + 3], 0x01000193);
  }
  for (; i < n; i++) h0 = Math.imul(h0 ^ w[i], 0x01000193);
  return `p${p.length}:${(h0 >>> 0).toString(36)}.${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}.${(h3 >>> 0).toString(36)}`;
}

function sameBits(a: Float64Array | null, b: Float64Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  // Finite values (validated): equal bits unless one is −0 and the other 0.
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    if (x !== b[i] || (x === 0 && 1 / x !== 1 / b[i])) return false;
  }
  return true;
}

/**
 * Short ids for the long descriptions of what determines rows (frequency bits run to thousands of
 * characters: hashing one per call would cost microseconds). Equal descriptions get one id; the
 * description is built once per plan object (encodings and rotary schedules are cached objects).
 */
const ids = new Map<string, number>();
let nextId = 1;
function intern(description: string): number {
  let id = ids.get(description);
  if (id === undefined) {
    // Forgetting old descriptions only costs a cache miss: an id is never reused.
    if (ids.size >= 4096) ids.clear();
    id = nextId++;
    ids.set(description, id);
  }
  return id;
}

const encIds = new WeakMap<SinEncoding, number>();

function encodingId(e: SinEncoding): number {
  let id = encIds.get(e);
  if (id === undefined) {
    // e.key identifies the frequencies exactly (see ropeId).
    id = intern(`${e.layout},${e.sinBase},${e.cosBase},${e.nCos},${e.width},${e.zeroFrom},${num(e.padPos)},${e.f32Angles ? 1 : 0}|${e.key}`);
    encIds.set(e, id);
  }
  return id;
}

/**
 * Rotary frequencies → id. The plan's key identifies its frequencies exactly (it is the key of
 * their compiled contexts: derived ones by what derives them, given ones by their bits), so it
 * stands for them; hashing the bits again on every call would cost given or per-axis frequencies,
 * which are fresh arrays each call, microseconds.
 */
const ropeIds = new Map<string, number>();
function ropeId(key: string): number {
  let id = ropeIds.get(key);
  if (id === undefined) {
    if (ropeIds.size >= 4096) ropeIds.clear();
    id = intern(`rope|${key}`);
    ropeIds.set(key, id);
  }
  return id;
}

/** Multi-axis rotary: which axis each pair takes its position from (the axes plan's arrays are cached objects). */
const axesIds = new WeakMap<Int32Array, number>();

function axesId(plan: RopePlan): string {
  const axes = plan.axes;
  if (!axes) return '';
  let id = axesIds.get(axes.colAxis);
  if (id === undefined) {
    id = intern(`axes|${axes.colAxis.join(',')}|${axes.perm ? axes.perm.join(',') : ''}`);
    axesIds.set(axes.colAxis, id);
  }
  return `|a${id}`;
}

/** The cached rows of one posenc instance. */
export class RowCache {
  readonly #b: Backend;
  readonly #lru: Lru<Entry>;
  readonly #seen: Lru<true>;

  constructor(backend: Backend, budget: number) {
    this.#b = backend;
    this.#lru = new Lru<Entry>(MAX_ENTRIES, budget, 0, (e) => {
      e.alive = false;
      e.rows.free();
    });
    this.#seen = new Lru<true>(MAX_SEEN, Infinity, 0, () => {});
  }

  get budget(): number {
    return this.#lru.maxBytes;
  }

  /** Bytes of rows held now. */
  get bytes(): number {
    return this.#lru.bytes;
  }

  clear(): void {
    this.#lru.clear();
    this.#seen.clear();
  }

  /** Whether rows of `count` elements are worth caching and fit the budget. */
  #fits(count: number, f64: boolean): boolean {
    return count >= MIN_ELEMENTS && count * (f64 ? 8 : 4) <= this.#lru.maxBytes;
  }

  /**
   * The rows of `key` (`count` elements of `dtype`), generated by `fill` on the second request:
   * the first request of a key returns null (the caller generates on the fly, as without a
   * cache); so does a request that the budget or the memory cannot hold.
   */
  #rows(key: string, count: number, f64: boolean, positions: Float64Array | null, perBatch: number, eager: boolean, fill: (t: Tensor) => void): Entry | null {
    const bytes = count * (f64 ? 8 : 4);
    const hit = this.#lru.get(key);
    if (hit !== undefined && sameBits(hit.positions, positions)) return hit;
    if (!eager && this.#seen.get(key) === undefined) {
      this.#seen.add(key, true, 0);
      return null;
    }
    let rows: Tensor;
    try {
      rows = this.#b.alloc(count, f64 ? 'float64' : 'float32', true) as Tensor;
    } catch {
      // The memory is full: give back every cached row and try once more, else go without.
      this.#lru.clear();
      try {
        rows = this.#b.alloc(count, f64 ? 'float64' : 'float32', true) as Tensor;
      } catch {
        return null;
      }
    }
    try {
      fill(rows);
    } catch (e) {
      rows.free();
      // A worker died while the rows were made: nothing of the call was written yet.
      throw diedBeforeWriting(e);
    }
    let rowIdx: Int32Array | null = null;
    if (perBatch > 0) {
      rowIdx = new Int32Array(perBatch);
      for (let i = 0; i < perBatch; i++) rowIdx[i] = i;
    }
    const entry: Entry = { rows, positions: positions && positions.slice(), rowIdx, n: 0, alive: true };
    this.#lru.add(key, entry, bytes);
    return entry;
  }

  /**
   * The ranged rows of `key` (rows of `width` elements of one position each) holding positions
   * 0 … need − 1, grown (to a power of two, at least double) when `need` passes their end, the
   * new rows written by `fill(view, first, count)` (positions first … first + count − 1) after the
   * old ones are copied. 'later': the first request of the key (generate on the fly, as without a
   * cache) or no memory for it now; null: these positions are not for ranged rows (beyond a quarter of
   * the budget, or far past the end).
   */
  #ranged(key: string, width: number, f64: boolean, need: number, callRows: number, eager: boolean, fill: (rows: Operand, first: number, count: number) => void): Entry | 'later' | null {
    const hit = this.#lru.get(key);
    if (hit !== undefined && hit.n >= need) return hit;
    const rowBytes = width * (f64 ? 8 : 4);
    // A quarter of the budget: while a table doubles, the old one and the new one exist at once,
    // and WebAssembly's allocator doubles its memory when it grows, so that a long decode loop
    // grows module memory by at most about the budget.
    const cap = rowBytes > 0 ? Math.floor(this.#lru.maxBytes / 4 / rowBytes) : 0;
    if (need > cap) return null;
    const have = hit ? hit.n : 0;
    const n = Math.min(cap, 2 ** Math.ceil(Math.log2(Math.max(MIN_RANGED_ROWS, need, 2 * have))));
    if (n > 2 * Math.max(have, callRows, RANGED_JUMP_ROWS)) return null;
    if (!hit && !eager && this.#seen.get(key) === undefined) {
      this.#seen.add(key, true, 0);
      return 'later';
    }
    const dtype = f64 ? 'float64' : 'float32';
    let rows: Tensor;
    try {
      rows = this.#b.alloc(n * width, dtype, true) as Tensor;
    } catch {
      // The memory is full: give back every cached row (this key's too) and try once more.
      this.#lru.clear();
      try {
        rows = this.#b.alloc(n * width, dtype, true) as Tensor;
      } catch {
        return 'later';
      }
    }
    const old = hit && hit.alive ? hit.n : 0;
    try {
      const a = rows.array;
      if (old > 0) a.set(hit!.rows.array.subarray(0, old * width));
      fill(a.subarray(old * width, n * width), old, n - old);
    } catch (e) {
      rows.free();
      // A worker died while the rows were made: nothing of the call was written yet.
      throw diedBeforeWriting(e);
    }
    const entry: Entry = { rows, positions: null, rowIdx: null, n, alive: true };
    this.#lru.add(key, entry, n * rowBytes);
    return entry;
  }

  /**
   * add/concat: a plan whose sinusoidal encoding is served from cached rows (as a table
   * encoding), or the plan as it was (float32-angle rows are then materialised for this call).
   */
  combine(plan: CombinePlan): CombinePlan {
    const src = plan.src;
    if (src.kind !== 'sinusoidal') return plan;
    const rows = src.perBatch ? plan.batch * plan.length : plan.length;
    if (rows > 0 && plan.width > 0) {
      const at = rangedWhere(src.start, plan.length, src.positions);
      if (at) {
        const t = this.rangedCombine(this.combineKey(plan.f64, src.enc), plan.f64, src.enc, plan.width, at.need, rows);
        if (t === null) return materializeF32Angles(plan, this.#b);
        if (t !== undefined) {
          return { ...plan, src: { kind: 'table', table: t, rows: t.length / plan.width, rowStart: at.start, rowIdx: at.idx, perBatch: src.perBatch } };
        }
      }
    }
    if (!this.#fits(rows * plan.width, plan.f64)) return materializeF32Angles(plan, this.#b);
    const where = src.positions ? positionsKey(src.positions) : `o${num(src.start)}+${rows}`;
    const key = `c|${plan.f64 ? 8 : 4}|${where}|${encodingId(src.enc)}`;
    const tp: TablePlan = { enc: src.enc, rows, start: src.start, positions: src.positions, f64: plan.f64 };
    // float32-angle rows are materialised as a table anyway: cache them the first time.
    const e = this.#rows(key, rows * plan.width, plan.f64, src.positions, src.perBatch ? rows : 0, !!src.enc.f32Angles, (t) => this.#b.table(tp, t));
    if (e === null) return materializeF32Angles(plan, this.#b);
    return { ...plan, src: { kind: 'table', table: e.rows, rows, rowStart: 0, rowIdx: e.rowIdx, perBatch: src.perBatch } };
  }

  /** rope: the cached cos/sin rows of the plan (the backend's ropeRows layout), or null. */
  rope(plan: RopePlan): RopeRows | null {
    if (plan.rotaryDim === 0 || plan.length === 0 || plan.batch === 0) return null;
    if (!plan.axes) {
      const at = rangedWhere(plan.start, plan.length, plan.positions);
      if (at) {
        const r = this.ropeRanged(plan, at);
        if (r !== undefined) return r;
      }
    }
    const key = this.ropeExactKey(plan);
    return key === null ? null : this.ropeExact(plan, key);
  }

  /** The key of a plan's own rows (its exact positions), or null when they are not worth caching. */
  ropeExactKey(plan: RopePlan): string | null {
    const { length, dtype } = this.#b.ropeRowsShape(plan);
    if (!this.#fits(length, dtype === 'float64')) return null;
    const where = plan.positions ? positionsKey(plan.positions) + (plan.perBatch ? 'b' : '') : `o${num(plan.start)}+${plan.length}`;
    return `r|${dtype}|${plan.interleaved ? 'i' : 'h'}|${num(plan.attentionFactor)}|${plan.f32Angles ? 1 : 0}|${where}|${ropeId(plan.key)}${axesId(plan)}`;
  }

  /** A plan's own rows under `key` (ropeExactKey of the plan: a caller may keep it while the positions stay the same bits). */
  ropeExact(plan: RopePlan, key: string): RopeRows | null {
    const { length, dtype } = this.#b.ropeRowsShape(plan);
    const e = this.#rows(key, length, dtype === 'float64', plan.positions, 0, false, (t) => this.#b.ropeRows(plan, t));
    return e === null ? null : { table: e.rows, start: 0, idx: null };
  }

  /** The key of an encoding's ranged rows (x's dtype: f64). */
  combineKey(f64: boolean, enc: SinEncoding): string {
    return `C|${f64 ? 8 : 4}|${encodingId(enc)}`;
  }

  /**
   * The ranged table of an encoding (`key`: combineKey) holding at least positions 0 … need − 1:
   * null to generate on the fly (first request of the key, no memory), undefined when ranged rows
   * cannot serve. `rows`: the call's rows (the growth allowance).
   */
  rangedCombine(key: string, f64: boolean, enc: SinEncoding, width: number, need: number, rows: number): Tensor | null | undefined {
    const hit = this.#lru.get(key);
    if (hit !== undefined && hit.n >= need) return hit.rows;
    return this.#growCombine(key, f64, enc, width, need, rows);
  }

  #growCombine(key: string, f64: boolean, enc: SinEncoding, width: number, need: number, rows: number): Tensor | null | undefined {
    const e = this.#ranged(key, width, f64, need, rows, !!enc.f32Angles, (t, first, count) => this.#b.table({ enc, rows: count, start: first, positions: null, f64 }, t));
    if (e === null) return undefined;
    return e === 'later' ? null : e.rows;
  }

  /** The key of a 1-D rope plan's ranged rows (everything that determines a row but its position). */
  ropeKey(plan: RopePlan): string {
    return `R|${plan.f64 ? 8 : 4}|${num(plan.attentionFactor)}|${plan.f32Angles ? 1 : 0}|${ropeId(plan.key)}`;
  }

  /**
   * A 1-D rope plan's rows from its ranged table (`at`: where its positions sit), null to generate
   * them on the fly, undefined when ranged rows cannot serve these positions.
   */
  ropeRanged(plan: RopePlan, at: RangedWhere): RopeRows | null | undefined {
    const t = this.rangedRope(plan, this.ropeKey(plan), at.need);
    return t == null ? t : { table: t, start: at.start, idx: at.idx };
  }

  /**
   * The ranged table of a 1-D rope plan (`key`: ropeKey(plan)) holding at least positions
   * 0 … need − 1: null to generate the rows on the fly, undefined when ranged rows cannot serve
   * (beyond a quarter of the budget, far past the end).
   */
  rangedRope(plan: RopePlan, key: string, need: number): Tensor | null | undefined {
    const hit = this.#lru.get(key);
    if (hit !== undefined && hit.n >= need) return hit.rows;
    // Apart: its closure's context would otherwise be allocated on every call.
    return this.#growRope(plan, key, need);
  }

  #growRope(plan: RopePlan, key: string, need: number): Tensor | null | undefined {
    const f64 = this.#b.ropeRowsShape(plan).dtype === 'float64';
    const rows = plan.perBatch ? plan.batch * plan.length : plan.length;
    const e = this.#ranged(key, plan.rotaryDim, f64, need, rows, false, (t, first, count) =>
      this.#b.ropeRows({ ...plan, batch: 1, length: count, start: first, positions: null, perBatch: false }, t));
    if (e === null) return undefined;
    return e === 'later' ? null : e.rows;
  }
}
