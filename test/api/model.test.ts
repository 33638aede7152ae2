// Model-based test (fast-check commands): random sessions of calls against posenc and against a
// plain-JS model of what the caller's memory must hold, compared after every step.
//
// The session allocates module tensors and plain arrays (some in SharedArrayBuffers, some at odd
// byteOffsets), writes into them as user code would, computes tables into them, adds encodings in
// place or into other arrays, adds rows of a learned table held in another tensor, concatenates,
// frees, grows memory with big temporary tensors, uses freed tensors (TypeError) and makes bad
// calls (RangeError). The model holds the expected bytes of every live array; the values of one
// operation come from the same backend's plain-array table (its bits never depend on where the
// result goes: README "Exactness"). After every step every live array must hold exactly the
// model's bytes (no write outside a call's out, no allocator reuse of live memory, no stale view),
// and every freed tensor must refuse use.
//
// Runs: POSENC_FC_RUNS (default 120 sessions), POSENC_FC_SEED to replay.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { initSync, type FloatArray, type ModuleTensor, type Posenc } from '../../src/index.js';
import type { BackendName } from '../../src/api/types.js';

type Dtype = 'float32' | 'float64';

interface Slot {
  id: number;
  kind: 'tensor' | 'plain' | 'shared';
  dtype: Dtype;
  length: number;
  /** The bytes the caller must see (model). */
  expected: FloatArray;
  freed: boolean;
}
interface Model {
  slots: Slot[];
  nextId: number;
}
interface Real {
  pe: Posenc;
  handles: Map<number, ModuleTensor | FloatArray>;
}

const LENGTHS = [0, 8, 24, 48, 96, 240, 480, 960];
/** 98 304 elements (384 KiB as float32) exceed the 256 KiB scratch window: plain arrays then stream in chunks. */
const BIG = 98_304;

function divisors(n: number): number[] {
  const d: number[] = [];
  for (let k = 1; k <= Math.min(n, 96); k++) if (n % k === 0) d.push(k);
  return d;
}

function current(r: Real, s: Slot): FloatArray {
  const h = r.handles.get(s.id)!;
  return h instanceof Float32Array || h instanceof Float64Array ? h : h.array;
}

function arg(r: Real, s: Slot): FloatArray | ModuleTensor {
  return r.handles.get(s.id)!;
}

function newArray(dtype: Dtype, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

function fillSeeded(a: FloatArray, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32 - 0.5) * 6;
  }
}

function live(m: Readonly<Model>, dtype?: Dtype): Slot[] {
  return m.slots.filter((s) => !s.freed && (dtype === undefined || s.dtype === dtype));
}

function pick<T>(xs: T[], k: number): T {
  return xs[k % xs.length];
}

/** Every live slot holds the model's bytes; every freed tensor refuses use. */
export const STATS = new Map<string, number>();
function verify(m: Model, r: Real, after: string): void {
  if (process.env.POSENC_MODEL_STATS) STATS.set(after.replace(/\(.*/, ''), (STATS.get(after.replace(/\(.*/, '')) ?? 0) + 1);
  for (const s of m.slots) {
    if (s.freed) {
      const t = r.handles.get(s.id) as ModuleTensor;
      if (!t.freed) throw new Error(`${after}: slot ${s.id} should be freed`);
      let threw = false;
      try {
        void t.array;
      } catch (e) {
        threw = e instanceof TypeError;
      }
      if (!threw) throw new Error(`${after}: slot ${s.id}: a freed tensor's array must throw a TypeError`);
      continue;
    }
    const got = current(r, s);
    if (got.length !== s.length) throw new Error(`${after}: slot ${s.id} has length ${got.length}, want ${s.length}`);
    const a = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
    const b = new Uint8Array(s.expected.buffer, s.expected.byteOffset, s.expected.byteLength);
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) {
        const e = Math.floor(i / (s.dtype === 'float64' ? 8 : 4));
        throw new Error(`${after}: slot ${s.id} (${s.kind} ${s.dtype}[${s.length}]) element ${e} is ${got[e]}, the model says ${s.expected[e]}`);
      }
    }
  }
}

