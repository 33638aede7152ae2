// The generation loop's rotary calls: `rope` and `ropeStep` with a call shape seen before.
//
// A decoder calls rope on q [batch, heads, 1, headDim] and k [batch, kvHeads, 1, headDim] once
// per token and layer, each time at a new position, with options that differ only in the
// position. Validating and planning such a call from scratch costs microseconds, more than
// rotating its few thousand values. A call shape (every option but the position, and x's and
// out's kind, dtype and length) is therefore remembered once a call with it has been validated
// by planRope: the next call with the same shape compares its options with the remembered ones
// (the values of plain options; the contents of `scaling` and given `frequencies`, which the
// caller may change between calls) and reuses the plan with the new position. Anything the
// comparison does not recognise (an unknown option, another value, a freed tensor, a typed array
// from another realm, …) goes through planRope, which raises the usual errors: a remembered
// shape never accepts a call that planRope would refuse. The rows then come from the ranged
// table of src/rowcache.ts (the key is remembered too), and the backend rotates without
// allocating.

import { checkFinite, checkInt, checkObject, checkKeys, checkPositions, floatArray, isFloat64Array, rangeError, shapeValues, typedArrayName, typeError } from '../core/options.js';
import type { MathLib } from '../core/encoding.js';
import { planRope, type RopePlan } from '../rope/plan.js';
import { apart, isRow, kindOf, Memos, plainObject, sameKeyValues, viewsModuleMemory, type ApartPair } from './call-shape.js';
import type { RowCache } from './rowcache.js';
import { Tensor } from '../core/tensor.js';
import type { Backend } from './backend.js';
import type { RopeRows } from '../rope/backend.js';
import type { FloatArray, ModuleTensor } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The rope options compared by value (besides shape, scaling and frequencies). */
const PLAIN = ['layout', 'base', 'rotaryDim', 'order', 'float32Angles', 'seqLen', 'attentionFactor'] as const;
const ROPE_KEYS = new Set<string>([...PLAIN, 'shape', 'scaling', 'frequencies', 'axes', 'offset', 'positions', 'out']);
const STEP_KEYS = ['qShape', 'kShape', 'position', 'positions', 'layout', 'base', 'rotaryDim', 'scaling', 'seqLen', 'order', 'float32Angles', 'frequencies', 'attentionFactor'] as const;
const STEP_KEY_SET = new Set<string>(STEP_KEYS);
/** Scaling types whose frequencies do not depend on the positions (dynamic NTK and LongRoPE do, unless seqLen is given). */
const STABLE_SCALINGS = new Set(['default', 'linear', 'yarn', 'llama3']);
/** Call shapes remembered per instance (q and k of a model, a prefill and a decode shape, …). */
const MEMOS = 8;

/** A remembered call shape. */
interface Memo extends ApartPair {
  readonly shape: readonly [number, number, number, number];
  readonly plain: readonly unknown[];
  /** The scaling object's own keys and values (primitives), or null for none. */
  readonly scalingKeys: readonly string[] | null;
  readonly scalingValues: readonly unknown[] | null;
  /** Given frequencies as given (compared element by element), or null. */
  readonly freqs: Float64Array | null;
  /** Multi-axis: the axes option's values (sections copied), or null for 1-D. */
  readonly axes: { readonly sections: readonly number[]; readonly frequencies: unknown; readonly assign: unknown } | null;
  /** Multi-axis: the row cache key of the last positions (valid while they keep their bits), or null. */
  exactKey: string | null;
  /** x: 1 Float32Array, 2 Float64Array, 3 tensor float32, 4 tensor float64. */
  readonly xKind: number;
  readonly xLength: number;
  /** The plan, reused with this call's positions (start, positions, perBatch). */
  readonly plan: Mutable<RopePlan>;
  /** Key of the plan's ranged rows. */
  readonly key: string;
  /** Reused buffers: positions (as the plan holds them), their row indices, the rows handed to the backend. */
  pos: Float64Array;
  idx: Int32Array;
  readonly rows: Mutable<RopeRows>;
}

/** Whether scaling (an option value) can be remembered: a plain object of primitives of a position-independent type. */
function snapScaling(v: unknown, seqLen: unknown): { keys: string[]; values: unknown[] } | null | false {
  if (v === undefined) return null;
  if (!plainObject(v)) return false;
  const keys: string[] = [];
  const values: unknown[] = [];
  for (const k in v) {
    const x = v[k];
    if (typeof x === 'object' && x !== null) return false;
    keys.push(k);
    values.push(x);
  }
  if (seqLen === undefined && !STABLE_SCALINGS.has(v.type as string)) return false;
  return { keys, values };
}

