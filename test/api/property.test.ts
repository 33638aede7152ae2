// Property-based tests (fast-check): random presets, knobs, shapes, offsets, positions, dtypes,
// operand kinds and backends.
//   - every table element within the accuracy bound of a float64 reference written from the
//     formulas (README "Exactness"), on every backend; the wasm builds within the bound of the
//     js twin and bit-identical to each other;
//   - add/concat equal, bit for bit, a plain-JS model built from the same backend's table, whatever
//     the operands are (plain, SharedArrayBuffer, offset subarrays, module tensors, views into
//     them, tensors of another instance, out === x);
//   - every (sin, cos) pair on the unit circle for any finite position;
//   - rope and sincos2d: wasm within the bound of js; positionsFromTokens/Mask equal a plain model.
//
// Runs: POSENC_FC_RUNS=n sets the runs of every property (defaults below: a few thousand cases in
// all, a few seconds); POSENC_FC_SEED=s replays a seed (fast-check prints seed and path on failure).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initSync, type FloatArray, type ModuleTensor, type Posenc } from '../../src/index.js';
import type { BackendName } from '../../src/api/types.js';
import { bound, ulp32 } from '../support/reference.js';
import { issue4 } from '../support/determinism.js';
import { rng } from '../support/rng.js';

const RUNS = Number(process.env.POSENC_FC_RUNS ?? 0);
const SEED = process.env.POSENC_FC_SEED === undefined ? undefined : Number(process.env.POSENC_FC_SEED);
function params(defaultRuns: number): fc.Parameters<unknown> {
  return { numRuns: RUNS > 0 ? RUNS : defaultRuns, ...(SEED === undefined ? {} : { seed: SEED }) };
}

const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];
const PE = Object.fromEntries(BACKENDS.map((b) => [b, initSync({ backend: b })])) as Record<BackendName, Posenc>;

// ---- the conventions, written independently of src/presets.ts and src/plan.ts ------------------

type Preset = 'vaswani' | 'marian' | 'tensor2tensor' | 'whisper' | 'fairseq' | 'seed';
interface Knobs {
  preset: Preset;
  base?: number;
  layout?: 'interleaved' | 'halves';
  schedule?: 'paper' | 'timescale';
  odd?: 'sin' | 'zero' | 'error';
  minTimescale?: number;
  maxTimescale?: number;
  paddingIdx?: number | null;
  omega?: number;
}
const DEFAULTS: Record<Exclude<Preset, 'seed'>, { layout: 'interleaved' | 'halves'; schedule: 'paper' | 'timescale'; odd: 'sin' | 'zero' | 'error'; guard: boolean; pad: number | null }> = {
  vaswani: { layout: 'interleaved', schedule: 'paper', odd: 'sin', guard: true, pad: null },
  marian: { layout: 'halves', schedule: 'paper', odd: 'sin', guard: true, pad: null },
  tensor2tensor: { layout: 'halves', schedule: 'timescale', odd: 'zero', guard: true, pad: null },
  whisper: { layout: 'halves', schedule: 'timescale', odd: 'error', guard: false, pad: null },
  fairseq: { layout: 'halves', schedule: 'timescale', odd: 'zero', guard: false, pad: 1 },
};

/** The first formula position (fairseq: paddingIdx + 1). */
function startOf(k: Knobs): number {
  if (k.preset === 'seed') return 0;
  const pad = k.paddingIdx === undefined ? DEFAULTS[k.preset].pad : k.paddingIdx;
  return pad === null ? 0 : pad + 1;
}

/** A dim that the knobs accept (odd: 'error' needs an even dim; an unguarded timescale schedule ≥ 4). */
function validDim(k: Knobs, dim: number): number {
  if (k.preset === 'seed') return dim;
  const d = DEFAULTS[k.preset];
  if ((k.odd ?? d.odd) === 'error' && dim % 2) dim++;
  if ((k.schedule ?? d.schedule) === 'timescale' && !d.guard && dim < 4) dim = 4;
  return dim;
}

