import { describe, expect, it } from 'vitest';
import { initSync } from '../../src/index.js';
import { describeBackends, firstByteDiff, rng } from '../support/backends.js';

function randomArray(n: number, seed: number, f64 = false) {
  const r = rng(seed);
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() - 0.5) * 4;
  return a;
}

/** Reference add in the documented rounding: fl(fl(scale·x) + PE) in x's dtype. */
function refAdd(x: Float32Array | Float64Array, table: Float32Array | Float64Array, batch: number, length: number, dim: number, scale: number) {
  const f64 = x instanceof Float64Array;
  const out = f64 ? new Float64Array(x.length) : new Float32Array(x.length);
  const s = f64 ? scale : Math.fround(scale);
  for (let b = 0; b < batch; b++)
    for (let i = 0; i < length * dim; i++) {
      const v = x[b * length * dim + i] * s;
      out[b * length * dim + i] = (f64 ? v : Math.fround(v)) + table[i];
    }
  return out;
}

describeBackends('add', (pe) => {
  const shapes: [number, number, number][] = [[1, 1, 1], [2, 3, 4], [3, 5, 7], [1, 8, 8], [4, 7, 5], [2, 4 * 9 + 3, 66], [3, 300, 96], [2, 1, 3000]];
  for (const [batch, length, dim] of shapes) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`[${batch}, ${length}, ${dim}] ${dtype}: equals scale·x + sinusoidal table, bit for bit`, () => {
        const f64 = dtype === 'float64';
        const x = randomArray(batch * length * dim, batch * 100 + dim, f64);
        const copy = x.slice();
        for (const [scale, offset] of [[1, 0], [Math.sqrt(dim), 5], [-0.5, 1000]]) {
          const table = pe().sinusoidal({ length, dim, offset, dtype });
          const got = pe().add(x, { shape: [batch, length, dim], offset, scale });
          expect(got).toBeInstanceOf(f64 ? Float64Array : Float32Array);
          expect(firstByteDiff(got, refAdd(x, table, batch, length, dim, scale))).toBe(-1);
          expect(firstByteDiff(x, copy)).toBe(-1); // x untouched
        }
      });
    }
  }

  it('every preset as encoding options, and explicit positions shared or per batch', () => {
    const [batch, length, dim] = [3, 6, 10];
    const x = randomArray(batch * length * dim, 9);
    for (const preset of ['vaswani', 'marian', 'tensor2tensor', 'whisper', 'fairseq'] as const) {
      const table = pe().sinusoidal({ preset, length, dim });
      expect(firstByteDiff(pe().add(x, { shape: [batch, length, dim], encoding: { preset } }), refAdd(x, table, batch, length, dim, 1))).toBe(-1);
    }
    const positions = [0.5, 17, 3, 3, 1e6, 42];
    const t = pe().sinusoidal({ dim, positions });
    expect(firstByteDiff(pe().add(x, { shape: [batch, length, dim], positions }), refAdd(x, t, batch, length, dim, 1))).toBe(-1);
    const per = Array.from({ length: batch * length }, (_, i) => (i * 37) % 11);
    const got = pe().add(x, { shape: [batch, length, dim], positions: per });
    for (let b = 0; b < batch; b++) {
      const tb = pe().sinusoidal({ dim, positions: per.slice(b * length, (b + 1) * length) });
      const xb = x.subarray(b * length * dim, (b + 1) * length * dim);
      expect(firstByteDiff(got.subarray(b * length * dim, (b + 1) * length * dim), refAdd(xb, tb, 1, length, dim, 1))).toBe(-1);
    }
  });

  it('out: a given array, x itself (in place), a module tensor; any byteOffset', () => {
    const [batch, length, dim] = [2, 9, 12];
    const x = randomArray(batch * length * dim, 4);
    const want = pe().add(x, { shape: [batch, length, dim], scale: 2 });
    const buf = new ArrayBuffer(4 * (x.length + 1));
    const out = new Float32Array(buf, 4, x.length);
    expect(pe().add(x, { shape: [batch, length, dim], scale: 2, out })).toBe(out);
    expect(firstByteDiff(out, want)).toBe(-1);
    const y = x.slice();
    expect(pe().add(y, { shape: [batch, length, dim], scale: 2, out: y })).toBe(y);
    expect(firstByteDiff(y, want)).toBe(-1);
    const tx = pe().alloc(x.length);
    tx.array.set(x);
    const to = pe().alloc(x.length);
    pe().add(tx, { shape: [batch, length, dim], scale: 2, out: to });
    expect(firstByteDiff(to.array, want)).toBe(-1);
    pe().add(tx, { shape: [batch, length, dim], scale: 2, out: tx });
    expect(firstByteDiff(tx.array, want)).toBe(-1);
    tx.free();
    to.free();
  });

  it('a table as encoding (learned), offset and positions', () => {
    const [batch, length, dim, rows] = [2, 5, 8, 20];
    const table = randomArray(rows * dim, 77);
    const x = randomArray(batch * length * dim, 78);
    const got = pe().add(x, { shape: [batch, length, dim], encoding: table, offset: 2 });
    expect(firstByteDiff(got, refAdd(x, table.subarray(2 * dim, (2 + length) * dim), batch, length, dim, 1))).toBe(-1);
    const positions = [19, 0, 4, 4, 7];
    const g2 = pe().add(x, { shape: [batch, length, dim], encoding: { table, dim }, positions });
    const gathered = new Float32Array(length * dim);
    positions.forEach((p, i) => gathered.set(table.subarray(p * dim, (p + 1) * dim), i * dim));
    expect(firstByteDiff(g2, refAdd(x, gathered, batch, length, dim, 1))).toBe(-1);
    const tt = pe().alloc(table.length);
    tt.array.set(table);
    expect(firstByteDiff(pe().add(x, { shape: [batch, length, dim], encoding: tt, positions }), g2)).toBe(-1);
    tt.free();
  });
});