function sameScaling(v: unknown, m: Memo): boolean {
  return sameKeyValues(v, m.scalingKeys, m.scalingValues);
}

function sameFreqs(v: unknown, f: Float64Array | null): boolean {
  if (v === undefined) return f === null;
  if (f === null || !(Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array)) return false;
  const a = v as ArrayLike<number>;
  if (a.length !== f.length) return false;
  for (let i = 0; i < f.length; i++) {
    const x = a[i];
    // Bits, not values: −0 and 0 derive other angles.
    if (x !== f[i] || (x === 0 && 1 / x !== 1 / f[i])) return false;
  }
  return true;
}

/** The axes option as remembered: a plain object of sections (an array of numbers), frequencies, assign; null for none; false when it cannot be compared later. */
function snapAxes(v: unknown): Memo['axes'] | false {
  if (v === undefined) return null;
  if (!plainObject(v) || !Array.isArray(v.sections)) return false;
  for (const k in v) if (k !== 'sections' && k !== 'frequencies' && k !== 'assign') return false;
  if (!v.sections.every((x: unknown) => typeof x === 'number')) return false;
  return { sections: v.sections.slice(), frequencies: v.frequencies, assign: v.assign };
}

function sameAxes(v: unknown, a: Memo['axes']): boolean {
  if (v === undefined) return a === null;
  if (a === null || !plainObject(v)) return false;
  const s = v.sections;
  if (v.frequencies !== a.frequencies || v.assign !== a.assign || !Array.isArray(s) || s.length !== a.sections.length) return false;
  for (let i = 0; i < s.length; i++) if (s[i] !== a.sections[i]) return false;
  for (const k in v) if (k !== 'sections' && k !== 'frequencies' && k !== 'assign') return false;
  return true;
}

/** Whether positions (an array or typed array) hold exactly the bits of `p` (−0 told from 0). */
function samePositions(v: unknown, p: Float64Array): boolean {
  if (v instanceof Float64Array) {
    for (let i = 0; i < p.length; i++) {
      const x = v[i];
      if (x !== p[i] || (x === 0 && 1 / x !== 1 / p[i])) return false;
    }
    return true;
  }
  if (!(Array.isArray(v) || v instanceof Int32Array || v instanceof Float32Array)) return false;
  const a = v as ArrayLike<unknown>;
  for (let i = 0; i < p.length; i++) {
    const x = a[i];
    if (x !== p[i] || (x === 0 && 1 / (x as number) !== 1 / p[i])) return false;
  }
  return true;
}

/** Copies positions of length n (length or batch·length) into `into` when they are finite numbers; false otherwise. */
function copyPositions(v: unknown, into: Float64Array): boolean {
  if (Array.isArray(v) || v instanceof Float64Array || v instanceof Int32Array || v instanceof Float32Array || v instanceof Uint32Array || v instanceof Int16Array || v instanceof Uint16Array || v instanceof Int8Array || v instanceof Uint8Array) {
    const a = v as ArrayLike<unknown>;
    if (a.length !== into.length) return false;
    for (let i = 0; i < a.length; i++) {
      const p = a[i];
      if (typeof p !== 'number' || !Number.isFinite(p)) return false;
      into[i] = p;
    }
    return true;
  }
  return false;
}


/** Per-instance memory of rope call shapes, and the decode entry point ropeStep. */
export class RopeSteps {
  readonly #b: Backend;
  readonly #cache: RowCache;
  readonly #math: MathLib;
  readonly #memos = new Memos<Memo>(MEMOS);
  /** The `out` and rows of the call `rope` just planned (read by the caller at once). */
  out: FloatArray | ModuleTensor | undefined = undefined;
  rows: RopeRows | null = null;

  constructor(backend: Backend, cache: RowCache) {
    this.#b = backend;
    this.#cache = cache;
    this.#math = backend.math;
  }

  /** Forgets every call shape (their rows stay in the row cache). */
  clear(): void {
    this.#memos.clear();
  }

