import { describe, expect, it } from 'vitest';
import { initSync, type FloatArray, type SinusoidalOptions } from '../../src/index.js';
import { describeBackends, firstByteDiff, rng } from '../support/backends.js';
import { worstRatio, type RefOptions } from '../support/reference.js';

const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);

// Test values of docs/conventions.md (float64, printed to 10 decimals): [row, col, value].
const DOC_VALUES: { name: string; opts: Record<string, unknown>; dim: number; rows: number; values: [number, number, number][] }[] = [
  { name: '§1 vaswani d=8', opts: {}, dim: 8, rows: 8, values: [[1, 0, 0.8414709848], [1, 1, 0.5403023059], [1, 2, 0.0998334166], [1, 3, 0.9950041653], [7, 6, 0.0069999428], [7, 7, 0.9999755001]] },
  { name: '§1/§4a vaswani d=7 (odd: extra sin column)', opts: {}, dim: 7, rows: 8, values: [[1, 6, 0.0003727594], [7, 5, 0.9993428115]] },
  { name: '§2 tensor2tensor d=8', opts: { preset: 'tensor2tensor' }, dim: 8, rows: 8, values: [[1, 0, 0.8414709848], [1, 1, 0.0463992235], [1, 4, 0.5403023059], [7, 3, 0.0006999999], [7, 7, 0.9999997550]] },
  { name: '§2 tensor2tensor d=7 (zero pad)', opts: { preset: 'tensor2tensor' }, dim: 7, rows: 2, values: [[1, 2, 0.0001000000], [1, 6, 0]] },
  { name: '§2 tensor2tensor start_index=5', opts: { preset: 'tensor2tensor', offset: 5 }, dim: 8, rows: 1, values: [[0, 0, -0.9589242747]] },
  { name: '§2 tensor2tensor min_ts=2', opts: { preset: 'tensor2tensor', minTimescale: 2 }, dim: 8, rows: 2, values: [[1, 0, 0.9092974268]] },
  { name: '§4b marian d=8', opts: { preset: 'marian' }, dim: 8, rows: 8, values: [[1, 0, 0.8414709848], [1, 1, 0.0998334166], [1, 4, 0.5403023059], [7, 3, 0.0069999428], [7, 7, 0.9999755001]] },
  { name: '§4b marian d=7', opts: { preset: 'marian' }, dim: 7, rows: 2, values: [[1, 3, 0.0003727594], [1, 4, 0.5403023059], [1, 6, 0.9999865866]] },
  { name: '§4c whisper C=8', opts: { preset: 'whisper' }, dim: 8, rows: 8, values: [[1, 0, 0.8414709848], [1, 4, 0.5403023059], [7, 3, 0.0006999999], [7, 7, 0.9999997550]] },
];

// §3 fairseq (pad = 1): the table rows themselves, by explicit positions = row numbers.
const FAIRSEQ_ROWS: [number, number, number][] = [[2, 0, 0.9092974268], [2, 1, 0.0926985008], [2, 4, -0.4161468365], [8, 3, 0.0007999999], [8, 7, 0.9999996800]];