describeBackends('add: batch elements paired against one table run (every batch size, tails, in place)', (pe) => {
  it('module-tensor table and cached rows: bit for bit the documented rounding', () => {
    for (const batch of [1, 2, 3, 4, 5, 8]) {
      for (const [length, dim] of [[1, 1], [3, 5], [2, 16], [5, 17], [4, 33], [7, 64]]) {
        const n = batch * length * dim;
        const x = randomArray(n, batch * 31 + dim) as Float32Array;
        const table = randomArray((length + 3) * dim, dim + 7) as Float32Array;
        const want = refAdd(x, table.subarray(2 * dim, (2 + length) * dim), batch, length, dim, 1.75);
        const tt = pe().alloc(table.length);
        tt.array.set(table);
        const xt = pe().alloc(n);
        const ot = pe().alloc(n);
        xt.array.set(x);
        pe().add(xt, { shape: [batch, length, dim], encoding: tt, offset: 2, scale: 1.75, out: ot });
        expect(firstByteDiff(ot.array, want)).toBe(-1);
        pe().add(xt, { shape: [batch, length, dim], encoding: tt, offset: 2, scale: 1.75, out: xt });
        expect(firstByteDiff(xt.array, want)).toBe(-1);
        // Sinusoidal rows: the second call is served from cached rows.
        const sin = pe().sinusoidal({ length, dim, offset: 3 });
        const wantSin = refAdd(x, sin, batch, length, dim, 1.75);
        for (let k = 0; k < 2; k++) {
          xt.array.set(x);
          pe().add(xt, { shape: [batch, length, dim], offset: 3, scale: 1.75, out: k ? xt : ot });
          expect(firstByteDiff(k ? xt.array : ot.array, wantSin)).toBe(-1);
        }
        tt.free(); xt.free(); ot.free();
      }
    }
  });
});

describeBackends('concat', (pe) => {
  it('[x | PE] for shapes with tails, f32 and f64', () => {
    for (const [batch, length, dimIn, w] of [[1, 1, 1, 2], [2, 3, 5, 4], [3, 7, 8, 7], [2, 4 * 5 + 3, 33, 64]]) {
      for (const f64 of [false, true]) {
        const x = randomArray(batch * length * dimIn, dimIn, f64);
        const got = pe().concat(x, { shape: [batch, length, dimIn], encoding: { dim: w, preset: 'marian' }, offset: 3 });
        const table = pe().sinusoidal({ dim: w, length, preset: 'marian', offset: 3, dtype: f64 ? 'float64' : 'float32' });
        expect(got.length).toBe(batch * length * (dimIn + w));
        for (let b = 0; b < batch; b++)
          for (let r = 0; r < length; r++) {
            const o = (b * length + r) * (dimIn + w);
            expect(firstByteDiff(got.subarray(o, o + dimIn), x.subarray((b * length + r) * dimIn, (b * length + r + 1) * dimIn))).toBe(-1);
            expect(firstByteDiff(got.subarray(o + dimIn, o + dimIn + w), table.subarray(r * w, (r + 1) * w))).toBe(-1);
          }
      }
    }
  });

  it("the founding article's example: 'seed' appended to 5 scalar features (d_model = 4)", () => {
    const x = Float64Array.of(1, 2, 3, 4, 5);
    const got = pe().concat(x, { shape: [5, 1], encoding: { preset: 'seed', dim: 4 } });
    expect(got.length).toBe(15);
    const want = [[1, 0, 1], [2, 0.4794, 0.8776], [3, 0.8415, 0.5403], [4, 0.9975, 0.0707], [5, 0.9093, -0.4161]];
    want.flat().forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(5e-5));
  });

  it('a table with per-batch positions; module tensors in and out', () => {
    const [batch, length, dimIn, w, rows] = [2, 4, 3, 5, 9];
    const table = randomArray(rows * w, 5);
    const x = randomArray(batch * length * dimIn, 6);
    const positions = [8, 0, 1, 2, 3, 3, 3, 7];
    const got = pe().concat(x, { shape: [batch, length, dimIn], encoding: { table, dim: w }, positions });
    for (let i = 0; i < batch * length; i++) {
      expect(Array.from(got.subarray(i * 8 + 3, i * 8 + 8))).toEqual(Array.from(table.subarray(positions[i] * w, positions[i] * w + w)));
    }
    const tx = pe().alloc(x.length);
    tx.array.set(x);
    const to = pe().alloc(got.length);
    pe().concat(tx, { shape: [batch, length, dimIn], encoding: { table, dim: w }, positions, out: to });
    expect(firstByteDiff(to.array, got)).toBe(-1);
    tx.free();
    to.free();
  });
});

describe('large inputs stream through the scratch window with the same bits', () => {
  it('add and concat over several MB: wasm-simd = wasm = module-tensor path', () => {
    const simd = initSync({ backend: 'wasm-simd' });
    const scalar = initSync({ backend: 'wasm' });
    const shape = [3, 700, 520];
    const x = randomArray(3 * 700 * 520, 12);
    const a = simd.add(x, { shape, scale: 3 });
    expect(firstByteDiff(a, scalar.add(x, { shape, scale: 3 }))).toBe(-1);
    const t = simd.alloc(x.length);
    t.array.set(x);
    simd.add(t, { shape, scale: 3, out: t });
    expect(firstByteDiff(t.array, a)).toBe(-1);
    t.free();
    const c = simd.concat(x, { shape, encoding: { dim: 130 } });
    expect(firstByteDiff(c, scalar.concat(x, { shape, encoding: { dim: 130 } }))).toBe(-1);
  });
});