/** Float64 reference rows: values and |angle| per element; width columns per row. */
function reference(k: Knobs, dim: number, positions: ArrayLike<number>): { v: Float64Array; angle: Float64Array; width: number } {
  const rows = positions.length;
  if (k.preset === 'seed') {
    const w = k.omega ?? 1 / Math.sqrt(dim);
    const v = new Float64Array(rows * 2);
    const angle = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const a = positions[r] * w;
      v[2 * r] = Math.sin(a);
      v[2 * r + 1] = Math.cos(a);
      angle[2 * r] = angle[2 * r + 1] = Math.abs(a);
    }
    return { v, angle, width: 2 };
  }
  const d = DEFAULTS[k.preset];
  const layout = k.layout ?? d.layout;
  const schedule = k.schedule ?? d.schedule;
  const odd = k.odd ?? d.odd;
  const base = k.base ?? 10000;
  const minTs = k.minTimescale ?? 1;
  const maxTs = k.maxTimescale ?? 10000;
  const pad = k.paddingIdx === undefined ? d.pad : k.paddingIdx;
  const nCos = Math.floor(dim / 2);
  const nSin = odd === 'sin' ? Math.ceil(dim / 2) : nCos;
  const omega = new Float64Array(nSin);
  for (let i = 0; i < nSin; i++) {
    omega[i] = schedule === 'paper'
      ? 1 / Math.pow(base, (2 * i) / dim)
      : minTs * Math.exp(-i * (Math.log(maxTs / minTs) / (d.guard ? Math.max(nCos - 1, 1) : nCos - 1)));
  }
  const v = new Float64Array(rows * dim);
  const angle = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const p = positions[r];
    if (pad !== null && p === pad) continue; // the pad row is zero
    const o = r * dim;
    for (let i = 0; i < nSin; i++) {
      const a = p * omega[i];
      const sc = layout === 'halves' ? o + i : o + 2 * i;
      v[sc] = Math.sin(a);
      angle[sc] = Math.abs(a);
      if (i < nCos) {
        const cc = layout === 'halves' ? o + nSin + i : o + 2 * i + 1;
        v[cc] = Math.cos(a);
        angle[cc] = Math.abs(a);
      }
    }
    // columns [nSin + nCos, dim) stay zero
  }
  return { v, angle, width: dim };
}

// ---- arbitraries --------------------------------------------------------------------------------

const opt = <T>(a: fc.Arbitrary<T>) => a;
const presetArb = fc.constantFrom<Preset>('vaswani', 'marian', 'tensor2tensor', 'whisper', 'fairseq', 'seed');
const knobsArb: fc.Arbitrary<Knobs> = presetArb.chain((preset): fc.Arbitrary<Knobs> => {
  if (preset === 'seed') {
    return fc.record({ preset: fc.constant(preset), omega: fc.double({ min: -8, max: 8, noNaN: true }) }, { requiredKeys: ['preset'] });
  }
  return fc.record({
    preset: fc.constant(preset),
    base: opt(fc.oneof(fc.constantFrom(10000, 100, 500000, 2), fc.double({ min: 0.5, max: 1e7, noNaN: true }))),
    layout: fc.constantFrom('interleaved' as const, 'halves' as const),
    schedule: fc.constantFrom('paper' as const, 'timescale' as const),
    odd: fc.constantFrom('sin' as const, 'zero' as const, 'error' as const),
    minTimescale: fc.double({ min: 0.01, max: 1e3, noNaN: true }),
    maxTimescale: fc.double({ min: 0.5, max: 1e6, noNaN: true }),
    paddingIdx: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 6 })),
  }, { requiredKeys: ['preset'] });
});

/** Positions: small integers (pad rows, seeds), int32, reals, integers up to 10^15. */
const positionArb = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 300 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 2 ** 31 - 1 }), weight: 2 },
  { arbitrary: fc.double({ min: -1e7, max: 1e7, noNaN: true }), weight: 3 },
  { arbitrary: fc.double({ min: -1e15, max: 1e15, noNaN: true }).map(Math.trunc), weight: 1 },
);

type Rows =
  | { kind: 'offset'; length: number; offset: number }
  | { kind: 'positions'; positions: number[]; typed: boolean };
const rowsArb: fc.Arbitrary<Rows> = fc.oneof(
  fc.record({
    kind: fc.constant('offset' as const),
    length: fc.integer({ min: 0, max: 40 }),
    offset: fc.oneof(fc.integer({ min: 0, max: 2_000_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(999_744)),
  }),
  fc.record({ kind: fc.constant('positions' as const), positions: fc.array(positionArb, { maxLength: 40 }), typed: fc.boolean() }),
);

const dimArb = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 160 }));

function rowPositions(k: Knobs, rows: Rows): number[] {
  if (rows.kind === 'positions') return rows.positions;
  const s = startOf(k) + rows.offset;
  return Array.from({ length: rows.length }, (_, r) => s + r);
}

