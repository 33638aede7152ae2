// Bring-your-own frequencies (option `frequencies`, pe.frequencies): on every backend,
// - frequencies equal to the derived ones reproduce the derived output bit for bit (and
//   pe.frequencies returns exactly what the kernels compute with);
// - arbitrary frequencies, without float32Angles, stay within the exactness bound of a float64
//   reference built from the same frequencies (written here from the formulas, Math.sin/cos);
// - with float32Angles, the output is sin/cos of fl32(fl32(p)·fl32(ω)) rounded to float32 (a
//   plain-JS model, within 1 float32 ulp: Math.sin and WebAssembly's sin may round apart);
// - add/concat/rope/sincos2d use them on every path; a given array is copied, never kept.
import { describe, expect, it } from 'vitest';
import type { FloatArray, Posenc, Preset, Preset2d, RopeScaling } from '../../src/index.js';
import { describeBackends, firstByteDiff, rng, ulp32 } from '../support/backends.js';

const fr = Math.fround;
const range = (a: number, n: number) => Array.from({ length: n }, (_, i) => a + i);

/** Frequencies of every kind: spread over decades, irregular, negative, zero, large. */
function wildFrequencies(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = i % 7;
    w[i] = k === 0 ? 10 ** (-6 * r()) : k === 1 ? -r() * 0.3 : k === 2 ? 0 : k === 3 ? 1 + 100 * r() : r() * 1e-3 + 1e-9 * r();
  }
  return w;
}

/** The exactness bound (README Guarantees) at reference value v with angle a. */
function bound(v: number, a: number, f64: boolean): number {
  return f64 ? 1e-12 + Math.abs(a) * 2 ** -49 : ulp32(v) + Math.abs(a) * 2 ** -49 + 2 ** -60;
}

/** Where sin_i and cos_i go in a 1-D row (the layouts of docs/conventions.md §0), and the zero columns. */
function row64(dim: number, layout: 'interleaved' | 'halves', w: ArrayLike<number>, p: number): { v: number[]; a: number[] } {
  const n = w.length;
  const h = Math.floor(dim / 2);
  const v = new Array<number>(dim).fill(0);
  const a = new Array<number>(dim).fill(0);
  for (let i = 0; i < n; i++) {
    const t = p * w[i];
    const [s, c] = layout === 'interleaved' ? [2 * i, 2 * i + 1] : [i, n + i];
    v[s] = Math.sin(t);
    a[s] = t;
    if (i < h) {
      v[c] = Math.cos(t);
      a[c] = t;
    }
  }
  return { v, a };
}

function expectWithin(got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol(i))) throw new Error(`${what}[${i}]: ${got[i]} vs ${want[i]} (tolerance ${tol(i)})`);
  }
}

const PRESETS_1D: { preset: Preset; dims: number[]; layout: 'interleaved' | 'halves' }[] = [
  { preset: 'vaswani', dims: [1, 7, 8, 64, 65], layout: 'interleaved' },
  { preset: 'marian', dims: [3, 8, 31], layout: 'halves' },
  { preset: 'tensor2tensor', dims: [5, 8, 13], layout: 'halves' },
  { preset: 'whisper', dims: [4, 8, 384], layout: 'halves' },
  { preset: 'fairseq', dims: [5, 8, 511, 512], layout: 'halves' },
  { preset: 'seed', dims: [4, 512], layout: 'interleaved' },
];
const POSITIONS = [0, 1, 2, 3, 255, 4095, 4096, 1e5 + 0.25, -17, 1_000_003, 2 ** 31];

