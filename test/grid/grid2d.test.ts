// 2-D sin-cos tables (conventions §6): the test values of MAE and big_vision, the column/row order
// of every preset, non-square grids against a float64 reference, cls rows, chunked vs resident
// output, SIMD vs scalar bits, and bad input.
import { describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import type { Preset2d, Sincos2dOptions } from '../../src/api/types.js';
import { describeBackends, firstByteDiff, rng, ulp32 } from '../support/backends.js';

const PRESETS: Preset2d[] = ['mae', 'mocov3', 'bigvision', 'timm', 'tensor2tensor'];

/**
 * Float64 reference straight from each source's formula (docs/conventions.md §6), row-major tokens
 * n = r·W + c, with the |angle| of each column for the accuracy bound.
 */
function reference(preset: Preset2d, H: number, W: number, D: number, T = 10000, cls = false): { v: Float64Array; angle: Float64Array } {
  const K = Math.floor(D / 4);
  const den = preset === 'bigvision' ? K - 1 : K;
  // tensor2tensor add_timing_signal_nd: min_timescale · exp(−k · ln(max/min) / (K − 1)), min = 1.
  const w = Array.from({ length: K }, (_, k) => (preset === 'tensor2tensor' ? Math.exp(-k * (Math.log(T) / (K - 1))) : 1 / Math.pow(T, k / den)));
  const rows = (cls ? 1 : 0) + H * W;
  const v = new Float64Array(rows * D);
  const angle = new Float64Array(rows * D);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const o = ((cls ? 1 : 0) + r * W + c) * D;
      const blocks: Record<Preset2d, [number, (k: number) => number][]> = {
        mae: [[c, Math.sin], [c, Math.cos], [r, Math.sin], [r, Math.cos]].map(([p, f]) => [p as number, f as (k: number) => number]),
        bigvision: [[c, Math.sin], [c, Math.cos], [r, Math.sin], [r, Math.cos]].map(([p, f]) => [p as number, f as (k: number) => number]),
        mocov3: [[r, Math.sin], [r, Math.cos], [c, Math.sin], [c, Math.cos]].map(([p, f]) => [p as number, f as (k: number) => number]),
        timm: [[r, Math.sin], [c, Math.sin], [r, Math.cos], [c, Math.cos]].map(([p, f]) => [p as number, f as (k: number) => number]),
        tensor2tensor: [[r, Math.sin], [r, Math.cos], [c, Math.sin], [c, Math.cos]].map(([p, f]) => [p as number, f as (k: number) => number]),
      };
      blocks[preset].forEach(([p, f], blk) => {
        for (let k = 0; k < K; k++) {
          v[o + blk * K + k] = f(p * w[k]);
          angle[o + blk * K + k] = p * w[k];
        }
      });
    }
  }
  return { v, angle };
}