type Cmd = fc.Command<Model, Real>;

class Alloc implements Cmd {
  constructor(readonly len: number, readonly dtype: Dtype, readonly kind: Slot['kind'], readonly lead: number, readonly seed: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const id = m.nextId++;
    const expected = newArray(this.dtype, this.len);
    if (this.kind === 'tensor') {
      r.handles.set(id, r.pe.alloc(this.len, this.dtype)); // zero-filled
    } else {
      const C = this.dtype === 'float64' ? Float64Array : Float32Array;
      const bytes = (this.len + this.lead + 1) * C.BYTES_PER_ELEMENT;
      const buf = this.kind === 'shared' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
      const a = new C(buf as ArrayBuffer, this.lead * C.BYTES_PER_ELEMENT, this.len);
      fillSeeded(a, this.seed);
      expected.set(a);
      r.handles.set(id, a);
    }
    m.slots.push({ id, kind: this.kind, dtype: this.dtype, length: this.len, expected, freed: false });
    verify(m, r, this.toString());
  }
  toString = () => `alloc(${this.kind} ${this.dtype}[${this.len}])`;
}

class Free implements Cmd {
  constructor(readonly k: number) {}
  check = (m: Readonly<Model>) => live(m).some((s) => s.kind === 'tensor');
  run(m: Model, r: Real): void {
    const s = pick(live(m).filter((q) => q.kind === 'tensor'), this.k);
    (r.handles.get(s.id) as ModuleTensor).free();
    s.freed = true;
    verify(m, r, this.toString());
  }
  toString = () => `free(#${this.k})`;
}

class Write implements Cmd {
  constructor(readonly k: number, readonly seed: number) {}
  check = (m: Readonly<Model>) => live(m).length > 0;
  run(m: Model, r: Real): void {
    const s = pick(live(m), this.k);
    fillSeeded(s.expected, this.seed);
    current(r, s).set(s.expected);
    verify(m, r, this.toString());
  }
  toString = () => `write(#${this.k})`;
}

class Table implements Cmd {
  constructor(readonly k: number, readonly d: number, readonly preset: 'vaswani' | 'marian' | 'whisper', readonly offset: number, readonly viaView: boolean) {}
  check = (m: Readonly<Model>) => live(m).some((s) => s.length > 0);
  run(m: Model, r: Real): void {
    const s = pick(live(m).filter((q) => q.length > 0), this.k);
    let dim = pick(divisors(s.length), this.d);
    if (this.preset === 'whisper' && (dim < 4 || dim % 2)) dim = s.length % 4 === 0 ? 4 : s.length;
    const preset = this.preset === 'whisper' && (dim < 4 || dim % 2) ? 'vaswani' : this.preset;
    const o = { preset, dim, length: s.length / dim, offset: this.offset, dtype: s.dtype };
    const want = r.pe.sinusoidal(o);
    const out = this.viaView && s.kind === 'tensor' ? current(r, s) : arg(r, s);
    r.pe.sinusoidal({ ...o, out });
    s.expected.set(want);
    verify(m, r, this.toString());
  }
  toString = () => `table(#${this.k}, ${this.preset}, offset ${this.offset}${this.viaView ? ', through a view' : ''})`;
}

/** fl(fl(s·x) + pe) in the slot's dtype. */
function addInto(dst: FloatArray, x: FloatArray, pe: FloatArray, peWidth: number, rows: number, dim: number, batch: number, scale: number): void {
  const f64 = dst instanceof Float64Array;
  const s = f64 ? scale : Math.fround(scale);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows * dim; i++) {
      const v = x[b * rows * dim + i] * s;
      dst[b * rows * dim + i] = f64 ? v + pe[i] : Math.fround(Math.fround(v) + pe[i]);
    }
  }
  void peWidth;
}