function tableOptions(k: Knobs, dim: number, rows: Rows, dtype: 'float32' | 'float64'): Record<string, unknown> {
  const o: Record<string, unknown> = { ...k, dim, dtype };
  if (rows.kind === 'offset') Object.assign(o, { length: rows.length, offset: rows.offset });
  else o.positions = rows.typed ? Float64Array.from(rows.positions) : rows.positions;
  return o;
}

/**
 * Relative error of a frequency derived by a libm (pow or exp/log) over that of another libm, in
 * units of 2^-52: the exponent's rounding is amplified by |ln base| (paper) or |ln(max/min)|
 * (timescale), plus an ulp or two for the function and the product. The wasm backends derive ω
 * with NativeMath, this file's reference with JS Math: at large angles p·(ω_wasm − ω_ref) is
 * larger than the README's |p·ω|·2^-49, which bounds the rounding of the angle, not of ω.
 */
function freqSlack(k: Knobs): number {
  if (k.preset === 'seed') return 0;
  const d = DEFAULTS[k.preset];
  const L = (k.schedule ?? d.schedule) === 'paper'
    ? Math.abs(Math.log(k.base ?? 10000))
    : Math.abs(Math.log((k.maxTimescale ?? 10000) / (k.minTimescale ?? 1)));
  return (L + 2) * 2 ** -52;
}

/** Throws with the first element outside the bound (fast-check then shrinks and prints the seed). */
function checkWithin(got: ArrayLike<number>, want: ArrayLike<number>, angle: ArrayLike<number>, f64: boolean, what: string, slack = 0): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const tol = bound(want[i], angle[i], f64) + angle[i] * slack;
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol)) throw new Error(`${what}: element ${i} = ${got[i]}, want ${want[i]} ± ${tol} (off by ${err})`);
  }
}

function bitsEqual(a: FloatArray, b: FloatArray): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return -2;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

// ---- tables -------------------------------------------------------------------------------------

describe('sinusoidal tables: random presets, knobs, dims, rows', () => {
  it('every element within the bound of the float64 reference, on every backend; wasm within the bound of js; SIMD = scalar bits', () => {
    fc.assert(
      fc.property(knobsArb, dimArb, rowsArb, fc.boolean(), (k, dim0, rows, f64) => {
        const dim = validDim(k, dim0);
        const dtype = f64 ? 'float64' : 'float32';
        const ref = reference(k, dim, rowPositions(k, rows));
        const got = {} as Record<BackendName, FloatArray>;
        for (const b of BACKENDS) {
          got[b] = PE[b].sinusoidal(tableOptions(k, dim, rows, dtype) as never) as FloatArray;
          expect(got[b]).toBeInstanceOf(f64 ? Float64Array : Float32Array);
          checkWithin(got[b], ref.v, ref.angle, f64, `${b} vs reference`, freqSlack(k));
        }
        // The wasm builds within the accuracy bound of the js twin (at the js value).
        checkWithin(got['wasm-simd'], got.js, ref.angle, f64, 'wasm-simd vs js', freqSlack(k));
        expect(bitsEqual(got['wasm-simd'], got.wasm), 'wasm-simd vs wasm bits').toBe(-1);
      }),
      params(700),
    );
  });

  it('negative positions near zero keep the bound', () => {
    // Found by this file (fixed in 5c49291): the kernels split p = T + 256s + 16q + k + f with
    // T = 4096·⌊t/4096⌋, so for p ∈ (−4096, 0) the angle was rebuilt from pieces of size ≈ 4096·ω
    // whose rounding errors did not shrink with |p| (sin(−10^-12) came out 0.5 % off in float32;
    // with ω = 1000, float64 was off by ≈ 10^-10). Negative positions are now mirrored.
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -1e-6, max: -Number.MIN_VALUE, noNaN: true }), fc.double({ min: -4096, max: -Number.MIN_VALUE, noNaN: true })),
        fc.constantFrom(...BACKENDS),
        fc.boolean(),
        (p, backend, f64) => {
          const k: Knobs = { preset: 'tensor2tensor', minTimescale: 1000 };
          const t = PE[backend].sinusoidal({ ...k, dim: 8, positions: [p, p / 3], dtype: f64 ? 'float64' : 'float32' });
          const ref = reference(k, 8, [p, p / 3]);
          checkWithin(t, ref.v, ref.angle, f64, `${backend} at position ${p}`);
        },
      ),
      { ...params(100), examples: [[-1e-12, 'wasm', false], [-0.5, 'wasm-simd', true]] },
    );
  });

  it('every (sin, cos) pair lies on the unit circle, for any finite position', () => {
    // Found by this file (fixed in 5c49291): for |angle| ≥ 2^1017 AssemblyScript's
    // NativeMath.sincos returned sin = cos = 0.
    // The bound above allows |p·ω|·2^-49 of error: meaningless for huge angles. Whatever the
    // angle, sin² + cos² = 1 must hold (and nothing may be NaN).
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(...BACKENDS),
        fc.boolean(),
        (positions, backend, f64) => {
          const t = PE[backend].sinusoidal({ preset: 'seed', omega: 1, dim: 2, positions, dtype: f64 ? 'float64' : 'float32' });
          for (let r = 0; r < positions.length; r++) {
            const s = t[2 * r];
            const c = t[2 * r + 1];
            const norm = s * s + c * c;
            if (!(Math.abs(norm - 1) <= (f64 ? 1e-12 : 2 ** -21))) {
              throw new Error(`${backend}: position ${positions[r]} gives sin ${s}, cos ${c} (sin² + cos² = ${norm})`);
            }
          }
        },
      ),
      { ...params(300), examples: [[[2 ** 1016 * 1.5], 'wasm', true], [[Number.MAX_VALUE, -(2 ** 1017)], 'wasm-simd', false]] },
    );
  });
});