describeBackends('frequencies: the derived frequencies given back reproduce the derived output', (pe) => {
  for (const { preset, dims } of PRESETS_1D) {
    for (const dim of dims) {
      for (const float32Angles of [false, true]) {
        it(`sinusoidal/add/concat ${preset} dim ${dim}${float32Angles ? ' float32Angles' : ''}`, () => {
          const o = { preset, dim, float32Angles };
          const w = pe().frequencies(o);
          expect(w).toBeInstanceOf(float32Angles ? Float32Array : Float64Array);
          expect(w.length).toBe(preset === 'seed' ? 1 : preset === 'vaswani' || preset === 'marian' ? Math.ceil(dim / 2) : Math.floor(dim / 2));
          for (const dtype of ['float32', 'float64'] as const) {
            const derived = pe().sinusoidal({ ...o, positions: POSITIONS, dtype });
            const given = pe().sinusoidal({ ...o, positions: POSITIONS, dtype, frequencies: w });
            expect(firstByteDiff(given, derived), dtype).toBe(-1);
            // A number array and a Float64Array of the same values are the same frequencies.
            expect(firstByteDiff(pe().sinusoidal({ ...o, positions: POSITIONS, dtype, frequencies: Array.from(w) }), derived)).toBe(-1);
          }
          if (preset === 'seed') {
            const x = Float32Array.from({ length: 2 * 5 * 3 }, (_, i) => i / 7);
            const a = pe().concat(x, { shape: [2, 5, 3], encoding: o, offset: 9 });
            const b = pe().concat(x, { shape: [2, 5, 3], encoding: { ...o, frequencies: w }, offset: 9 });
            expect(firstByteDiff(a, b)).toBe(-1);
            return;
          }
          const x = Float32Array.from({ length: 2 * 6 * dim }, (_, i) => Math.sin(i) * 3);
          const positions = [3, 4, 1, 1, 9, 1e4, 2, 1, 3, 4, 5, 6];
          const a = pe().add(x, { shape: [2, 6, dim], encoding: o, positions, scale: 1.5 });
          const b = pe().add(x, { shape: [2, 6, dim], encoding: { ...o, frequencies: w }, positions, scale: 1.5 });
          expect(firstByteDiff(a, b)).toBe(-1);
          const c = pe().concat(x, { shape: [2, 6, dim], encoding: o, offset: 77 });
          const d = pe().concat(x, { shape: [2, 6, dim], encoding: { ...o, frequencies: w }, offset: 77 });
          expect(firstByteDiff(c, d)).toBe(-1);
        });
      }
    }
  }

  for (const preset of ['mae', 'mocov3', 'bigvision', 'timm', 'tensor2tensor'] as Preset2d[]) {
    for (const float32Angles of [false, true]) {
      it(`sincos2d ${preset}${float32Angles ? ' float32Angles' : ''}`, () => {
        const dim = preset === 'tensor2tensor' ? 42 : 64;
        const o = { height: 5, width: 7, dim, preset, float32Angles };
        const w = pe().frequencies(o);
        expect(w.length).toBe(Math.floor(dim / 4));
        // 2-D options without the grid size give the same frequencies.
        expect(firstByteDiff(pe().frequencies({ dim, preset, float32Angles, temperature: 10000 }), w)).toBe(-1);
        expect(firstByteDiff(pe().sincos2d({ ...o, frequencies: w }), pe().sincos2d(o))).toBe(-1);
      });
    }
  }

  const SCALINGS: (RopeScaling | undefined)[] = [
    undefined,
    { type: 'linear', factor: 4 },
    { type: 'dynamic', factor: 2, maxPositionEmbeddings: 2048 },
    { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 4096 },
    { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 },
  ];
  for (const scaling of SCALINGS) {
    for (const float32Angles of [false, true]) {
      it(`rope ${scaling?.type ?? 'default'}${float32Angles ? ' float32Angles' : ''}: ropeFrequencies(…).invFreq and attentionFactor`, () => {
        const D = 64;
        const positions = [4032, 4033, 4095, 0, 1, 77];
        const { invFreq, attentionFactor } = pe().ropeFrequencies({ dim: D, scaling, float32Angles, seqLen: 4096 });
        for (const x of [Float32Array.from({ length: 2 * 3 * 6 * D }, (_, i) => Math.cos(i * 0.37)), Float64Array.from({ length: 2 * 3 * 6 * D }, (_, i) => Math.cos(i * 0.37))]) {
          for (const layout of ['halves', 'interleaved'] as const) {
            const a = pe().rope(x, { shape: [2, 3, 6, D], positions, layout, scaling, float32Angles, seqLen: 4096 });
            const b = pe().rope(x, { shape: [2, 3, 6, D], positions, layout, float32Angles, frequencies: invFreq, attentionFactor });
            expect(firstByteDiff(a, b)).toBe(-1);
          }
        }
      });
    }
  }
});

