// add / concat with a call shape seen before (small repeated calls: a decode step's embedding,
// per-token adds): the counterpart of src/rope-step.ts for the fused combine kernels.
//
// The call shape (shape, scale, the encoding's options when they are plain values, x's and out's
// kind, dtype and length) is remembered once planCombine has validated a call with it; a later call
// whose options compare equal (only offset or positions may differ) reuses the plan. Its rows come
// from the encoding's ranged table (src/rowcache.ts: rows of positions 0 … n − 1, grown as
// positions pass the end), so the plan is a table plan and the backend only streams x through it.
// Anything else (table encodings, encodings with arrays, an unknown option, other values, positions
// that ranged rows cannot serve, …) goes through planCombine and the row cache as before.

import { planCombine, type CombinePlan, type SinSource, type TableSource } from '../sinusoidal/plan.js';
import { apart, isRow, kindOf, Memos, plainObject, sameKeyValues, viewsModuleMemory, type ApartPair } from './call-shape.js';
import type { RowCache } from './rowcache.js';
import { Tensor } from '../core/tensor.js';
import type { Backend } from './backend.js';
import type { FloatArray, ModuleTensor } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const KEYS = new Set(['shape', 'encoding', 'offset', 'positions', 'scale', 'out']);
/** Encoding options that would change where rows come from: such calls are planned each time. */
const ENC_REFUSED = new Set(['offset', 'positions', 'frequencies']);
const MEMOS = 8;

interface Memo extends ApartPair {
  readonly op: 'add' | 'concat';
  readonly shape: readonly number[];
  readonly scale: unknown;
  /** The encoding's own keys and (primitive) values, or null for none. */
  readonly encKeys: readonly string[] | null;
  readonly encValues: readonly unknown[] | null;
  /** 1 Float32Array, 2 Float64Array, 3 tensor float32, 4 tensor float64. */
  readonly xKind: number;
  readonly xLength: number;
  readonly outLength: number;
  /** The validated sinusoidal plan; `table` is the same plan served from ranged rows. */
  readonly sin: SinSource;
  readonly table: CombinePlan;
  /** The table plan's source (the same object), positioned per call. */
  readonly src: Mutable<TableSource>;
  readonly key: string;
  idx: Int32Array;
}

function sameEncoding(v: unknown, m: Memo): boolean {
  return sameKeyValues(v, m.encKeys, m.encValues);
}

/** Per-instance memory of add/concat call shapes. */
export class CombineSteps {
  readonly #b: Backend;
  readonly #cache: RowCache;
  readonly #memos = new Memos<Memo>(MEMOS);
  /** The `out` option of the call just planned. */
  out: FloatArray | ModuleTensor | undefined = undefined;

  constructor(backend: Backend, cache: RowCache) {
    this.#b = backend;
    this.#cache = cache;
  }