// ---- add / concat against a plain-JS model ---------------------------------------------------------

type Kind = 'plain' | 'shared' | 'offset' | 'tensor' | 'tensorView' | 'foreign';
const KINDS: Kind[] = ['plain', 'shared', 'offset', 'tensor', 'tensorView', 'foreign'];
type OutKind = 'none' | 'x' | 'xTwin' | Kind;

/** Where an operand lives; `arg` is what the call receives, `read` its current contents. */
interface Placed {
  arg: FloatArray | ModuleTensor;
  read(): FloatArray;
  /** Views into module memory are made last (an allocation may grow memory and detach them). */
  finish(): void;
  free(): void;
}

function place(pe: Posenc, data: FloatArray, kind: Kind, lead: number): Placed {
  const f64 = data instanceof Float64Array;
  const C = f64 ? Float64Array : Float32Array;
  const dtype = f64 ? 'float64' : 'float32';
  const n = data.length;
  switch (kind) {
    case 'plain': {
      const a = data.slice();
      return { arg: a, read: () => a, finish() {}, free() {} };
    }
    case 'shared':
    case 'offset': {
      const buf = kind === 'shared' ? new SharedArrayBuffer((n + lead + 2) * C.BYTES_PER_ELEMENT) : new ArrayBuffer((n + lead + 2) * C.BYTES_PER_ELEMENT);
      const a = new C(buf as ArrayBuffer, lead * C.BYTES_PER_ELEMENT, n);
      a.set(data);
      return { arg: a, read: () => a, finish() {}, free() {} };
    }
    case 'tensor':
    case 'foreign': {
      // 'foreign': a module tensor of another instance (another backend), used as a plain array.
      const owner = kind === 'tensor' ? pe : PE[pe.backend === 'wasm' ? 'wasm-simd' : 'wasm'];
      const t = owner.alloc(n, dtype);
      t.array.set(data);
      return { arg: t, read: () => t.array, finish() {}, free: () => t.free() };
    }
    case 'tensorView': {
      const t = pe.alloc(n + lead + 1, dtype);
      t.array.set(data, lead);
      const p: Placed = {
        arg: t.array.subarray(lead, lead + n) as FloatArray,
        read: () => t.array.subarray(lead, lead + n) as FloatArray,
        finish() {
          p.arg = t.array.subarray(lead, lead + n) as FloatArray;
        },
        free: () => t.free(),
      };
      return p;
    }
  }
}

function randomData(n: number, f64: boolean, seed: number): FloatArray {
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32 - 0.5) * 8;
  }
  return a;
}

interface CombineCase {
  op: 'add' | 'concat';
  f64: boolean;
  shape: [number, number, number];
  rank2: boolean;
  /** concat: width of the encoding (sinusoidal: encoding.dim; table: its columns). */
  width: number;
  enc: { kind: 'sin'; knobs: Knobs; where: 'options' | 'encoding' } | { kind: 'table'; extraRows: number; wrap: 'bare' | 'object' };
  rows: { kind: 'offset'; offset: number } | { kind: 'positions'; perBatch: boolean; values: number[] };
  scale: number;
  /** Rows of the table encoding (≥ every row the case reads). */
  tableRows: number;
  xKind: Kind;
  outKind: OutKind;
  tableKind: Kind;
  lead: number;
  seed: number;
}