describeBackends('frequencies: any frequencies, within the exactness bound of a float64 reference', (pe) => {
  for (const { preset, dims, layout } of PRESETS_1D) {
    for (const dim of dims) {
      it(`sinusoidal ${preset} dim ${dim}`, () => {
        const n = pe().frequencies({ preset, dim }).length;
        const w = wildFrequencies(n, dim);
        for (const dtype of ['float32', 'float64'] as const) {
          const f64 = dtype === 'float64';
          const positions = [...POSITIONS, ...range(4090, 12)];
          const t = pe().sinusoidal({ preset, dim, positions, dtype, frequencies: w });
          const width = preset === 'seed' ? 2 : dim;
          positions.forEach((p, r) => {
            const got = t.subarray(r * width, (r + 1) * width);
            if (preset === 'fairseq' && p === 1) return expect(got.every((v) => v === 0)).toBe(true);
            const { v, a } = row64(width, layout, w, p);
            expectWithin(got, v, (i) => bound(v[i], a[i], f64), `${dtype} row ${p}`);
          });
        }
      });
    }
  }

  it('knobs that stay with frequencies: layout, odd, paddingIdx, offset', () => {
    // odd 'sin' on dim 11: 6 sin columns, so 6 frequencies.
    expect(() => pe().sinusoidal({ preset: 'fairseq', dim: 11, odd: 'sin', length: 1, frequencies: wildFrequencies(5, 3) })).toThrow(/options\.frequencies\.length must be 6/);
    const w = wildFrequencies(6, 3);
    const t = pe().sinusoidal({ preset: 'fairseq', dim: 11, odd: 'sin', layout: 'interleaved', paddingIdx: 4, length: 6, offset: 2, frequencies: w, dtype: 'float64' });
    // sequence position k is formula position paddingIdx + 1 + offset + k.
    for (let r = 0; r < 6; r++) {
      const { v, a } = row64(11, 'interleaved', w, 7 + r);
      expectWithin(t.subarray(r * 11, r * 11 + 11), v, (i) => bound(v[i], a[i], true), `row ${r}`);
    }
    const pad = pe().sinusoidal({ preset: 'fairseq', dim: 11, paddingIdx: 4, positions: [4], frequencies: wildFrequencies(5, 3) });
    expect(pad.every((v) => v === 0)).toBe(true);
  });

  it('sincos2d: per-axis frequencies, every preset layout', () => {
    const K = 12;
    const w = wildFrequencies(K, 5);
    const H = 6;
    const W = 9;
    // column offsets (sin, cos) in units of K of the row axis r and the column axis c
    const places: Record<Preset2d, { r: [number, number]; c: [number, number] }> = {
      mae: { c: [0, 1], r: [2, 3] }, mocov3: { r: [0, 1], c: [2, 3] }, bigvision: { c: [0, 1], r: [2, 3] },
      timm: { r: [0, 2], c: [1, 3] }, tensor2tensor: { r: [0, 1], c: [2, 3] },
    };
    for (const preset of Object.keys(places) as Preset2d[]) {
      const dim = preset === 'tensor2tensor' ? 4 * K + 3 : 4 * K;
      for (const dtype of ['float32', 'float64'] as const) {
        const t = pe().sincos2d({ height: H, width: W, dim, preset, frequencies: w, clsToken: true, dtype });
        expect(Array.from(t.subarray(0, dim)).every((v) => v === 0)).toBe(true);
        for (let r = 0; r < H; r++) {
          for (let c = 0; c < W; c++) {
            const v = new Array<number>(dim).fill(0);
            const a = new Array<number>(dim).fill(0);
            for (let k = 0; k < K; k++) {
              for (const [p, [s, co]] of [[r, places[preset].r], [c, places[preset].c]] as const) {
                v[s * K + k] = Math.sin(p * w[k]);
                v[co * K + k] = Math.cos(p * w[k]);
                a[s * K + k] = a[co * K + k] = p * w[k];
              }
            }
            const o = (1 + r * W + c) * dim;
            expectWithin(t.subarray(o, o + dim), v, (i) => bound(v[i], a[i], dtype === 'float64'), `${preset} ${dtype} (${r}, ${c})`);
          }
        }
      }
    }
  });

  it('rope: any inv_freq and attention factor, within the rotation bound', () => {
    const D = 24;
    const w = wildFrequencies(D / 2, 9);
    const positions = [0, 5, 4095, 123456.5];
    const x = Float64Array.from({ length: 2 * positions.length * D }, (_, i) => Math.sin(i * 1.7) * 2);
    for (const dtype of ['float32', 'float64'] as const) {
      const xs = dtype === 'float64' ? x : Float32Array.from(x);
      for (const layout of ['halves', 'interleaved'] as const) {
        const got = pe().rope(xs, { shape: [1, 2, positions.length, D], positions, layout, frequencies: w, attentionFactor: 1.25 });
        const eps = dtype === 'float64' ? 2 ** -48 : 2 ** -23;
        for (let hd = 0; hd < 2; hd++) {
          positions.forEach((p, l) => {
            const o = (hd * positions.length + l) * D;
            for (let i = 0; i < D / 2; i++) {
              const [ja, jb] = layout === 'halves' ? [o + i, o + i + D / 2] : [o + 2 * i, o + 2 * i + 1];
              const t = p * w[i];
              const xa = xs[ja];
              const xb = xs[jb];
              const ea = 1.25 * (xa * Math.cos(t) - xb * Math.sin(t));
              const eb = 1.25 * (xb * Math.cos(t) + xa * Math.sin(t));
              const tol = (Math.abs(xa) + Math.abs(xb)) * 1.25 * (eps + Math.abs(t) * 2 ** -49) + (dtype === 'float32' ? ulp32(Math.max(Math.abs(ea), Math.abs(eb))) : 0);
              expect(Math.abs(got[ja] - ea), `${dtype} ${layout} p ${p} i ${i} a`).toBeLessThanOrEqual(tol);
              expect(Math.abs(got[jb] - eb), `${dtype} ${layout} p ${p} i ${i} b`).toBeLessThanOrEqual(tol);
            }
          });
        }
      }
    }
  });
});