class Add implements Cmd {
  constructor(readonly kx: number, readonly ko: number, readonly d: number, readonly batch: number, readonly scale: number, readonly offset: number, readonly inPlace: boolean) {}
  check = (m: Readonly<Model>) => live(m).length > 0;
  run(m: Model, r: Real): void {
    const x = pick(live(m), this.kx);
    const candidates = live(m, x.dtype).filter((q) => q.length === x.length && q.id !== x.id);
    const o = this.inPlace || candidates.length === 0 ? x : pick(candidates, this.ko);
    const batch = x.length % this.batch === 0 ? this.batch : 1;
    const per = x.length / batch;
    const dim = per === 0 ? 1 : pick(divisors(per), this.d);
    const rows = per / dim;
    const table = r.pe.sinusoidal({ dim, length: rows, offset: this.offset, dtype: x.dtype });
    const want = newArray(x.dtype, x.length);
    addInto(want, x.expected, table, dim, rows, dim, batch, this.scale);
    r.pe.add(arg(r, x), { shape: [batch, rows, dim], scale: this.scale, offset: this.offset, out: arg(r, o) });
    o.expected.set(want);
    verify(m, r, this.toString());
  }
  toString = () => `add(#${this.kx} → ${this.inPlace ? 'itself' : `#${this.ko}`}, batch ${this.batch}, scale ${this.scale}, offset ${this.offset})`;
}

/** Adds a slot the command needs (a tensor, or a plain array at an offset) to model and session. */
function addSlot(m: Model, r: Real, dtype: Dtype, len: number, tensor: boolean, seed: number): Slot {
  const id = m.nextId++;
  const expected = newArray(dtype, len);
  fillSeeded(expected, seed);
  if (tensor) {
    const t = r.pe.alloc(len, dtype);
    t.array.set(expected);
    r.handles.set(id, t);
  } else {
    const C = dtype === 'float64' ? Float64Array : Float32Array;
    const a = new C(new ArrayBuffer((len + 3) * C.BYTES_PER_ELEMENT), 3 * C.BYTES_PER_ELEMENT, len);
    a.set(expected);
    r.handles.set(id, a);
  }
  const s: Slot = { id, kind: tensor ? 'tensor' : 'plain', dtype, length: len, expected, freed: false };
  m.slots.push(s);
  return s;
}

class AddTable implements Cmd {
  constructor(readonly kx: number, readonly kt: number, readonly d: number, readonly offset: number, readonly wrap: boolean, readonly seed: number) {}
  check = (m: Readonly<Model>) => live(m).some((s) => s.length > 0);
  run(m: Model, r: Real): void {
    const x = pick(live(m).filter((q) => q.length > 0), this.kx);
    const dim = pick(divisors(x.length), this.d);
    const rows = x.length / dim;
    // a learned table: an existing array whose rows fit, else a new one (tensor or plain)
    const fits = live(m, x.dtype).filter((q) => q.id !== x.id && q.length % dim === 0 && q.length / dim >= rows);
    const t = fits.length && this.kt % 3 ? pick(fits, this.kt) : addSlot(m, r, x.dtype, (rows + (this.offset % 7)) * dim, this.kt % 2 === 0, this.seed);
    const tRows = t.length / dim;
    const offset = this.offset % (tRows - rows + 1);
    const want = newArray(x.dtype, x.length);
    addInto(want, x.expected, t.expected.subarray(offset * dim), dim, rows, dim, 1, 1);
    r.pe.add(arg(r, x), { shape: [rows, dim], encoding: this.wrap ? { table: arg(r, t), dim } : arg(r, t), offset, out: arg(r, x) });
    x.expected.set(want);
    verify(m, r, this.toString());
  }
  toString = () => `addTable(#${this.kx} += rows of #${this.kt}, offset ${this.offset})`;
}

