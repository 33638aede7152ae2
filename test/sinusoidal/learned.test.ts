// Learned absolute tables (conventions §4d, §8e): BERT/GPT-2 (offset 0), BART/OPT (offset 2),
// RoBERTa rows from tokens, GPT-2/OPT positions from the attention mask, explicit per-batch rows,
// and the out-of-range policy ('error' by default, tensor2tensor's 'zero' on request).
import { describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import type { AddOptions, FloatArray } from '../../src/api/types.js';
import { describeBackends, firstByteDiff, rng } from '../support/backends.js';

function randomTable(rows: number, dim: number, f64: boolean, seed: number): FloatArray {
  const r = rng(seed);
  const t = f64 ? new Float64Array(rows * dim) : new Float32Array(rows * dim);
  for (let i = 0; i < t.length; i++) t[i] = (r() - 0.5) * 0.04;
  return t;
}

/** out = fl(fl(scale·x) + table[row]) in x's dtype, a row outside the table meaning a zero row. */
function expected(x: FloatArray, table: FloatArray, rows: ArrayLike<number>, B: number, L: number, D: number, scale = 1): FloatArray {
  const f32 = x instanceof Float32Array;
  const out = f32 ? new Float32Array(x.length) : new Float64Array(x.length);
  const s = f32 ? Math.fround(scale) : scale;
  for (let b = 0; b < B; b++) {
    for (let l = 0; l < L; l++) {
      const row = rows.length === L ? rows[l] : rows[b * L + l];
      for (let j = 0; j < D; j++) {
        const xs = f32 ? Math.fround(x[(b * L + l) * D + j] * s) : x[(b * L + l) * D + j] * s;
        out[(b * L + l) * D + j] = xs + (row < 0 || row * D >= table.length ? 0 : table[row * D + j]);
      }
    }
  }
  return out;
}

const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);