describeBackends('frequencies with float32Angles: sin/cos of fl32(fl32(p)·fl32(ω)), rounded to float32', (pe) => {
  it('sinusoidal (both layouts, odd dims, pad row) and sincos2d, against a plain-JS model', () => {
    for (const [preset, dim, layout] of [['vaswani', 9, 'interleaved'], ['whisper', 64, 'halves'], ['fairseq', 33, 'halves']] as const) {
      const n = pe().frequencies({ preset, dim }).length;
      // Float64 values: rounded to float32 by the library, as a float32 reference holds them.
      const w = wildFrequencies(n, 21);
      const positions = [...POSITIONS.filter((p) => p !== 1), 1499, 1025];
      const t = pe().sinusoidal({ preset, dim, positions, frequencies: w, float32Angles: true });
      positions.forEach((p, r) => {
        const want = new Array<number>(dim).fill(0);
        for (let i = 0; i < n; i++) {
          const a = fr(fr(p) * fr(w[i]));
          const [s, c] = layout === 'interleaved' ? [2 * i, 2 * i + 1] : [i, n + i];
          want[s] = fr(Math.sin(a));
          if (i < Math.floor(dim / 2)) want[c] = fr(Math.cos(a));
        }
        expectWithin(t.subarray(r * dim, (r + 1) * dim), want, (i) => ulp32(want[i]), `${preset} row ${p}`);
      });
      // The frequencies come back rounded to float32.
      const back = pe().frequencies({ preset, dim, frequencies: w, float32Angles: true });
      expect(Array.from(back)).toEqual(Array.from(w, fr));
    }
    const K = 8;
    const w = wildFrequencies(K, 4);
    const g = pe().sincos2d({ height: 3, width: 4, dim: 4 * K, preset: 'mae', frequencies: w, float32Angles: true });
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 4; c++) {
        const o = (r * 4 + c) * 4 * K;
        for (let k = 0; k < K; k++) {
          const ac = fr(fr(c) * fr(w[k]));
          const ar = fr(fr(r) * fr(w[k]));
          for (const [j, v] of [[k, Math.sin(ac)], [K + k, Math.cos(ac)], [2 * K + k, Math.sin(ar)], [3 * K + k, Math.cos(ar)]]) {
            expect(Math.abs(g[o + j] - fr(v)), `(${r}, ${c}) ${j}`).toBeLessThanOrEqual(ulp32(v));
          }
        }
      }
    }
  });

  it('fused add over padded tokens (fairseq) is fl32(fl32(scale·x) + PE), PE the table rows', () => {
    const dim = 20;
    const w = Float32Array.from(wildFrequencies(10, 8));
    const tokens = [1, 1, 5, 6, 7, 5, 6, 1, 8, 9];
    const positions = pe().positionsFromTokens(tokens, { shape: [2, 5], paddingIdx: 1 });
    const x = Float32Array.from({ length: 2 * 5 * dim }, (_, i) => Math.sin(i * 0.3));
    const enc = { preset: 'fairseq' as const, frequencies: w, float32Angles: true };
    const got = pe().add(x, { shape: [2, 5, dim], encoding: enc, positions, scale: Math.sqrt(dim) });
    const table = pe().sinusoidal({ ...enc, dim, positions: range(0, 12) });
    const s = fr(Math.sqrt(dim));
    for (let k = 0; k < 10; k++) {
      for (let j = 0; j < dim; j++) {
        expect(got[k * dim + j]).toBe(fr(fr(s * x[k * dim + j]) + table[positions[k] * dim + j]));
      }
    }
    // Pad tokens get the zero row: x scaled, nothing added.
    expect(got[0]).toBe(fr(s * x[0]));
  });
});