class Concat implements Cmd {
  constructor(readonly kx: number, readonly ko: number, readonly d: number, readonly w: number, readonly seed: number) {}
  check = (m: Readonly<Model>) => live(m).some((s) => s.length > 0);
  run(m: Model, r: Real): void {
    const x = pick(live(m).filter((q) => q.length > 0), this.kx);
    const dim = pick(divisors(x.length), this.d);
    const rows = x.length / dim;
    const w = this.w;
    // out: an existing array of the right size, else a new one
    const fits = live(m, x.dtype).filter((q) => q.id !== x.id && q.length === rows * (dim + w));
    const o = fits.length && this.ko % 3 ? pick(fits, this.ko) : addSlot(m, r, x.dtype, rows * (dim + w), this.ko % 2 === 0, this.seed);
    const table = r.pe.sinusoidal({ preset: 'marian', dim: w, length: rows, offset: this.d, dtype: x.dtype });
    const want = newArray(x.dtype, o.length);
    for (let i = 0; i < rows; i++) {
      want.set(x.expected.subarray(i * dim, (i + 1) * dim), i * (dim + w));
      want.set(table.subarray(i * w, (i + 1) * w), i * (dim + w) + dim);
    }
    r.pe.concat(arg(r, x), { shape: [rows, dim], encoding: { preset: 'marian', dim: w }, offset: this.d, out: arg(r, o) });
    o.expected.set(want);
    verify(m, r, this.toString());
  }
  toString = () => `concat(#${this.kx} → #${this.ko}, width ${this.w})`;
}

class UseFreed implements Cmd {
  constructor(readonly k: number, readonly how: number) {}
  check = (m: Readonly<Model>) => m.slots.some((s) => s.freed);
  run(m: Model, r: Real): void {
    const s = pick(m.slots.filter((q) => q.freed), this.k);
    const t = r.handles.get(s.id) as ModuleTensor;
    const other = live(m, s.dtype)[0];
    const calls = [
      () => r.pe.add(t, { shape: [1, Math.max(s.length, 1), 1] }),
      () => r.pe.sinusoidal({ dim: 1, length: s.length, dtype: s.dtype, out: t }),
      () => (other ? r.pe.add(arg(r, other), { shape: [other.length, 1], out: t }) : r.pe.add(t, { shape: [0, 0] })),
      () => r.pe.concat(t, { shape: [s.length, 1], encoding: { dim: 1 } }),
      () => r.pe.add(newArray(s.dtype, 4), { shape: [1, 4], encoding: { table: t, dim: 4 } }),
    ];
    let err: unknown;
    try {
      pick(calls, this.how)();
    } catch (e) {
      err = e;
    }
    if (!(err instanceof TypeError) || !/freed/.test(err.message)) throw new Error(`${this}: expected a TypeError about a freed tensor, got ${String(err)}`);
    t.free(); // idempotent
    verify(m, r, this.toString());
  }
  toString = () => `useFreed(#${this.k}, way ${this.how})`;
}

class BadCall implements Cmd {
  constructor(readonly k: number, readonly how: number) {}
  check = (m: Readonly<Model>) => live(m).some((s) => s.length > 0);
  run(m: Model, r: Real): void {
    const s = pick(live(m).filter((q) => q.length > 0), this.k);
    const a = arg(r, s);
    const calls = [
      () => r.pe.add(a, { shape: [s.length + 1, 1], out: a }),
      () => r.pe.add(a, { shape: [s.length, 1], scale: NaN, out: a }),
      () => r.pe.sinusoidal({ dim: 1, length: s.length + 1, dtype: s.dtype, out: a }),
      () => r.pe.add(a, { shape: [s.length, 1], encoding: { table: a, dim: 1 }, positions: Array(s.length).fill(s.length), out: a }),
      () => r.pe.concat(a, { shape: [s.length, 1], encoding: { dim: 1 }, out: a }),
      () => r.pe.add(a, { shape: [s.length, 1], positions: Array(s.length).fill(Infinity) }),
    ];
    let err: unknown;
    try {
      pick(calls, this.how)();
    } catch (e) {
      err = e;
    }
    if (!(err instanceof RangeError) || !/^posenc\./.test(err.message)) throw new Error(`${this}: expected posenc's RangeError, got ${String(err)}`);
    verify(m, r, this.toString());
  }
  toString = () => `badCall(#${this.k}, way ${this.how})`;
}

class Grow implements Cmd {
  constructor(readonly mib: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const views = live(m).filter((s) => s.kind === 'tensor').map((s) => current(r, s));
    const big = r.pe.alloc(this.mib * 2 ** 18); // float32: mib MiB
    big.array[big.length - 1] = 1;
    big.free();
    // Views taken before may be detached now; the tensors are intact through fresh views.
    void views;
    verify(m, r, this.toString());
  }
  toString = () => `grow(${this.mib} MiB)`;
}