describeBackends('learned tables', (get) => {
  const D = 16;

  it('BERT / GPT-2: offset 0 (and past_length), table given bare or as { table, dim }', () => {
    const pe = get();
    const table = randomTable(512, D, false, 1);
    const x = randomTable(2 * 7, D, false, 2);
    const a = pe.add(x, { shape: [2, 7, D], encoding: table });
    expect(firstByteDiff(a, expected(x, table, range(0, 7), 2, 7, D))).toBe(-1);
    const past = pe.add(x, { shape: [2, 7, D], encoding: { table, dim: D }, offset: 505 });
    expect(firstByteDiff(past, expected(x, table, range(505, 7), 2, 7, D))).toBe(-1);
  });

  it('BART / mBART / OPT: rows start at 2 (offset 2 + past_length); scale √d (scale_embedding)', () => {
    const pe = get();
    const maxPos = 20;
    const table = randomTable(maxPos + 2, D, true, 3);
    const x = randomTable(3 * 5, D, true, 4);
    const s = Math.sqrt(D);
    const a = pe.add(x, { shape: [3, 5, D], encoding: { table, dim: D }, offset: 2, scale: s });
    expect(firstByteDiff(a, expected(x, table, range(2, 5), 3, 5, D, s))).toBe(-1);
    const b = pe.add(x, { shape: [3, 5, D], encoding: table, offset: 2 + 15 });
    expect(firstByteDiff(b, expected(x, table, range(17, 5), 3, 5, D))).toBe(-1);
    expect(() => pe.add(x, { shape: [3, 5, D], encoding: table, offset: 2 + 16 })).toThrow(/positions 18\.\.22 \(options\.offset = 18, length 5\) exceed the table's 22 rows/);
  });

  it('RoBERTa / XLM-R: 514-row table indexed by positionsFromTokens (pad = 1: rows from 2, pad row 1)', () => {
    const pe = get();
    const table = randomTable(514, D, false, 5);
    const tokens = [1, 1, 0, 31414, 232, 2, 0, 31414, 232, 328, 2, 1];
    const rows = pe.positionsFromTokens(tokens, { shape: [2, 6], paddingIdx: 1 });
    expect(Array.from(rows)).toEqual([1, 1, 2, 3, 4, 5, 2, 3, 4, 5, 6, 1]);
    const x = randomTable(12, D, false, 6);
    const a = pe.add(x, { shape: [2, 6, D], encoding: table, positions: rows });
    expect(firstByteDiff(a, expected(x, table, rows, 2, 6, D))).toBe(-1);
    const c = pe.concat(x, { shape: [2, 6, D], encoding: { table, dim: D }, positions: rows });
    for (let i = 0; i < 12; i++) {
      expect(firstByteDiff(c.subarray(i * 2 * D, i * 2 * D + D), x.subarray(i * D, i * D + D))).toBe(-1);
      expect(firstByteDiff(c.subarray(i * 2 * D + D, (i + 1) * 2 * D), table.subarray(rows[i] * D, rows[i] * D + D))).toBe(-1);
    }
  });

  it('GPT-2 left padding (positions from the mask) and OPT (mask, −1 pad, +2) index the table per batch', () => {
    const pe = get();
    const mask = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    const x = randomTable(10, D, false, 7);
    const gpt2 = randomTable(1024, D, false, 8);
    const p2 = pe.positionsFromMask(mask, { shape: [2, 5] });
    expect(firstByteDiff(pe.add(x, { shape: [2, 5, D], encoding: gpt2, positions: p2 }), expected(x, gpt2, p2, 2, 5, D))).toBe(-1);
    const opt = randomTable(2048 + 2, D, false, 9);
    const po = pe.positionsFromMask(mask, { shape: [2, 5], padPosition: -1, offset: 2 });
    expect(Array.from(po)).toEqual([1, 1, 2, 3, 4, 2, 3, 4, 5, 6]);
    expect(firstByteDiff(pe.add(x, { shape: [2, 5, D], encoding: opt, positions: po }), expected(x, opt, po, 2, 5, D))).toBe(-1);
  });

  it("a position outside the table is a RangeError naming it (default 'error')", () => {
    const pe = get();
    const table = randomTable(8, D, false, 10);
    const x = randomTable(6, D, false, 11);
    const out = new Float32Array(x.length).fill(3);
    expect(() => pe.add(x, { shape: [2, 3, D], encoding: table, positions: [0, 5, 8, 1, 2, 3], out })).toThrow(/options\.positions\[2\] must be a row of the table, in \[0, 7\], got 8/);
    expect(() => pe.add(x, { shape: [2, 3, D], encoding: { table, outOfRange: 'error' }, positions: [0, -1, 2], out })).toThrow(RangeError);
    expect(() => pe.add(x, { shape: [2, 3, D], encoding: table, offset: 6, out })).toThrow(/exceed the table's 8 rows/);
    expect(() => pe.add(x, { shape: [2, 3, D], encoding: { table, outOfRange: 'clip' } as never })).toThrow(/options\.encoding\.outOfRange must be one of 'error', 'zero', got "clip"/);
    expect(out.every((v) => v === 3)).toBe(true);
  });

  it("outOfRange 'zero' (tensor2tensor): rows past the end and negative rows are zero rows", () => {
    const pe = get();
    for (const f64 of [false, true]) {
      const table = randomTable(8, D, f64, 12);
      const x = randomTable(2 * 4, D, f64, 13);
      const enc = { table, dim: D, outOfRange: 'zero' as const };
      const rows = [6, 7, 8, 100, -1, 0, 9, 7];
      const a = pe.add(x, { shape: [2, 4, D], encoding: enc, positions: rows, scale: 2 });
      expect(firstByteDiff(a, expected(x, table, rows, 2, 4, D, 2))).toBe(-1);
      const shared = pe.add(x, { shape: [2, 4, D], encoding: enc, positions: [7, 8, -3, 1] });
      expect(firstByteDiff(shared, expected(x, table, [7, -1, -1, 1], 2, 4, D))).toBe(-1);
      const off = pe.add(x, { shape: [2, 4, D], encoding: enc, offset: 6 });
      expect(firstByteDiff(off, expected(x, table, [6, 7, -1, -1], 2, 4, D))).toBe(-1);
      const c = pe.concat(x, { shape: [2, 4, D], encoding: enc, offset: 6 });
      expect(c.subarray(2 * 2 * D + D, 3 * 2 * D).every((v) => v === 0)).toBe(true);
      expect(firstByteDiff(c.subarray(D, 2 * D), table.subarray(6 * D, 7 * D))).toBe(-1);
      // A table living in module memory takes the kernel's own zero-row path.
      const t = pe.alloc(table.length, f64 ? 'float64' : 'float32');
      t.array.set(table);
      const r = pe.add(x, { shape: [2, 4, D], encoding: { table: t, dim: D, outOfRange: 'zero' }, positions: rows, scale: 2 });
      expect(firstByteDiff(r, a)).toBe(-1);
      const rc = pe.concat(x, { shape: [2, 4, D], encoding: { table: t, dim: D, outOfRange: 'zero' }, positions: rows });
      expect(firstByteDiff(rc, pe.concat(x, { shape: [2, 4, D], encoding: enc, positions: rows }))).toBe(-1);
      t.free();
    }
    // A zero row adds +0, as a framework does: −0 + 0 = +0.
    const z = pe.add(Float32Array.of(-0, -0), { shape: [1, 1, 2], encoding: { table: new Float32Array(2), outOfRange: 'zero' }, positions: [5] });
    expect(Object.is(z[0], 0)).toBe(true);
    const t0 = pe.alloc(2);
    const z2 = pe.add(Float32Array.of(-0, -0), { shape: [1, 1, 2], encoding: { table: t0, outOfRange: 'zero' }, positions: [5] });
    expect(Object.is(z2[1], 0)).toBe(true);
    t0.free();
  });
});

describe('learned tables across backends', () => {
  it('every backend gives the same bits (pure element-wise arithmetic)', async () => {
    const pes = await Promise.all((['wasm-simd', 'wasm', 'js'] as const).map((backend) => init({ backend })));
    const table = randomTable(40, 12, false, 20);
    const x = randomTable(3 * 9, 12, false, 21);
    const o: AddOptions = { shape: [3, 9, 12], encoding: { table, outOfRange: 'zero' }, positions: range(-3, 27).map((v) => v * 2), scale: 1.5 };
    const [a, b, c] = pes.map((pe) => pe.add(x, o));
    expect(firstByteDiff(a, b)).toBe(-1);
    expect(firstByteDiff(a, c)).toBe(-1);
  });
});

describeBackends('learned tables: edges found in review', (pe) => {
  it("outOfRange 'zero' also zeroes rows before the table (negative offset)", () => {
    const table = Float32Array.from({ length: 5 * 8 }, (_, i) => i + 1);
    const x = new Float32Array(3 * 8).fill(0.5);
    const got = pe().add(x, { shape: [1, 3, 8], encoding: { table, outOfRange: 'zero' }, offset: -2 });
    const want = new Float32Array(24).fill(0.5);
    for (let j = 0; j < 8; j++) want[16 + j] = 0.5 + table[j];
    expect(Array.from(got)).toEqual(Array.from(want));
    const viaPositions = pe().add(x, { shape: [1, 3, 8], encoding: { table, outOfRange: 'zero' }, positions: [-2, -1, 0] });
    expect(Array.from(viaPositions)).toEqual(Array.from(want));
    // without the policy a negative offset is still a RangeError naming it
    expect(() => pe().add(x, { shape: [1, 3, 8], encoding: table, offset: -2 })).toThrow(/options\.offset/);
  });

  it('dim 0 with a table is a legal empty call', () => {
    expect(pe().add(new Float32Array(0), { shape: [2, 3, 0], encoding: new Float32Array(0) }).length).toBe(0);
    expect(() => pe().add(new Float32Array(0), { shape: [2, 3, 0], encoding: new Float32Array(4) })).toThrow(RangeError);
  });

  it('module tensors have one size limit on every backend', () => {
    expect(() => pe().alloc(2 ** 28)).toThrow(/more than a module tensor can hold/);
  });
});