  /** The plan of add/concat(x, options) ready for the backend (rows cached or ranged where they can be); sets `out`. */
  plan(op: 'add' | 'concat', x: unknown, options: unknown): CombinePlan {
    if (plainObject(options)) {
      const o = options;
      let ok = true;
      for (const k in o) {
        if (!KEYS.has(k)) {
          ok = false;
          break;
        }
      }
      const m = ok ? this.#find(op, o, x) : null;
      if (m !== null && this.#sameOut(m, x, o.out) && !viewsModuleMemory(this.#b.isModuleView, x, o.out)) {
        const plan = this.#position(m, o.offset, o.positions);
        if (plan !== null) {
          this.out = o.out as FloatArray | ModuleTensor | undefined;
          return plan;
        }
      }
    }
    const r = planCombine(op, x, options, this.#b.math);
    this.out = r.out;
    // As before this memory of call shapes: the row cache decides (ranged rows from the second
    // call of an encoding on); the shape serves the next calls.
    this.#remember(op, options as Record<string, unknown>, x, r.plan);
    // A view into the module's memory: no rows cached or grown (see viewsModuleMemory).
    if (viewsModuleMemory(this.#b.isModuleView, x, r.out)) return r.plan.src.kind === 'sinusoidal' && r.plan.src.enc.f32Angles ? this.#cache.combine(r.plan) : r.plan;
    return this.#cache.combine(r.plan);
  }

  #find(op: 'add' | 'concat', o: Record<string, unknown>, x: unknown): Memo | null {
    const shape = o.shape;
    if (!Array.isArray(shape)) return null;
    const kind = kindOf(x);
    if (kind === 0) return null;
    const len = (x as { length: number }).length;
    const memos = this.#memos.list;
    for (let i = 0; i < memos.length; i++) {
      const m = memos[i];
      if (m.op !== op || m.xKind !== kind || m.xLength !== len || o.scale !== m.scale) continue;
      const s = m.shape;
      if (shape.length !== s.length || shape[0] !== s[0] || shape[1] !== s[1] || (s.length === 3 && shape[2] !== s[2])) continue;
      if (!sameEncoding(o.encoding, m)) continue;
      return m;
    }
    return null;
  }

  #remember(op: 'add' | 'concat', o: Record<string, unknown>, x: unknown, plan: CombinePlan): Memo | null {
    const src = plan.src;
    if (src.kind !== 'sinusoidal' || !plainObject(o) || !Array.isArray(o.shape) || plan.width === 0 || plan.batch * plan.length === 0) return null;
    const kind = kindOf(x);
    if (kind === 0 || (x as { length: number }).length === 0) return null;
    let encKeys: string[] | null = null;
    let encValues: unknown[] | null = null;
    if (o.encoding !== undefined) {
      const e = o.encoding;
      if (!plainObject(e)) return null;
      encKeys = [];
      encValues = [];
      for (const k in e) {
        const v = e[k];
        if (ENC_REFUSED.has(k) || (typeof v === 'object' && v !== null)) return null;
        encKeys.push(k);
        encValues.push(v);
      }
    }
    const n = src.perBatch || (src.positions && src.positions.length !== plan.length) ? plan.batch * plan.length : plan.length;
    const tsrc: Mutable<TableSource> = { kind: 'table', table: null as never, rows: 0, rowStart: 0, rowIdx: null, perBatch: false };
    const m: Memo = {
      op, shape: (o.shape as number[]).slice(), scale: o.scale, encKeys, encValues, xKind: kind, xLength: (x as { length: number }).length,
      outLength: plan.batch * plan.length * (op === 'add' ? plan.dimIn : plan.dimIn + plan.width),
      sin: src, table: { ...plan, src: tsrc }, src: tsrc,
      key: this.#cache.combineKey(plan.f64, src.enc), idx: new Int32Array(n), okX: null, okOut: null,
    };
    return this.#memos.add(m);
  }

  /** out undefined, x itself (add), or an array/tensor of the result's kind and length that cannot overlap x. */
  #sameOut(m: Memo, x: unknown, out: unknown): boolean {
    // A freed tensor goes the general path, which refuses it.
    if (x instanceof Tensor && x.freed) return false;
    if (out === undefined) return true;
    if (out === x) return m.op === 'add';
    if (kindOf(out) !== m.xKind || (out as { length: number }).length !== m.outLength) return false;
    if (out instanceof Tensor) return !out.freed && x instanceof Tensor && !x.freed;
    return !(x instanceof Tensor) && apart(m, x as FloatArray, out as FloatArray);
  }

  /** The memo's table plan at these positions (validated as planCombine does), or null when they need the general path. */
  #position(m: Memo, offset: unknown, positions: unknown): CombinePlan | null {
    const plan = m.table;
    const src = m.src;
    const L = plan.length;
    let need: number;
    if (positions !== undefined) {
      if (offset !== undefined) return null;
      if (!(Array.isArray(positions) || positions instanceof Int32Array || positions instanceof Float64Array || positions instanceof Float32Array)) return null;
      const a = positions as ArrayLike<unknown>;
      const n = a.length;
      if (n !== L && n !== plan.batch * L) return null;
      if (m.idx.length !== n) m.idx = new Int32Array(n);
      const idx = m.idx;
      need = 0;
      for (let i = 0; i < n; i++) {
        const p = a[i];
        if (typeof p !== 'number' || !isRow(p)) return null;
        idx[i] = p;
        if (p >= need) need = p + 1;
      }
      src.rowStart = 0;
      src.rowIdx = idx;
      src.perBatch = n !== L;
    } else {
      const off = offset === undefined ? 0 : offset;
      if (typeof off !== 'number' || !Number.isFinite(off)) return null;
      const start = m.sin.enc.start + off;
      if (!isRow(start) || start + L > 2 ** 31) return null;
      need = start + L;
      src.rowStart = start;
      src.rowIdx = null;
      src.perBatch = false;
    }
    const t = this.#cache.rangedCombine(m.key, plan.f64, m.sin.enc, plan.width, need, src.perBatch ? plan.batch * L : L);
    if (t == null) return null;
    src.table = t;
    src.rows = t.length / plan.width;
    return plan;
  }
}