describeBackends('sinusoidal: test values of docs/conventions.md', (pe) => {
  for (const c of DOC_VALUES) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.name} (${dtype})`, () => {
        const t = pe().sinusoidal({ ...c.opts, length: c.rows, dim: c.dim, dtype });
        expect(t).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
        expect(t.length).toBe(c.rows * c.dim);
        for (const [r, j, v] of c.values) {
          const tol = dtype === 'float64' ? 5.1e-11 : 5.1e-11 + 2 ** -24 * Math.max(Math.abs(v), 2 ** -126);
          expect(Math.abs(t[r * c.dim + j] - v), `PE[${r}][${j}]`).toBeLessThanOrEqual(tol);
        }
      });
    }
  }

  it('§3 fairseq: pad row zero, table rows 2 and 8', () => {
    const t = pe().sinusoidal({ preset: 'fairseq', dim: 8, positions: range(0, 9), dtype: 'float64' });
    expect(Array.from(t.subarray(8, 16))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    for (const [r, j, v] of FAIRSEQ_ROWS) expect(Math.abs(t[r * 8 + j] - v)).toBeLessThanOrEqual(5.1e-11);
  });

  it('§3 fairseq: sequence position k uses row paddingIdx + 1 + k', () => {
    const seq = pe().sinusoidal({ preset: 'fairseq', dim: 8, length: 3 });
    const rows = pe().sinusoidal({ preset: 'fairseq', dim: 8, positions: [2, 3, 4] });
    expect(seq).toEqual(rows);
    const pad3 = pe().sinusoidal({ preset: 'fairseq', dim: 8, length: 1, paddingIdx: 3, dtype: 'float64' });
    expect(Math.abs(pad3[0] - Math.sin(4))).toBeLessThan(1e-15);
  });

  it('§11 seed: [sin(p/√d), cos(p/√d)], two columns; the article\'s printed numbers are not used', () => {
    const t = pe().sinusoidal({ preset: 'seed', dim: 4, length: 5, dtype: 'float64' });
    expect(t.length).toBe(10);
    const want = [0, 1, 0.4794, 0.8776, 0.8415, 0.5403, 0.9975, 0.0707, 0.9093, -0.4161];
    want.forEach((v, i) => expect(Math.abs(t[i] - v)).toBeLessThan(5e-5));
    expect(t[2]).not.toBeCloseTo(Math.SQRT1_2, 3); // the article's (√2/2, √2/2) is sin(π/4), not sin(0.5)
    const w = pe().sinusoidal({ preset: 'seed', dim: 4, length: 2, omega: 1, dtype: 'float64' });
    expect(Math.abs(w[2] - Math.sin(1))).toBeLessThan(1e-15);
  });
});

const CASES: { opts: RefOptions & Record<string, unknown>; dims: number[] }[] = [
  { opts: { preset: 'vaswani' }, dims: [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 63, 64, 65, 130] },
  { opts: { preset: 'marian' }, dims: [1, 2, 3, 5, 7, 8, 9, 31, 64, 66] },
  { opts: { preset: 'tensor2tensor' }, dims: [1, 2, 3, 5, 8, 13, 64, 67] },
  { opts: { preset: 'whisper' }, dims: [4, 6, 8, 80, 384] },
  { opts: { preset: 'fairseq' }, dims: [4, 5, 8, 9, 64, 65] },
  { opts: { preset: 'fairseq', paddingIdx: 0 }, dims: [4, 16] },
  { opts: { preset: 'seed' }, dims: [1, 4, 512] },
  { opts: { preset: 'seed', omega: 0.25 }, dims: [3] },
  { opts: { preset: 'vaswani', base: 500000 }, dims: [8, 128] },
  { opts: { preset: 'tensor2tensor', minTimescale: 2, maxTimescale: 1e5 }, dims: [8, 10] },
];

function refOpts(o: Record<string, unknown>): RefOptions {
  return o as RefOptions;
}

describeBackends('sinusoidal: float64 reference, every element within the bound', (pe) => {
  for (const c of CASES) {
    for (const dim of c.dims) {
      for (const dtype of ['float32', 'float64'] as const) {
        it(`${JSON.stringify(c.opts)} dim ${dim} ${dtype}`, () => {
          const f64 = dtype === 'float64';
          for (const [length, offset] of [[0, 0], [1, 0], [3, 0], [4, 7], [5, 255], [7, 1000], [8, 0], [4 * 67 + 3, 13]]) {
            const t = pe().sinusoidal({ ...c.opts, length, dim, offset, dtype });
            expect(t.length).toBe(length * (c.opts.preset === 'seed' ? 2 : dim));
            const start = (c.opts.preset === 'fairseq' ? ((c.opts.paddingIdx as number | undefined) ?? 1) + 1 : 0) + offset;
            expect(worstRatio(t, dim, range(start, length), refOpts(c.opts), f64)).toBeLessThanOrEqual(1);
          }
        });
      }
    }
  }

  it('positions up to and beyond 10^6, integer and real-valued', () => {
    const r = rng(7);
    const positions = [0, 1, 255, 256, 257, 4095, 999_999, 1_000_000, 1_000_001, 12_345_678, 2 ** 31, 2 ** 40 + 3, 1e15];
    for (let i = 0; i < 64; i++) positions.push(Math.floor(r() * 2e6), r() * 1e6, -r() * 1e4);
    for (const preset of ['vaswani', 'marian', 'tensor2tensor'] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        const t = pe().sinusoidal({ preset, dim: 64, positions, dtype });
        expect(worstRatio(t, 64, positions, { preset }, dtype === 'float64')).toBeLessThanOrEqual(1);
      }
    }
  });

  it('large offsets: rows 10^6 .. 10^6 + 300 (every seed/tile boundary crossed)', () => {
    const t = pe().sinusoidal({ dim: 32, length: 301, offset: 999_900 });
    expect(worstRatio(t, 32, range(999_900, 301), {}, false)).toBeLessThanOrEqual(1);
  });

  it('real-valued offset', () => {
    const t = pe().sinusoidal({ dim: 16, length: 40, offset: 0.37, dtype: 'float64' });
    expect(worstRatio(t, 16, range(0, 40).map((k) => 0.37 + k), {}, true)).toBeLessThanOrEqual(1);
  });

  it('random shapes and knobs', () => {
    const r = rng(11);
    for (let i = 0; i < 40; i++) {
      const dim = 1 + Math.floor(r() * 70);
      const length = Math.floor(r() * 40);
      const offset = Math.floor(r() * 3000);
      const preset = (['vaswani', 'marian', 'tensor2tensor'] as const)[i % 3];
      const base = [10000, 100, 500000][i % 3];
      const t = pe().sinusoidal({ preset, dim, length, offset, ...(preset === 'tensor2tensor' ? {} : { base }) });
      expect(worstRatio(t, dim, range(offset, length), { preset, ...(preset === 'tensor2tensor' ? {} : { base }) }, false)).toBeLessThanOrEqual(1);
    }
  });
});

describeBackends('sinusoidal: knobs and invariants', (pe) => {
  it('explicit knobs override the preset', () => {
    const a = pe().sinusoidal({ preset: 'vaswani', layout: 'halves', dim: 8, length: 5 });
    const b = pe().sinusoidal({ preset: 'marian', dim: 8, length: 5 });
    expect(a).toEqual(b);
    const c = pe().sinusoidal({ preset: 'tensor2tensor', odd: 'sin', dim: 7, length: 3, dtype: 'float64' });
    // one extra sin column continuing the geometric sequence, no zero column
    expect(c[7 + 3]).not.toBe(0);
    const d = pe().sinusoidal({ preset: 'vaswani', odd: 'zero', dim: 7, length: 3 });
    expect(d[7 + 6]).toBe(0);
  });

  it('a position has the same bits whatever the length, offset or chunking', () => {
    const big = pe().sinusoidal({ dim: 96, length: 5000 });
    const part = pe().sinusoidal({ dim: 96, length: 700, offset: 3333 });
    expect(firstByteDiff(part, big.subarray(3333 * 96, 4033 * 96))).toBe(-1);
    const pos = pe().sinusoidal({ dim: 96, positions: [4999, 0, 3333, 256] });
    expect(pos.subarray(0, 96)).toEqual(big.subarray(4999 * 96, 5000 * 96));
    expect(pos.subarray(192, 288)).toEqual(big.subarray(3333 * 96, 3334 * 96));
  });

  it('writes into out and returns it; out may be a subarray at any byteOffset', () => {
    const buf = new ArrayBuffer(4 * (8 * 16 + 3));
    const out = new Float32Array(buf, 12, 8 * 16);
    const got = pe().sinusoidal({ dim: 16, length: 8, out });
    expect(got).toBe(out);
    expect(out).toEqual(pe().sinusoidal({ dim: 16, length: 8 }));
    expect(new Float32Array(buf, 0, 3)).toEqual(new Float32Array(3));
  });

  it('module tensors as out', () => {
    const t = pe().alloc(64 * 10);
    expect(pe().sinusoidal({ dim: 64, length: 10, out: t })).toBe(t);
    expect(t.array).toEqual(pe().sinusoidal({ dim: 64, length: 10 }));
    t.free();
  });
});

describe('wasm-simd and scalar wasm give identical bits', () => {
  const simd = initSync({ backend: 'wasm-simd' });
  const scalar = initSync({ backend: 'wasm' });
  const r = rng(3);
  const cases: Record<string, unknown>[] = [];
  for (const preset of ['vaswani', 'marian', 'tensor2tensor', 'whisper', 'fairseq', 'seed']) {
    for (const dim of [4, 7, 8, 64, 65, 768]) {
      if (preset === 'whisper' && dim % 2) continue;
      cases.push({ preset, dim, length: 300, offset: Math.floor(r() * 1e5) });
      cases.push({ preset, dim, positions: Array.from({ length: 50 }, () => r() * 1e6), dtype: 'float64' });
    }
  }
  it.each(cases.map((c) => [JSON.stringify(c).slice(0, 90), c]))('%s', (_, c) => {
    const a = simd.sinusoidal(c as unknown as SinusoidalOptions) as FloatArray;
    const b = scalar.sinusoidal(c as unknown as SinusoidalOptions) as FloatArray;
    expect(a.length).toBeGreaterThan(0);
    expect(firstByteDiff(a, b)).toBe(-1);
  });
});