describeBackends('frequencies: a given array is copied, and each set of values is its own encoding', (pe) => {
  it('changing the caller\'s array between calls changes the output; nothing is cached by identity', () => {
    const w = new Float64Array([1, 0.1, 0.01, 0.001]);
    const t1 = pe().sinusoidal({ dim: 8, length: 5, frequencies: w });
    w[1] = 0.2;
    const t2 = pe().sinusoidal({ dim: 8, length: 5, frequencies: w });
    expect(t2[4 * 8 + 2]).toBeCloseTo(Math.sin(0.8), 6);
    expect(t1[4 * 8 + 2]).toBeCloseTo(Math.sin(0.4), 6);
    // 0 and −0 are different frequencies for sin (sin(p·−0) = −0): distinct bits, distinct keys.
    const z = pe().sinusoidal({ dim: 2, positions: [3], frequencies: [0], dtype: 'float64' });
    const nz = pe().sinusoidal({ dim: 2, positions: [3], frequencies: [-0], dtype: 'float64' });
    expect(Object.is(z[0], 0)).toBe(true);
    expect(Object.is(nz[0], -0)).toBe(true);
    // The same for rope, where contexts are cached too.
    const q = new Float32Array(8).fill(1);
    const r1 = pe().rope(q, { shape: [1, 1, 1, 8], offset: 3, frequencies: [1, 0.5, 0.25, 0.125] });
    const r2 = pe().rope(q, { shape: [1, 1, 1, 8], offset: 3, frequencies: [1, 0.5, 0.25, 0.0625] });
    expect(firstByteDiff(r1.subarray(0, 3), r2.subarray(0, 3))).toBe(-1);
    expect(r1[3]).not.toBe(r2[3]);
  });

  it('pe.frequencies returns a fresh array each time', () => {
    const a = pe().frequencies({ dim: 8 });
    a[0] = 42;
    expect(pe().frequencies({ dim: 8 })[0]).toBe(1);
    expect(pe().sinusoidal({ dim: 8, positions: [1] })[0]).toBe(fr(Math.sin(1)));
  });
});