const k = fc.nat({ max: 1000 });
const commands = [
  fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...LENGTHS), weight: 30 }, { arbitrary: fc.constant(BIG), weight: 1 }), fc.constantFrom<Dtype>('float32', 'float64'), fc.constantFrom<Slot['kind']>('tensor', 'tensor', 'plain', 'shared'), fc.integer({ min: 0, max: 7 }), fc.integer())
    .map(([len, dtype, kind, lead, seed]) => new Alloc(len, dtype, kind, lead, seed)),
  k.map((i) => new Free(i)),
  fc.tuple(k, fc.integer()).map(([i, seed]) => new Write(i, seed)),
  fc.tuple(k, k, fc.constantFrom('vaswani' as const, 'marian' as const, 'whisper' as const), fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: -100, max: 1e6, noNaN: true })), fc.boolean())
    .map(([i, d, p, off, v]) => new Table(i, d, p, off, v)),
  fc.tuple(k, k, k, fc.constantFrom(1, 2, 3, 4), fc.oneof(fc.constant(1), fc.double({ min: -4, max: 4, noNaN: true })), fc.integer({ min: 0, max: 100_000 }), fc.boolean())
    .map(([a, b, d, batch, s, off, ip]) => new Add(a, b, d, batch, s, off, ip)),
  fc.tuple(k, k, k, k, fc.boolean(), fc.integer()).map(([a, b, d, off, w, seed]) => new AddTable(a, b, d, off, w, seed)),
  fc.tuple(k, k, k, fc.integer({ min: 1, max: 12 }), fc.integer()).map(([a, b, d, w, seed]) => new Concat(a, b, d, w, seed)),
  fc.tuple(k, k).map(([i, h]) => new UseFreed(i, h)),
  fc.tuple(k, k).map(([i, h]) => new BadCall(i, h)),
  fc.constantFrom(1, 4, 16).map((mib) => new Grow(mib)),
];

describe('model-based: random sessions against a plain-JS model of the caller\'s memory', () => {
  it('every live array holds the model\'s bytes after every step; freed tensors refuse use', () => {
    const pes = Object.fromEntries((['wasm-simd', 'wasm', 'js'] as BackendName[]).map((b) => [b, initSync({ backend: b })])) as Record<BackendName, Posenc>;
    fc.assert(
      fc.property(fc.constantFrom<BackendName>('wasm-simd', 'wasm', 'js'), fc.commands(commands, { maxCommands: 60, size: 'large' }), (backend, cmds) => {
        const real: Real = { pe: pes[backend], handles: new Map() };
        try {
          fc.modelRun(() => ({ model: { slots: [], nextId: 0 }, real }), cmds);
        } finally {
          for (const h of real.handles.values()) if (!(h instanceof Float32Array || h instanceof Float64Array)) h.free();
        }
      }),
      { numRuns: Number(process.env.POSENC_FC_RUNS ?? 0) || 120, ...(process.env.POSENC_FC_SEED ? { seed: Number(process.env.POSENC_FC_SEED) } : {}) },
    );
    if (process.env.POSENC_MODEL_STATS) console.log(Object.fromEntries(STATS));
  });

  it('sessions leave memory bounded: after a thousand sessions\' worth of tensors, memory does not keep growing', () => {
    const pe = initSync({ backend: 'wasm-simd' });
    const run = () => {
      const ts: ModuleTensor[] = [];
      for (let i = 0; i < 200; i++) {
        ts.push(pe.alloc(LENGTHS[i % LENGTHS.length] * (1 + (i % 3)), i % 2 ? 'float64' : 'float32'));
        if (i % 3 === 0) ts.splice(i % ts.length, 1)[0].free();
      }
      for (const t of ts) t.free();
    };
    for (let i = 0; i < 5; i++) run();
    const before = pe.memoryBytes;
    for (let i = 0; i < 50; i++) run();
    if (pe.memoryBytes !== before) throw new Error(`memory grew from ${before} to ${pe.memoryBytes} bytes over 10^4 alloc/free`);
  });
});