const shapeArb = fc.oneof(
  { arbitrary: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 1, max: 48 })), weight: 12 },
  // larger than the 256 KiB scratch window: chunked by rows, or (batch·row > window) by batch
  { arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 100, max: 300 }), fc.integer({ min: 200, max: 520 })), weight: 1 },
  { arbitrary: fc.tuple(fc.integer({ min: 100, max: 200 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 500, max: 700 })), weight: 1 },
);

const combineArb: fc.Arbitrary<CombineCase> = fc
  .record({
    op: fc.constantFrom('add' as const, 'concat' as const),
    f64: fc.boolean(),
    shape: shapeArb,
    rank2: fc.boolean(),
    width: fc.integer({ min: 1, max: 40 }),
    enc: fc.oneof(
      fc.record({ kind: fc.constant('sin' as const), knobs: knobsArb, where: fc.constantFrom('options' as const, 'encoding' as const) }),
      fc.record({ kind: fc.constant('table' as const), extraRows: fc.integer({ min: 0, max: 20 }), wrap: fc.constantFrom('bare' as const, 'object' as const) }),
    ),
    rowsKind: fc.constantFrom('offset', 'shared', 'perBatch'),
    offsetInt: fc.integer({ min: 0, max: 20 }),
    offsetReal: fc.oneof(fc.integer({ min: 0, max: 3_000_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
    posSeed: fc.integer(),
    scale: fc.oneof(fc.constant(1), fc.double({ min: -16, max: 16, noNaN: true })),
    xKind: fc.constantFrom(...KINDS),
    outKind: fc.constantFrom<OutKind>('none', 'x', 'xTwin', ...KINDS),
    tableKind: fc.constantFrom(...KINDS),
    lead: fc.integer({ min: 0, max: 15 }),
    seed: fc.integer(),
  })
  .map((r): CombineCase => {
    let [b, l, d] = r.shape;
    const rank2 = r.rank2 && b === 1;
    let enc = r.enc;
    if (enc.kind === 'sin') {
      // add: the encoding is x's width (seed's 2 columns only fit by concat)
      if (r.op === 'add' && enc.knobs.preset === 'seed') enc = { ...enc, knobs: { preset: 'vaswani' } };
      if (r.op === 'add') d = validDim(enc.knobs, d);
    }
    const width = r.op === 'add' ? d : enc.kind === 'sin' ? (enc.knobs.preset === 'seed' ? 2 : validDim(enc.knobs, r.width)) : r.width;
    const tableRows = l + r.offsetInt + (enc.kind === 'table' ? enc.extraRows : 0);
    let rows: CombineCase['rows'];
    const rnd = rng(r.posSeed);
    if (r.rowsKind === 'offset') rows = { kind: 'offset', offset: enc.kind === 'table' ? r.offsetInt : r.offsetReal };
    else {
      const count = r.rowsKind === 'perBatch' ? b * l : l;
      const values = Array.from({ length: count }, () =>
        enc.kind === 'table' ? Math.floor(rnd() * Math.max(tableRows, 1)) : rnd() < 0.5 ? Math.floor(rnd() * 5e6) : (rnd() - 0.3) * 1e5);
      rows = { kind: 'positions', perBatch: r.rowsKind === 'perBatch' && b !== 1, values };
    }
    let outKind = r.outKind;
    if (r.op === 'concat' && (outKind === 'x' || outKind === 'xTwin')) outKind = 'plain';
    return { op: r.op, f64: r.f64, shape: [b, l, d], rank2, width, enc, rows, scale: r.scale, tableRows: Math.max(tableRows, 1), xKind: r.xKind, outKind, tableKind: r.tableKind, lead: r.lead, seed: r.seed };
  });


/** Runs one case on one backend and compares it with the model; throws on any difference. */
function runCombine(pe: Posenc, c: CombineCase): void {
  const [b, l, d] = c.shape;
  const f64 = c.f64;
  const dtype = f64 ? 'float64' : 'float32';
  const outW = c.op === 'add' ? d : d + c.width;
  const x = randomData(b * l * d, f64, c.seed);
  const table = c.enc.kind === 'table' ? randomData(c.tableRows * c.width, f64, c.seed ^ 0x5bd1e995) : null;

  // The model: the encoding row of every (batch, row), from the same backend's sinusoidal table.
  const rowOf = (bi: number, r: number): number => (c.rows.kind === 'positions' ? (c.rows.perBatch ? bi * l + r : r) : r);
  let peRows: FloatArray;
  if (c.enc.kind === 'sin') {
    const k = c.enc.knobs;
    const encDim = c.op === 'add' ? d : k.preset === 'seed' ? d : c.width;
    peRows = c.rows.kind === 'positions'
      ? pe.sinusoidal({ ...k, dim: encDim, positions: c.rows.values, dtype } as never)
      : pe.sinusoidal({ ...k, dim: encDim, length: l, offset: c.rows.offset, dtype } as never);
  } else {
    const idx = c.rows.kind === 'positions' ? c.rows.values : Array.from({ length: l }, (_, r) => (c.rows as { offset: number }).offset + r);
    peRows = f64 ? new Float64Array(idx.length * c.width) : new Float32Array(idx.length * c.width);
    idx.forEach((row, i) => peRows.set(table!.subarray(row * c.width, (row + 1) * c.width), i * c.width));
  }
  const want = f64 ? new Float64Array(b * l * outW) : new Float32Array(b * l * outW);
  const s = f64 ? c.scale : Math.fround(c.scale);
  for (let bi = 0; bi < b; bi++) {
    for (let r = 0; r < l; r++) {
      const xo = (bi * l + r) * d;
      const oo = (bi * l + r) * outW;
      const po = rowOf(bi, r) * c.width;
      if (c.op === 'add') {
        for (let j = 0; j < d; j++) want[oo + j] = f64 ? x[xo + j] * s + peRows[po + j] : Math.fround(Math.fround(x[xo + j] * s) + peRows[po + j]);
      } else {
        for (let j = 0; j < d; j++) want[oo + j] = x[xo + j];
        for (let j = 0; j < c.width; j++) want[oo + d + j] = peRows[po + j];
      }
    }
  }

  // The call, on the operands the case asks for.
  const placed: Placed[] = [];
  try {
    const px = place(pe, x, c.xKind, c.lead);
    placed.push(px);
    const pt = table ? place(pe, table, c.tableKind, 15 - c.lead) : null;
    if (pt) placed.push(pt);
    let po: Placed | null = null;
    if (c.outKind !== 'none' && c.outKind !== 'x' && c.outKind !== 'xTwin') {
      po = place(pe, f64 ? new Float64Array(b * l * outW).fill(-3) : new Float32Array(b * l * outW).fill(-3), c.outKind, (c.lead * 7) % 16);
      placed.push(po);
    }
    for (const p of placed) p.finish();
    let outArg: FloatArray | ModuleTensor | undefined;
    let readOut: (() => FloatArray) | null = po ? po.read : null;
    if (c.outKind === 'x') {
      outArg = px.arg;
      readOut = px.read;
    } else if (c.outKind === 'xTwin') {
      // a second view object over x's bytes (a module tensor's fresh .array, or a new view)
      const xa = px.arg instanceof Float32Array || px.arg instanceof Float64Array ? px.arg : px.arg.array;
      outArg = px.arg instanceof Float32Array || px.arg instanceof Float64Array
        ? new (f64 ? Float64Array : Float32Array)(xa.buffer as ArrayBuffer, xa.byteOffset, xa.length)
        : xa;
      readOut = px.read;
    } else if (po) outArg = po.arg;

    const options: Record<string, unknown> = { shape: c.rank2 ? [l, d] : [b, l, d] };
    if (c.op === 'add' && c.scale !== 1) options.scale = c.scale;
    if (outArg !== undefined) options.out = outArg;
    const posOpts: Record<string, unknown> = c.rows.kind === 'positions'
      ? { positions: c.rows.values.length % 2 ? Float64Array.from(c.rows.values) : c.rows.values }
      : c.rows.offset === 0 && c.seed % 3 === 0 ? {} : { offset: c.rows.offset };
    if (c.enc.kind === 'sin') {
      const encoding: Record<string, unknown> = { ...c.enc.knobs };
      if (c.op === 'concat' && !(c.enc.knobs.preset === 'seed' && c.seed % 2 === 0)) encoding.dim = c.enc.knobs.preset === 'seed' ? d : c.width;
      if (c.enc.where === 'encoding') Object.assign(encoding, posOpts);
      else Object.assign(options, posOpts);
      if (c.seed % 5 === 0) encoding.dtype = dtype;
      options.encoding = encoding;
    } else {
      options.encoding = c.enc.wrap === 'bare' && c.op === 'add' ? pt!.arg : { table: pt!.arg, dim: c.width };
      Object.assign(options, posOpts);
    }
    const result = (c.op === 'add' ? pe.add(px.arg, options as never) : pe.concat(px.arg, options as never)) as FloatArray | ModuleTensor;
    if (outArg !== undefined) expect(result, 'returns out').toBe(outArg);
    const got = readOut ? readOut() : (result as FloatArray);
    expect(got).toBeInstanceOf(f64 ? Float64Array : Float32Array);
    const at = bitsEqual(got, want);
    if (at !== -1) {
      const i = Math.floor(Math.max(at, 0) / (f64 ? 8 : 4));
      throw new Error(`${pe.backend}: element ${i} is ${got[i]}, the model says ${want[i]} (${at === -2 ? 'length differs' : 'bits differ'})`);
    }
    // Inputs are only read (unless out is x).
    if (c.outKind !== 'x' && c.outKind !== 'xTwin') expect(bitsEqual(px.read(), x), 'x unchanged').toBe(-1);
    if (pt) expect(bitsEqual(pt.read(), table!), 'table unchanged').toBe(-1);
  } finally {
    for (const p of placed) p.free();
  }
}

describe('add and concat against a plain-JS model', () => {
  it('bit for bit on every backend, for every kind of operand', () => {
    fc.assert(
      fc.property(combineArb, fc.constantFrom(...BACKENDS), (c, backend) => {
        runCombine(PE[backend], c);
      }),
      params(1200),
    );
  });
});

// ---- rope, sincos2d, positionsFromTokens/Mask, where the instance has them ---------------------------

const i4 = issue4(PE.js);

describe.skipIf(typeof i4.rope !== 'function')('rope: wasm within the documented bound of js', () => {
  it('random shapes, layouts, rotary dims, positions and orders', () => {
    fc.assert(
      fc.property(
        fc.record({
          b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 3 }), l: fc.integer({ min: 0, max: 20 }), half: fc.integer({ min: 1, max: 24 }),
          rd: fc.integer({ min: 0, max: 24 }), layout: fc.constantFrom('halves', 'interleaved'), order: fc.constantFrom('bhld', 'blhd'),
          base: fc.oneof(fc.constant(10000), fc.double({ min: 2, max: 1e6, noNaN: true })),
          pos: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 1e6 }), fc.double({ min: -1e5, max: 1e5, noNaN: true })),
          f64: fc.boolean(), seed: fc.integer(),
        }),
        (r) => {
          const D = 2 * r.half;
          const rotaryDim = 2 * Math.min(r.rd, r.half);
          const shape = r.order === 'bhld' ? [r.b, r.h, r.l, D] : [r.b, r.l, r.h, D];
          const x = randomData(r.b * r.h * r.l * D, r.f64, r.seed);
          const positions = r.pos === null ? undefined : Array.from({ length: r.l }, (_, i) => (r.pos as number) + i * 3.5);
          const o = { shape, layout: r.layout, order: r.order, base: r.base, rotaryDim, ...(positions ? { positions } : { offset: 7 }) };
          const js = issue4(PE.js).rope!(x, o);
          const simd = issue4(PE['wasm-simd']).rope!(x, o);
          const scalar = issue4(PE.wasm).rope!(x, o);
          expect(bitsEqual(simd, scalar), 'SIMD = scalar bits').toBe(-1);
          // per element: (|x_a| + |x_b|)·(ε + |θ|·2^-49) + ulp, θ ≤ max position (ω_0 = 1), doubled (two results)
          const maxP = positions ? Math.max(...positions.map(Math.abs), 0) : 7 + r.l;
          const eps = r.f64 ? 2 ** -48 : 2 ** -23;
          let m = 0;
          for (let i = 0; i < x.length; i++) m = Math.max(m, 2 * Math.abs(x[i]));
          for (let i = 0; i < x.length; i++) {
            const tol = 2 * (m * (eps + maxP * 2 ** -49) + (r.f64 ? 0 : ulp32(js[i])));
            if (!(Math.abs(simd[i] - js[i]) <= tol)) throw new Error(`element ${i}: wasm ${simd[i]}, js ${js[i]}, tol ${tol}`);
          }
          expect(bitsEqual(x, randomData(x.length, r.f64, r.seed)), 'x unchanged').toBe(-1);
        },
      ),
      params(300),
    );
  });
});