describeBackends('sincos2d', (get, backend) => {
  it('§6a MAE test vector: D = 8, 4×4 grid with cls, token (row 1, col 2) = row 7', () => {
    const t = get().sincos2d({ height: 4, width: 4, dim: 8, clsToken: true, dtype: 'float64' });
    const want = [0.9092974268, 0.0199986667, -0.4161468365, 0.9998000067, 0.8414709848, 0.0099998333, 0.5403023059, 0.9999500004];
    for (let j = 0; j < 8; j++) expect(Math.abs(t[7 * 8 + j] - want[j])).toBeLessThan(5e-11);
    expect(t.length).toBe(17 * 8);
    expect(t.subarray(0, 8).every((v) => v === 0)).toBe(true);
  });

  it('§6c big_vision test vector: D = 8 (ω = [1, 1e-4]), token (1, 2); D = 16 frequencies', () => {
    const pe = get();
    const t = pe.sincos2d({ height: 4, width: 4, dim: 8, preset: 'bigvision', dtype: 'float64' });
    const want = [0.9092974268, 0.0002, -0.4161468365, 0.99999998, 0.8414709848, 0.0001, 0.5403023059, 0.999999995];
    for (let j = 0; j < 8; j++) expect(Math.abs(t[6 * 8 + j] - want[j])).toBeLessThan(5e-11);
    // Token (0, 1): sin(ω_k) in the first K columns.
    const bv = pe.sincos2d({ height: 1, width: 2, dim: 16, preset: 'bigvision', dtype: 'float64' });
    [1, 0.0464158883, 0.0021544347, 1e-4].forEach((w, k) => expect(Math.abs(bv[16 + k] - Math.sin(w))).toBeLessThan(5e-11));
    const mae = pe.sincos2d({ height: 1, width: 2, dim: 16, dtype: 'float64' });
    [1, 0.1, 0.01, 0.001].forEach((w, k) => expect(Math.abs(mae[16 + k] - Math.sin(w))).toBeLessThan(5e-11));
  });

  it('§2 tensor2tensor add_timing_signal_nd: 3×4 grid, 8 channels, position (1, 2); zero channels past 4⌊dim/4⌋', () => {
    const pe = get();
    const t = pe.sincos2d({ height: 3, width: 4, dim: 8, preset: 'tensor2tensor', dtype: 'float64' });
    const want = [0.8414709848, 0.0001, 0.5403023059, 0.999999995, 0.9092974268, 0.0002, -0.4161468365, 0.99999998];
    for (let j = 0; j < 8; j++) expect(Math.abs(t[(1 * 4 + 2) * 8 + j] - want[j])).toBeLessThan(5e-11);
    for (const float32Angles of [false, true]) {
      const odd = pe.sincos2d({ height: 3, width: 4, dim: 11, preset: 'tensor2tensor', float32Angles });
      for (let n = 0; n < 12; n++) expect(Array.from(odd.subarray(n * 11 + 8, n * 11 + 11))).toEqual([0, 0, 0]);
      expect(firstByteDiff(odd.subarray(6 * 11, 6 * 11 + 8), pe.sincos2d({ height: 3, width: 4, dim: 8, preset: 'tensor2tensor', float32Angles }).subarray(6 * 8, 7 * 8))).toBe(-1);
    }
  });

  it('MoCo v3 = MAE with its halves swapped; timm = a column permutation of MoCo v3 (bit for bit)', () => {
    const pe = get();
    for (const dtype of ['float32', 'float64'] as const) {
      const [H, W, D] = [3, 5, 16];
      const mae = pe.sincos2d({ height: H, width: W, dim: D, dtype });
      const moco = pe.sincos2d({ height: H, width: W, dim: D, preset: 'mocov3', clsToken: false, dtype });
      const timm = pe.sincos2d({ height: H, width: W, dim: D, preset: 'timm', dtype });
      const K = D / 4;
      for (let n = 0; n < H * W; n++) {
        for (let j = 0; j < D; j++) {
          expect(Object.is(moco[n * D + j], mae[n * D + ((j + D / 2) % D)])).toBe(true);
        }
        for (let k = 0; k < K; k++) {
          // timm [sin r | sin c | cos r | cos c] vs mocov3 [sin r | cos r | sin c | cos c]
          expect(Object.is(timm[n * D + k], moco[n * D + k])).toBe(true);
          expect(Object.is(timm[n * D + K + k], moco[n * D + 2 * K + k])).toBe(true);
          expect(Object.is(timm[n * D + 2 * K + k], moco[n * D + K + k])).toBe(true);
          expect(Object.is(timm[n * D + 3 * K + k], moco[n * D + 3 * K + k])).toBe(true);
        }
      }
    }
  });

  it('non-square grids, every preset, odd and tiny grids: a float64 reference within the core bound', () => {
    const pe = get();
    const rand = rng(backend === 'js' ? 31 : 37);
    const grids: [number, number, number][] = [[1, 1, 4], [1, 7, 8], [7, 1, 8], [3, 5, 12], [14, 9, 64], [2, 40, 20], [5, 3, 768], [4, 6, 13]];
    for (const [H, W, D] of grids) {
      for (const preset of PRESETS) {
        if ((preset === 'bigvision' || preset === 'tensor2tensor') && D < 8) continue;
        if (preset !== 'tensor2tensor' && D % 4) continue;
        for (const dtype of ['float32', 'float64'] as const) {
          const T = rand() < 0.3 ? 100 : 10000;
          const got = pe.sincos2d({ height: H, width: W, dim: D, preset, temperature: T, dtype, clsToken: false });
          const { v, angle } = reference(preset, H, W, D, T);
          expect(got.length).toBe(v.length);
          for (let i = 0; i < v.length; i++) {
            const b = (dtype === 'float64' ? 1e-12 : ulp32(v[i])) + angle[i] * 2 ** -49;
            if (!(Math.abs(got[i] - v[i]) <= b)) throw new Error(`${preset} ${H}×${W}×${D} ${dtype} [${i}]: ${got[i]} vs ${v[i]}`);
          }
        }
      }
    }
  });

  it('non-square order: token n = r·width + c (row-major), columns first for MAE', () => {
    const t = get().sincos2d({ height: 3, width: 5, dim: 4, dtype: 'float64' });
    // D = 4: K = 1, ω = 1: token (r, c) = [sin c, cos c, sin r, cos r].
    for (let r = 0; r < 3; r++) for (let c = 0; c < 5; c++) {
      const o = (r * 5 + c) * 4;
      expect(t[o]).toBeCloseTo(Math.sin(c), 15);
      expect(t[o + 2]).toBeCloseTo(Math.sin(r), 15);
    }
  });

  it('cls rows: default false except mocov3; zero even when out held other values', () => {
    const pe = get();
    expect(pe.sincos2d({ height: 2, width: 2, dim: 8 }).length).toBe(4 * 8);
    expect(pe.sincos2d({ height: 2, width: 2, dim: 8, preset: 'mocov3' }).length).toBe(5 * 8);
    expect(pe.sincos2d({ height: 0, width: 3, dim: 8, clsToken: true }).length).toBe(8);
    const out = new Float32Array(5 * 8).fill(9);
    expect(pe.sincos2d({ height: 2, width: 2, dim: 8, clsToken: true, out })).toBe(out);
    expect(out.subarray(0, 8).every((v) => v === 0)).toBe(true);
    expect(firstByteDiff(out.subarray(8), pe.sincos2d({ height: 2, width: 2, dim: 8 }))).toBe(-1);
  });

  it('a table larger than the scratch window: chunked = module tensor output, same bits', () => {
    const pe = get();
    const o: Sincos2dOptions = { height: 37, width: 41, dim: 96, preset: 'timm', clsToken: true };
    const a = pe.sincos2d(o);
    const t = pe.alloc(a.length);
    pe.sincos2d({ ...o, out: t });
    expect(firstByteDiff(t.array, a)).toBe(-1);
    t.free();
  });

  it('bad input', () => {
    const pe = get();
    const bad: [unknown, RegExp, ErrorConstructor][] = [
      [{ height: 2, width: 2 }, /options\.dim is required/, TypeError],
      [{ height: 2, width: 2, dim: 6 }, /options\.dim must be a multiple of 4/, RangeError],
      [{ height: 2, width: 2, dim: 4, preset: 'bigvision' }, /options\.dim must be ≥ 8 for preset 'bigvision'/, RangeError],
      [{ height: 2, width: 2, dim: 7, preset: 'tensor2tensor' }, /options\.dim must be ≥ 8 for preset 'tensor2tensor'/, RangeError],
      [{ height: -1, width: 2, dim: 8 }, /options\.height must be an integer ≥ 0, got -1/, RangeError],
      [{ height: 2, width: 2.5, dim: 8 }, /options\.width must be an integer ≥ 0, got 2\.5/, RangeError],
      [{ height: 2, width: 2, dim: 8, preset: 'vit' }, /options\.preset must be one of 'mae', 'mocov3', 'bigvision', 'timm', 'tensor2tensor', got "vit"/, RangeError],
      [{ height: 2, width: 2, dim: 8, temperature: 0 }, /options\.temperature must be a finite number > 0/, RangeError],
      [{ height: 2, width: 2, dim: 8, clsToken: 1 }, /options\.clsToken must be true or false/, TypeError],
      [{ height: 2, width: 2, dim: 8, grid: 2 }, /unknown option options\.grid/, TypeError],
      [{ height: 2, width: 2, dim: 8, out: new Float32Array(31) }, /options\.out\.length must be 32, got 31/, RangeError],
      [{ height: 2, width: 2, dim: 8, out: new Float64Array(32) }, /options\.out must be a Float32Array/, TypeError],
      [{ height: 2, width: 2, dim: 8, dtype: 'float16' }, /options\.dtype must be one of 'float32', 'float64'/, RangeError],
    ];
    for (const [o, re, E] of bad) {
      expect(() => pe.sincos2d(o as Sincos2dOptions), String(re)).toThrow(E);
      expect(() => pe.sincos2d(o as Sincos2dOptions)).toThrow(re);
    }
  });
});

describe('sincos2d across backends', () => {
  it('wasm-simd and wasm give the same bits (float64 angles and float32Angles)', async () => {
    const a = await init({ backend: 'wasm-simd' });
    const b = await init({ backend: 'wasm' });
    for (const preset of PRESETS) {
      for (const float32Angles of [false, true]) {
        for (const dtype of ['float32', 'float64'] as const) {
          const o: Sincos2dOptions = { height: 13, width: 22, dim: 72, preset, float32Angles, dtype, clsToken: true };
          expect(firstByteDiff(a.sincos2d(o), b.sincos2d(o))).toBe(-1);
        }
      }
    }
  });
});