  /**
   * The memo of a call shape that these options and x match: every option but offset, positions
   * and out equal to the remembered ones. `shape` is the call's shape array.
   */
  #find(o: Record<string, unknown>, shape: unknown, x: unknown): Memo | null {
    if (!Array.isArray(shape) || shape.length !== 4) return null;
    const kind = kindOf(x);
    if (kind === 0) return null;
    const len = (x as { length: number }).length;
    const s0 = shape[0], s1 = shape[1], s2 = shape[2], s3 = shape[3];
    const memos = this.#memos.list;
    for (let i = 0; i < memos.length; i++) {
      const m = memos[i];
      const s = m.shape;
      if (s[0] !== s0 || s[1] !== s1 || s[2] !== s2 || s[3] !== s3 || m.xKind !== kind || m.xLength !== len) continue;
      const p = m.plain;
      if (o.layout !== p[0] || o.base !== p[1] || o.rotaryDim !== p[2] || o.order !== p[3] || o.float32Angles !== p[4] || o.seqLen !== p[5] || o.attentionFactor !== p[6]) continue;
      if (!sameScaling(o.scaling, m) || !sameFreqs(o.frequencies, m.freqs) || !sameAxes(o.axes, m.axes)) continue;
      return m;
    }
    return null;
  }

  /** Remembers the call shape of a plan that planRope validated from these options (when it can be compared later). */
  #remember(o: Record<string, unknown>, shape: unknown, x: unknown, plan: RopePlan): Memo | null {
    if (plan.rotaryDim === 0 || !Array.isArray(shape) || shape.length !== 4 || !plainObject(o)) return null;
    const axes = snapAxes(o.axes);
    if (axes === false) return null;
    const kind = kindOf(x);
    if (kind === 0 || (x as { length: number }).length === 0) return null;
    const sc = snapScaling(o.scaling, o.seqLen);
    if (sc === false) return null;
    let freqs: Float64Array | null = null;
    if (o.frequencies !== undefined) {
      const f = o.frequencies;
      if (!(Array.isArray(f) || f instanceof Float64Array || f instanceof Float32Array)) return null;
      freqs = Float64Array.from(f as ArrayLike<number>);
    }
    const n = plan.batch * plan.length;
    const m: Memo = {
      shape: [shape[0], shape[1], shape[2], shape[3]], plain: PLAIN.map((k) => o[k]),
      scalingKeys: sc && sc.keys, scalingValues: sc && sc.values, freqs, axes, exactKey: null, xKind: kind, xLength: (x as { length: number }).length,
      plan: { ...plan }, key: plan.axes ? '' : this.#cache.ropeKey(plan),
      pos: plan.axes && plan.positions ? plan.positions.slice() : new Float64Array(n), idx: new Int32Array(n), rows: { table: null as never, start: 0, idx: null }, okX: null, okOut: null,
    };
    return this.#memos.add(m);
  }

  /**
   * Sets the memo's plan to these positions (offset or positions, validated like planRope) and
   * returns it; null when they need planRope (wrong type, length or a non-finite value).
   */
  #position(m: Memo, offset: unknown, positions: unknown): Mutable<RopePlan> | null {
    const plan = m.plan;
    if (plan.axes) {
      // Multi-axis: positions of the remembered length (its axes' stride), compared with the last
      // ones first: the same bits keep the row cache key (no hashing of thousands of positions).
      if (positions === undefined || offset !== undefined || plan.positions === null) return null;
      const n = (positions as { length?: unknown }).length;
      if (n !== m.pos.length) return null;
      if (!samePositions(positions, m.pos)) {
        if (!copyPositions(positions, m.pos)) return null;
        m.exactKey = null;
      }
      plan.positions = m.pos;
      return plan;
    }
    if (positions !== undefined) {
      if (offset !== undefined) return null;
      const L = plan.length;
      const n = (positions as { length?: unknown }).length;
      if (n !== L && n !== plan.batch * L) return null;
      if (m.pos.length !== n) m.pos = new Float64Array(n as number);
      if (!copyPositions(positions, m.pos)) return null;
      plan.start = 0;
      plan.positions = m.pos;
      plan.perBatch = n !== L;
      return plan;
    }
    const start = offset === undefined ? 0 : offset;
    if (typeof start !== 'number' || !Number.isFinite(start)) return null;
    plan.start = start;
    plan.positions = null;
    plan.perBatch = false;
    return plan;
  }

  /** The rows of the memo's plan (as just positioned): ranged rows, or null to generate them. */
  #rows(m: Memo): RopeRows | null {
    const plan = m.plan;
    if (plan.axes) {
      if (m.exactKey === null) m.exactKey = this.#cache.ropeExactKey(plan);
      return m.exactKey === null ? null : this.#cache.ropeExact(plan, m.exactKey);
    }
    const rows = m.rows;
    let need: number;
    if (plan.positions) {
      const p = plan.positions;
      if (m.idx.length !== p.length) m.idx = new Int32Array(p.length);
      const idx = m.idx;
      need = 0;
      for (let i = 0; i < p.length; i++) {
        const v = p[i];
        if (!isRow(v)) return this.#cache.rope(plan);
        idx[i] = v;
        if (v >= need) need = v + 1;
      }
      rows.start = 0;
      rows.idx = idx;
    } else {
      if (!isRow(plan.start) || plan.start + plan.length > 2 ** 31) return this.#cache.rope(plan);
      need = plan.start + plan.length;
      rows.start = plan.start;
      rows.idx = null;
    }
    const t = this.#cache.rangedRope(plan, m.key, need);
    if (t === undefined) return this.#cache.rope(plan);
    if (t === null) return null;
    rows.table = t;
    return rows;
  }

  /**
   * The plan of `rope(x, options)`: a remembered call shape's (positioned), else planRope's (whose
   * call shape is then remembered). Sets `out` and `rows` for the caller.
   */
  rope(x: unknown, options: unknown): RopePlan {
    if (plainObject(options)) {
      const o = options;
      let offset: unknown, positions: unknown, out: unknown;
      let ok = true;
      for (const k in o) {
        if (k === 'offset') offset = o.offset;
        else if (k === 'positions') positions = o.positions;
        else if (k === 'out') out = o.out;
        else if (!ROPE_KEYS.has(k)) {
          ok = false;
          break;
        }
      }
      const m = ok ? this.#find(o, o.shape, x) : null;
      if (m !== null && this.#sameOut(m, x, out)) {
        const plan = this.#position(m, offset, positions);
        if (plan !== null) {
          this.out = out as FloatArray | ModuleTensor | undefined;
          this.rows = viewsModuleMemory(this.#b.isModuleView, x, out) ? null : this.#rows(m);
          return plan;
        }
      }
    }
    const r = planRope(x, options, this.#math);
    const o = options as Record<string, unknown>;
    // As before this memory of call shapes: the row cache decides (ranged rows from the second
    // call on); the shape serves the next calls.
    this.#remember(o, o.shape, x, r.plan);
    this.out = r.out;
    this.rows = viewsModuleMemory(this.#b.isModuleView, x, r.out) ? null : this.#cache.rope(r.plan);
    return r.plan;
  }

  /** Whether `out` (undefined, x, or an array/tensor of x's kind and length that cannot overlap it) fits the memo without planRope. */
  #sameOut(m: Memo, x: unknown, out: unknown): boolean {
    // A freed tensor goes the general path, which refuses it.
    if (x instanceof Tensor && x.freed) return false;
    if (out === undefined || out === x) return true;
    if (kindOf(out) !== m.xKind || (out as { length: number }).length !== m.xLength) return false;
    // Two tensors never overlap unless they are one; two typed arrays only on one buffer.
    if (out instanceof Tensor) return !(out as Tensor).freed && x instanceof Tensor && !x.freed;
    return !(x instanceof Tensor) && apart(m, x as FloatArray, out as FloatArray);
  }

  /**
   * ropeStep(q, k, options): q and k rotated in place at one step's positions (see Posenc.ropeStep).
   */
  step(q: unknown, k: unknown, options: unknown): void {
    const fn = 'ropeStep';
    let o: Record<string, unknown> | null = null;
    let mq: Memo | null = null;
    let mk: Memo | null = null;
    if (plainObject(options) && q !== k) {
      o = options;
      let ok = true;
      for (const key in o) {
        if (!STEP_KEY_SET.has(key)) {
          ok = false;
          break;
        }
      }
      if (ok && (o.position === undefined) !== (o.positions === undefined)) {
        mq = this.#find(o, o.qShape, q);
        mk = mq && this.#find(o, o.kShape, k);
        if (mk !== null) {
          // Two tensors (never overlapping unless one), or two arrays on different buffers; q and
          // k of one batch, length and headDim.
          const tensors = q instanceof Tensor;
          const sep = tensors ? k instanceof Tensor && !q.freed && !k.freed : !(k instanceof Tensor) && apart(mq!, q as FloatArray, k as FloatArray);
          const a = mq!.plan, b = mk.plan;
          if (!sep || a.batch !== b.batch || a.length !== b.length || a.headDim !== b.headDim) mk = null;
        }
      }
    }
    if (mq === null || mk === null || o === null) {
      this.#stepSlow(fn, q, k, options);
      return;
    }
    const pq = this.#position(mq, o.position, o.positions);
    const pk = pq && this.#position(mk, o.position, o.positions);
    if (pq === null || pk === null) {
      this.#stepSlow(fn, q, k, options);
      return;
    }
    this.#b.rope(pq, q as FloatArray, q as FloatArray, viewsModuleMemory(this.#b.isModuleView, q, undefined) ? null : this.#rows(mq));
    this.#b.rope(pk, k as FloatArray, k as FloatArray, viewsModuleMemory(this.#b.isModuleView, k, undefined) ? null : this.#rows(mk));
  }

  /** ropeStep validated from scratch (every error raised before anything is written), then remembered. */
  #stepSlow(fn: string, q: unknown, k: unknown, options: unknown): void {
    const qa = floatArray(fn, 'q', q);
    const ka = floatArray(fn, 'k', k);
    checkObject(fn, 'options', options);
    const o = options;
    checkKeys(fn, 'options', o, STEP_KEYS);
    if (isFloat64Array(ka) !== isFloat64Array(qa)) throw typeError(fn, 'k', `a ${isFloat64Array(qa) ? 'Float64Array' : 'Float32Array'} (q's dtype)`, k);
    const order = o.order === 'blhd' ? 'blhd' : 'bhld';
    const names = order === 'blhd' ? '[batch, length, heads, headDim]' : '[batch, heads, length, headDim]';
    const qs = stepShape(fn, 'options.qShape', o.qShape, names, qa.length, 'q');
    const ks = stepShape(fn, 'options.kShape', o.kShape, names, ka.length, 'k');
    const L = order === 'blhd' ? 1 : 2;
    const H = order === 'blhd' ? 2 : 1;
    if (ks[0] !== qs[0]) throw rangeError(fn, 'options.kShape[0]', `q's batch = ${qs[0]}`, ks[0]);
    if (ks[L] !== qs[L]) throw rangeError(fn, `options.kShape[${L}]`, `q's length = ${qs[L]}`, ks[L]);
    if (ks[3] !== qs[3]) throw rangeError(fn, 'options.kShape[3]', `q's headDim = ${qs[3]}`, ks[3]);
    if (o.position === undefined && o.positions === undefined) {
      throw new TypeError(`posenc.${fn}: options.position (the step's position, a number) or options.positions ([length] or [batch·length] numbers) is required`);
    }
    if (o.position !== undefined && o.positions !== undefined) throw new TypeError(`posenc.${fn}: give options.position or options.positions, not both`);
    if (o.position !== undefined) checkFinite(fn, 'options.position', o.position);
    else {
      const p = checkPositions(fn, 'options.positions', o.positions, false);
      const n = qs[0] * qs[L];
      if (p.length !== qs[L] && p.length !== n) {
        throw rangeError(fn, 'options.positions', `of length ${qs[L]} (shared by the batch) or ${n} (batch × length: each sequence at its own positions)`, o.positions);
      }
    }
    if (q === k || overlapping(qa, ka)) throw new RangeError(`posenc.${fn}: q and k overlap (each is rotated in place: give two separate arrays or module tensors)`);
    // The rope options (layout, base, scaling, …) are checked by planRope, for q; k's plan differs in heads only.
    const common: Record<string, unknown> = {};
    for (const key of STEP_KEYS) if (key !== 'qShape' && key !== 'kShape' && key !== 'position' && o[key] !== undefined) common[key] = o[key];
    const plans = [q, k].map((x, i) => {
      const shape = i === 0 ? o.qShape : o.kShape;
      const opts = { ...common, shape, offset: o.position, out: x };
      const r = planRope(x, opts, this.#math, fn);
      this.#remember({ ...common, offset: o.position }, shape, x, r.plan);
      return r.plan;
    });
    // As two rope calls: q's rows are used before k's lookup could evict them.
    this.#b.rope(plans[0], q as FloatArray, q as FloatArray, viewsModuleMemory(this.#b.isModuleView, q, undefined) ? null : this.#cache.rope(plans[0]));
    this.#b.rope(plans[1], k as FloatArray, k as FloatArray, viewsModuleMemory(this.#b.isModuleView, k, undefined) ? null : this.#cache.rope(plans[1]));
  }
}

function stepShape(fn: string, param: string, v: unknown, names: string, length: number, what: string): number[] {
  if (v === undefined) throw new TypeError(`posenc.${fn}: ${param} is required (${names})`);
  if (!Array.isArray(v) && typedArrayName(v) === undefined) throw typeError(fn, param, `an array ${names}`, v);
  const s = shapeValues(fn, param, v);
  if (s.length !== 4) throw rangeError(fn, param, `of rank 4 ${names}`, v);
  s.forEach((d, i) => checkInt(fn, `${param}[${i}]`, d, 0));
  if (s[0] * s[1] * s[2] * s[3] !== length) throw rangeError(fn, param, `consistent with ${what}.length = ${length}`, v);
  return s;
}

/** Whether two operands share memory (two module tensors only when they are one). */
function overlapping(a: FloatArray, b: FloatArray): boolean {
  if (a.buffer !== b.buffer || a.byteLength === 0 || b.byteLength === 0) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}