describe.skipIf(typeof i4.sincos2d !== 'function')('sincos2d: wasm within the bound of js', () => {
  it('random grids, presets, temperatures, cls token, dtypes', () => {
    fc.assert(
      fc.property(
        fc.record({
          H: fc.integer({ min: 1, max: 20 }), W: fc.integer({ min: 1, max: 20 }), quarter: fc.integer({ min: 2, max: 24 }),
          preset: fc.constantFrom('mae', 'mocov3', 'bigvision', 'timm'), temperature: fc.double({ min: 2, max: 1e5, noNaN: true }),
          clsToken: fc.boolean(), f64: fc.boolean(),
        }),
        (r) => {
          const o = { height: r.H, width: r.W, dim: 4 * r.quarter, preset: r.preset, temperature: r.temperature, clsToken: r.clsToken, dtype: r.f64 ? 'float64' : 'float32' };
          const js = issue4(PE.js).sincos2d!(o);
          const simd = issue4(PE['wasm-simd']).sincos2d!(o);
          expect(bitsEqual(simd, issue4(PE.wasm).sincos2d!(o)), 'SIMD = scalar bits').toBe(-1);
          expect(simd.length).toBe(js.length);
          const maxAngle = Math.max(r.H, r.W); // ω ≤ 1
          for (let i = 0; i < js.length; i++) {
            const tol = 2 * bound(js[i], maxAngle, r.f64);
            if (!(Math.abs(simd[i] - js[i]) <= tol)) throw new Error(`element ${i}: wasm ${simd[i]}, js ${js[i]}`);
          }
        },
      ),
      params(200),
    );
  });
});