describeBackends('pe.frequencies: the schedules of docs/conventions.md §1–§6', (pe) => {
  it('1-D test values (conventions §1, §3, §4c) and 2-D (§6)', () => {
    const near = (got: ArrayLike<number>, want: number[], tol: number) => want.forEach((v, i) => expect(Math.abs(got[i] - v), `[${i}]`).toBeLessThanOrEqual(tol * Math.abs(v)));
    near(pe().frequencies({ dim: 8 }), [1, 0.1, 0.01, 0.001], 2 ** -51);
    near(pe().frequencies({ dim: 8, preset: 'fairseq' }), [1, 0.0464158883361278, 0.0021544346900318843, 1e-4], 2 ** -48);
    near(pe().frequencies({ dim: 8, preset: 'whisper' }), [1, 0.0464158883361278, 0.0021544346900318843, 1e-4], 2 ** -48);
    near(pe().frequencies({ dim: 7, preset: 'vaswani' }), [1, 10000 ** (-2 / 7), 10000 ** (-4 / 7), 10000 ** (-6 / 7)], 2 ** -50);
    expect(Array.from(pe().frequencies({ dim: 16, preset: 'seed' }))).toEqual([0.25]);
    near(pe().frequencies({ height: 2, width: 2, dim: 16 }), [1, 0.1, 0.01, 0.001], 2 ** -51);
    near(pe().frequencies({ dim: 16, preset: 'bigvision' }), [1, 10000 ** (-1 / 3), 10000 ** (-2 / 3), 1e-4], 2 ** -50);
    // 'tensor2tensor' alone is the 1-D preset; with a 2-D option it is the 2-D one (K = ⌊dim/4⌋).
    expect(pe().frequencies({ dim: 16, preset: 'tensor2tensor' }).length).toBe(8);
    expect(pe().frequencies({ dim: 18, preset: 'tensor2tensor', height: 1 }).length).toBe(4);
  });

  it('float32Angles: dynamic NTK base′ as torch rounds it (pow of a float32 tensor by a Python float, in double)', () => {
    // torch 1.13: 10000.0 * ((2.0 * tensor(4096) / 2048) - 1.0) ** (128 / 126) = 30527.736328125
    // (float32; the float64 value is 30527.7367488067). Rounding the exponent to float32 first
    // would give the neighbour 30527.740234375.
    const s = { type: 'dynamic', factor: 2, maxPositionEmbeddings: 2048 } as const;
    expect(pe().ropeFrequencies({ dim: 128, scaling: s, seqLen: 4096, float32Angles: true }).base).toBe(30527.736328125);
  });

  it('float32Angles: the float32 chains, as Float32Arrays', () => {
    const w = pe().frequencies({ dim: 8, preset: 'whisper', float32Angles: true });
    expect(w).toBeInstanceOf(Float32Array);
    const c = fr(-(Math.log(10000) / 3));
    // exp in the backend's libm vs Math.exp: the float32 results agree to 1 ulp.
    w.forEach((v, i) => expect(Math.abs(v - fr(Math.exp(fr(i * c))))).toBeLessThanOrEqual(ulp32(v)));
  });
});

describe('frequencies: errors name both options', () => {
  it('schedule knobs beside frequencies', async () => {
    const { init } = await import('../../src/index.js');
    const pe: Posenc = await init({ backend: 'js' });
    const w = [1, 0.1, 0.01, 0.001];
    const x = new Float32Array(8);
    expect(() => pe.sinusoidal({ dim: 8, length: 1, base: 10, frequencies: w })).toThrow(/posenc\.sinusoidal: options\.base cannot be combined with options\.frequencies/);
    expect(() => pe.add(x, { shape: [1, 8], encoding: { preset: 'whisper', maxTimescale: 10, frequencies: w } })).toThrow(/posenc\.add: options\.encoding\.maxTimescale cannot be combined with options\.encoding\.frequencies/);
    expect(() => pe.sincos2d({ height: 1, width: 1, dim: 16, temperature: 100, frequencies: w })).toThrow(/posenc\.sincos2d: options\.temperature cannot be combined with options\.frequencies/);
    expect(() => pe.rope(x, { shape: [1, 1, 1, 8], scaling: { type: 'linear', factor: 2 }, frequencies: w })).toThrow(/posenc\.rope: options\.scaling cannot be combined with options\.frequencies/);
    expect(() => pe.rope(x, { shape: [1, 1, 1, 8], attentionFactor: 2 })).toThrow(/posenc\.rope: options\.attentionFactor applies only with options\.frequencies/);
    const typed: FloatArray = new Float32Array(3);
    expect(() => pe.sinusoidal({ dim: 8, length: 1, frequencies: typed })).toThrow(/options\.frequencies\.length must be 4 \(one per sin column of dim 8\), got 3/);
  });
});