describe.skipIf(typeof i4.positionsFromTokens !== 'function')('positionsFromTokens / positionsFromMask against plain models', () => {
  const ids = fc.record({ b: fc.integer({ min: 0, max: 4 }), l: fc.integer({ min: 0, max: 30 }), seed: fc.integer() });
  it('fairseq make_positions: paddingIdx + pastLength + running count of real tokens; pads keep paddingIdx', () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom('array', 'int32', 'bigint'), (s, pad, past, kind) => {
        const rnd = rng(s.seed);
        const tokens = Array.from({ length: s.b * s.l }, () => (rnd() < 0.3 ? pad : Math.floor(rnd() * 50)));
        const arg = kind === 'array' ? tokens : kind === 'int32' ? Int32Array.from(tokens) : BigInt64Array.from(tokens.map(BigInt));
        const got = issue4(PE.js).positionsFromTokens!(arg as never, { shape: [s.b, s.l], paddingIdx: pad, ...(past ? { pastLength: past } : {}) });
        const want: number[] = [];
        for (let b = 0; b < s.b; b++) {
          let n = 0;
          for (let l = 0; l < s.l; l++) {
            const t = tokens[b * s.l + l];
            want.push(t === pad ? pad : pad + past + ++n);
          }
        }
        expect(Array.from(got)).toEqual(want);
        for (const b of ['wasm-simd', 'wasm'] as const) expect(Array.from(issue4(PE[b]).positionsFromTokens!(arg as never, { shape: [s.b, s.l], paddingIdx: pad, pastLength: past }))).toEqual(want);
      }),
      params(300),
    );
  });

  it('GPT-2/OPT: cumsum(mask) − 1 for tokens, padPosition for padding, plus offset, first pastLength columns dropped', () => {
    fc.assert(
      fc.property(ids, fc.integer({ min: 0, max: 30 }), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -2, max: 4 }), fc.boolean(), (s, past0, padPosition, offset, bools) => {
        const rnd = rng(s.seed);
        const mask = Array.from({ length: s.b * s.l }, () => (rnd() < 0.7 ? 1 : 0));
        const past = Math.min(past0, s.l);
        const arg = bools ? mask.map((m) => m === 1) : Uint8Array.from(mask);
        const got = issue4(PE.js).positionsFromMask!(arg as never, { shape: [s.b, s.l], pastLength: past, padPosition, offset });
        const want: number[] = [];
        for (let b = 0; b < s.b; b++) {
          let n = 0;
          for (let l = 0; l < s.l; l++) {
            const m = mask[b * s.l + l];
            n += m;
            if (l >= past) want.push((m ? n - 1 : padPosition) + offset);
          }
        }
        expect(Array.from(got)).toEqual(want);
      }),
      params(300),
    );
  });
});
