// Runs inside headless Chromium (vitest browser mode, vitest.browser.config.ts): the library as a
// browser loads it (ES modules, async compilation on the main thread), on every backend.
// Values come from docs/conventions.md (float64 numpy); whole results are compared with
// Node's by SHA-256 (cases.ts, hashed in Node by node-hashes.ts).
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { init, initSync, Posenc } from '../../src/index.js';
import type { BackendName, FloatArray } from '../../src/api/types.js';
import { digestCases, randomArray } from './cases.js';

const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];
/** Rotary and 2-D grids: tested wherever the library has them. */
const HAS_ROPE = typeof Posenc.prototype.rope === 'function';
const HAS_2D = typeof Posenc.prototype.sincos2d === 'function';

/** Row r, column j of a row-major table of `width` columns. */
const at = (t: ArrayLike<number>, width: number, r: number, j: number) => t[r * width + j];

/** Expects the values of docs/conventions.md: to 1e-9 (their printed precision) in float64, to float32 rounding otherwise. */
function expectValues(t: FloatArray, width: number, entries: [number, number, number][]) {
  const digits = t instanceof Float64Array ? 9 : 6;
  for (const [r, j, v] of entries) {
    expect(at(t, width, r, j), `PE[${r}][${j}]`).toBeCloseTo(v, digits);
  }
}

describe('the page environment', () => {
  it('is Chromium, not Node', () => {
    expect(typeof window).toBe('object');
    expect(typeof document.createElement).toBe('function');
    expect(navigator.userAgent).toMatch(/Chrome\/\d+/);
    expect((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node).toBeUndefined();
  });

  it("init() picks 'wasm-simd' (Chromium validates the SIMD binary) and caches the instance", async () => {
    const pe = await init();
    expect(pe.backend).toBe('wasm-simd');
    expect(await init({ backend: 'auto' })).toBe(pe);
    expect(await init({ backend: 'wasm-simd' })).toBe(pe);
  });

  it('initSync() works once async init() has compiled the backend (cached instance)', async () => {
    const pe = await init({ backend: 'wasm' });
    expect(initSync({ backend: 'wasm' })).toBe(pe);
  });
});

for (const backend of BACKENDS) {
  describe(`in Chromium [${backend}]`, () => {
    let pe: Posenc;
    beforeAll(async () => {
      pe = await init({ backend });
      expect(pe.backend).toBe(backend);
    });

    it('vaswani d=8 and d=7 (§1)', () => {
      for (const dtype of ['float32', 'float64'] as const) {
        const t = pe.sinusoidal({ dim: 8, length: 8, dtype }) as FloatArray;
        expect(t).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
        expect(t.length).toBe(64);
        expectValues(t, 8, [
          [0, 0, 0], [0, 1, 1], [1, 0, 0.8414709848], [1, 1, 0.5403023059], [1, 2, 0.0998334166],
          [1, 3, 0.9950041653], [7, 6, 0.0069999428], [7, 7, 0.9999755001],
        ]);
        const odd = pe.sinusoidal({ dim: 7, length: 8, dtype }) as FloatArray;
        expectValues(odd, 7, [[1, 6, 0.0003727594], [7, 5, 0.9993428115]]);
      }
    });

    it('marian d=8 and d=7 (§4b)', () => {
      const t = pe.sinusoidal({ preset: 'marian', dim: 8, length: 8, dtype: 'float64' });
      expectValues(t, 8, [[1, 0, 0.8414709848], [1, 1, 0.0998334166], [1, 4, 0.5403023059], [7, 3, 0.0069999428], [7, 7, 0.9999755001]]);
      const odd = pe.sinusoidal({ preset: 'marian', dim: 7, length: 2, dtype: 'float64' });
      expectValues(odd, 7, [[1, 3, 0.0003727594], [1, 4, 0.5403023059], [1, 6, 0.9999865866]]);
    });

    it('tensor2tensor d=8, d=7, start_index and min_timescale (§2)', () => {
      const t = pe.sinusoidal({ preset: 'tensor2tensor', dim: 8, length: 8, dtype: 'float64' });
      expectValues(t, 8, [[1, 0, 0.8414709848], [1, 1, 0.0463992235], [1, 4, 0.5403023059], [7, 3, 0.0006999999], [7, 7, 0.999999755]]);
      const odd = pe.sinusoidal({ preset: 'tensor2tensor', dim: 7, length: 2, dtype: 'float64' });
      expectValues(odd, 7, [[1, 2, 0.0001], [1, 6, 0]]);
      expect(at(odd, 7, 1, 6)).toBe(0);
      const shifted = pe.sinusoidal({ preset: 'tensor2tensor', dim: 8, length: 1, offset: 5 });
      expectValues(shifted, 8, [[0, 0, -0.9589242747]]);
      const minTs = pe.sinusoidal({ preset: 'tensor2tensor', dim: 8, length: 2, minTimescale: 2, dtype: 'float64' });
      expectValues(minTs, 8, [[1, 0, 0.9092974268]]);
    });

    it('whisper d=8 (§4c) and its refusal of odd dims', () => {
      const t = pe.sinusoidal({ preset: 'whisper', dim: 8, length: 8 });
      expectValues(t, 8, [[1, 0, 0.8414709848], [1, 4, 0.5403023059], [7, 3, 0.0006999999], [7, 7, 0.999999755]]);
      expect(() => pe.sinusoidal({ preset: 'whisper', dim: 7, length: 2 })).toThrow(RangeError);
    });

    it('fairseq d=8 with its pad row (§3)', () => {
      // Sequence position 0 is formula position paddingIdx + 1 = 2; position 1 (the pad) is zero.
      const t = pe.sinusoidal({ preset: 'fairseq', dim: 8, length: 7, dtype: 'float64' });
      expectValues(t, 8, [[0, 0, 0.9092974268], [0, 1, 0.0926985008], [0, 4, -0.4161468365], [6, 3, 0.0007999999], [6, 7, 0.99999968]]);
      const pad = pe.sinusoidal({ preset: 'fairseq', dim: 8, positions: [1, 2] });
      expect(Array.from(pad.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(pad[8]).toBeCloseTo(0.9092974268, 6);
    });

    it("seed: two columns [sin pω, cos pω] with ω = 1/√dim (§11, float64 column)", () => {
      const t = pe.sinusoidal({ preset: 'seed', dim: 4, length: 5, dtype: 'float64' });
      expect(t.length).toBe(10);
      expectValues(t, 2, [[0, 0, 0], [0, 1, 1], [1, 0, 0.4794255386], [1, 1, 0.8775825619], [2, 0, 0.8414709848], [4, 1, -0.4161468365]]);
    });

    it('add: out = scale·x + PE, broadcast over the batch, into a new array or in place', () => {
      const x = new Float64Array(2 * 2 * 8).fill(1);
      const y = pe.add(x, { shape: [2, 2, 8], scale: 3 });
      expect(y).not.toBe(x);
      expect(y[0]).toBe(3); // 3·1 + sin 0
      expect(y[1]).toBe(4); // 3·1 + cos 0
      expect(y[8]).toBeCloseTo(3 + 0.8414709848, 9);
      expect(y[16 + 8]).toBeCloseTo(3 + 0.8414709848, 9); // second batch element, row 1
      expect(x[0]).toBe(1);
      const x32 = new Float32Array(8 * 3);
      const same = pe.add(x32, { shape: [3, 8], out: x32, offset: 1 });
      expect(same).toBe(x32);
      expect(x32[0]).toBeCloseTo(0.8414709848, 6);
      expect(x32[2 * 8 + 3]).toBeCloseTo(Math.cos(0.3), 6);
    });

    it('add with a table encoding and positions per batch element', () => {
      const table = Float32Array.from({ length: 4 * 3 }, (_, i) => i);
      const x = new Float32Array(2 * 2 * 3);
      const y = pe.add(x, { shape: [2, 2, 3], encoding: { table }, positions: [3, 0, 1, 2] });
      expect(Array.from(y)).toEqual([9, 10, 11, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('concat: [x | PE] along the features', () => {
      const x = Float64Array.from([10, 20, 30, 40]);
      const y = pe.concat(x, { shape: [2, 2], encoding: { preset: 'vaswani', dim: 4 }, offset: 1 });
      expect(y.length).toBe(2 * (2 + 4));
      expect(Array.from(y.subarray(0, 2))).toEqual([10, 20]);
      expect(y[2]).toBeCloseTo(0.8414709848, 9);
      expect(y[3]).toBeCloseTo(0.5403023059, 9);
      expect(Array.from(y.subarray(6, 8))).toEqual([30, 40]);
      expect(y[8]).toBeCloseTo(Math.sin(2), 15);
      const seed = pe.concat(new Float32Array(5), { shape: [5, 1], encoding: { preset: 'seed', omega: 0.5 } });
      expect(seed.length).toBe(15);
      expect(seed[3 * 3 + 1]).toBeCloseTo(0.9974949866, 6); // sin(3 · 0.5)
    });

    it('module tensors: alloc, compute in place, free', () => {
      const t = pe.alloc(4 * 8, 'float64');
      expect(t.array.length).toBe(32);
      expect(Array.from(t.array).every((v) => v === 0)).toBe(true);
      expect(pe.sinusoidal({ dim: 8, length: 4, dtype: 'float64', out: t })).toBe(t);
      expect(t.array[8]).toBeCloseTo(0.8414709848, 9);
      pe.add(t, { shape: [4, 8], out: t });
      expect(t.array[8]).toBeCloseTo(2 * 0.8414709848, 9);
      t.free();
      expect(t.freed).toBe(true);
      expect(() => t.array).toThrow(TypeError);
      expect(() => pe.add(t, { shape: [4, 8] })).toThrow(/freed/);
    });

    it('bad input: TypeError / RangeError with posenc messages, nothing written', () => {
      expect(() => pe.sinusoidal({ dim: 0, length: 4 })).toThrow(new RangeError('posenc.sinusoidal: options.dim must be an integer in [1, 1048576], got 0'));
      expect(() => pe.sinusoidal({ dim: 8, length: 4, lenght: 3 } as never)).toThrow(TypeError);
      expect(() => pe.sinusoidal({ dim: 8, length: 4, preset: 'nope' } as never)).toThrow(/options\.preset must be one of/);
      expect(() => pe.sinusoidal({ dim: 8, length: -1 })).toThrow(RangeError);
      expect(() => pe.sinusoidal({ dim: 8, length: 2, offset: NaN })).toThrow(RangeError);
      expect(() => pe.sinusoidal({ dim: 8, positions: [0, Infinity] })).toThrow(/options\.positions\[1\]/);
      expect(() => pe.sinusoidal({ dim: 8, length: 2, out: new Float32Array(15) })).toThrow(RangeError);
      expect(() => pe.sinusoidal({ length: 2 } as never)).toThrow(/options\.dim is required/);
      const x = Float32Array.from([1, 2, 3, 4, 5, 6]);
      expect(() => pe.add(x, { shape: [2, 4] })).toThrow(/consistent with x\.length = 6/);
      expect(() => pe.add([1, 2] as never, { shape: [1, 2] })).toThrow(TypeError);
      expect(() => pe.add(x, { shape: [3, 2], encoding: { table: new Float64Array(6) } })).toThrow(TypeError);
      expect(() => pe.add(x, { shape: [3, 2], out: x.subarray(1, 7) as never })).toThrow(RangeError);
      expect(() => pe.concat(x, { shape: [3, 2] })).toThrow(/options\.encoding\.dim is required/);
      expect(() => pe.concat(x, { shape: [3, 2], encoding: { dim: 4 }, out: new Float32Array(17) })).toThrow(/options\.out\.length must be 18/);
      expect(() => pe.concat(x, { shape: [3, 2], encoding: { dim: 4 }, out: x as never })).toThrow(RangeError);
      expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(() => pe.alloc(-1)).toThrow(RangeError);
    });

    describe.runIf(HAS_ROPE)('rotary (§7)', () => {
      const x8 = [1, 2, 3, 4, 5, 6, 7, 8];
      const HALVES_P1 = [-3.66705262, 1.39100783, 2.92985117, 3.991998, 3.54298251, 6.16969182, 7.0296495, 8.003996];
      const INTERLEAVED_P1 = [-1.14263966, 1.9220756, 2.58567883, 4.27951691, 4.939751, 6.04969917, 6.9919965, 8.006996];
      const HALVES_P7 = [-2.53103074, -2.33562175, 2.50305307, 3.94390246, 4.42649787, 5.8774885, 7.19268554, 8.02780377];
      const close = (got: ArrayLike<number>, want: number[], digits: number) =>
        want.forEach((v, i) => expect(got[i], `[${i}]`).toBeCloseTo(v, digits));

      it('halves and interleaved pairs, d = 8, p = 1 and p = 7', () => {
        close(pe.rope(Float64Array.from(x8), { shape: [1, 1, 1, 8], offset: 1 }), HALVES_P1, 7);
        close(pe.rope(Float64Array.from(x8), { shape: [1, 1, 1, 8], layout: 'interleaved', offset: 1 }), INTERLEAVED_P1, 7);
        close(pe.rope(Float32Array.from(x8), { shape: [1, 1, 1, 8], layout: 'halves', positions: [7] }), HALVES_P7, 5);
        // Two tokens, two heads: every (head, token) row gets its own position.
        const two = pe.rope(Float64Array.from([...x8, ...x8, ...x8, ...x8]), { shape: [1, 2, 2, 8], positions: [1, 7] });
        close(two.subarray(0, 8), HALVES_P1, 7);
        close(two.subarray(8, 16), HALVES_P7, 7);
        close(two.subarray(16, 24), HALVES_P1, 7);
      });

      it('partial rotary passes the other features through; in place on x', () => {
        const x = Float64Array.from(x8);
        const y = pe.rope(x, { shape: [1, 1, 1, 8], rotaryDim: 4, offset: 1, out: x });
        expect(y).toBe(x);
        expect(Array.from(x.subarray(4))).toEqual([5, 6, 7, 8]);
        expect(x[0]).toBeCloseTo(1 * Math.cos(1) - 3 * Math.sin(1), 12);
      });

      it('relative: ⟨R5 q, R3 k⟩ = ⟨R12 q, R10 k⟩', () => {
        const q = randomArray(64, true, 21) as Float64Array;
        const k = randomArray(64, true, 22) as Float64Array;
        const dot = (pq: number, pk: number) => {
          const a = pe.rope(q, { shape: [1, 1, 1, 64], offset: pq });
          const b = pe.rope(k, { shape: [1, 1, 1, 64], offset: pk });
          return a.reduce((s, v, i) => s + v * b[i], 0);
        };
        expect(Math.abs(dot(5, 3) - dot(12, 10))).toBeLessThan(1e-12);
        expect(Math.abs(dot(5, 3) - dot(5, 4))).toBeGreaterThan(1e-3);
      });

      it('ropeFrequencies: linear, dynamic, yarn, llama3 (§7e)', () => {
        const lin = pe.ropeFrequencies({ dim: 128, scaling: { type: 'linear', factor: 4 } });
        expect(lin.invFreq[0]).toBeCloseTo(0.25, 12);
        expect(lin.invFreq[1]).toBeCloseTo(0.2164910808, 9);
        expect(lin.invFreq[63] / 2.8869549617e-5).toBeCloseTo(1, 9);
        const dyn = pe.ropeFrequencies({ dim: 128, scaling: { type: 'dynamic', factor: 2, maxPositionEmbeddings: 2048 }, seqLen: 4096 });
        expect(dyn.base).toBeCloseTo(30527.7367488067, 7);
        expect(dyn.invFreq[1]).toBeCloseTo(0.8509942913, 9);
        const yarn = pe.ropeFrequencies({ dim: 128, scaling: { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 4096 } });
        expect(yarn.attentionFactor).toBeCloseTo(1.1386294361, 9);
        expect(yarn.invFreq[25]).toBeCloseTo(0.0234345526, 9);
        expect(yarn.invFreq[40]).toBeCloseTo(0.0013378867, 9);
        const l3 = pe.ropeFrequencies({
          dim: 128, base: 5e5, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 },
        });
        expect(l3.invFreq[40] / 3.428102e-5).toBeCloseTo(1, 6);
      });

      it('bad input', () => {
        expect(() => pe.rope(new Float32Array(8), { shape: [1, 1, 8] })).toThrow(/options\.shape must be of rank 4/);
        expect(() => pe.rope(new Float32Array(7), { shape: [1, 1, 1, 7] })).toThrow(RangeError);
        expect(() => pe.rope(new Float32Array(8), { shape: [1, 1, 1, 8], pairing: 'halves' } as never)).toThrow(/unknown option options\.pairing/);
        expect(() => pe.rope(new Float32Array(8), { shape: [1, 1, 1, 8], layout: 'rotate' as never })).toThrow(/options\.layout must be one of/);
        expect(() => pe.ropeFrequencies({ dim: 7 })).toThrow(RangeError);
      });
    });

    describe.runIf(HAS_2D)('2-D grids (§6)', () => {
      // Grid 4 × 4, token (row 1, column 2), D = 8.
      const MAE = [0.9092974268, 0.0199986667, -0.4161468365, 0.9998000067, 0.8414709848, 0.0099998333, 0.5403023059, 0.9999500004];
      const BIGVISION = [0.9092974268, 0.0002, -0.4161468365, 0.99999998, 0.8414709848, 0.0001, 0.5403023059, 0.999999995];

      it('mae, bigvision, mocov3 (cls row), timm token (1, 2)', () => {
        const g = { height: 4, width: 4, dim: 8, dtype: 'float64' } as const;
        expectValues(pe.sincos2d({ ...g, preset: 'mae' }), 8, MAE.map((v, j) => [6, j, v]));
        expectValues(pe.sincos2d({ ...g, preset: 'bigvision' }), 8, BIGVISION.map((v, j) => [6, j, v]));
        const moco = pe.sincos2d({ ...g, preset: 'mocov3' });
        expect(moco.length).toBe(17 * 8);
        expect(Array.from(moco.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
        expectValues(moco, 8, [...MAE.slice(4), ...MAE.slice(0, 4)].map((v, j) => [7, j, v]));
        const timm = pe.sincos2d({ ...g, preset: 'timm' });
        expectValues(timm, 8, [[6, 0, Math.sin(1)], [6, 2, Math.sin(2)], [6, 4, Math.cos(1)], [6, 6, Math.cos(2)]]);
        const f32 = pe.sincos2d({ height: 4, width: 4, dim: 8 });
        expect(f32).toBeInstanceOf(Float32Array);
        expectValues(f32, 8, MAE.map((v, j) => [6, j, v]));
      });

      it('bad input', () => {
        expect(() => pe.sincos2d({ height: 4, width: 4, dim: 30 })).toThrow(/options\.dim must be a multiple of 4/);
        expect(() => pe.sincos2d({ height: 4, dim: 8 } as never)).toThrow(/options\.width is required/);
        expect(() => pe.sincos2d({ height: 4, width: 4, dim: 8, preset: 'vit' as never })).toThrow(RangeError);
      });
    });

    it('gives the same results as Node for every case of cases.ts', async () => {
      const node = inject('nodeDigests')[backend];
      const browser = await digestCases(pe);
      expect(Object.keys(browser).length).toBeGreaterThan(60);
      expect(Object.keys(browser)).toEqual(Object.keys(node));
      const differ = Object.keys(node).filter((k) => node[k].hash !== browser[k].hash);
      if (backend !== 'js') {
        // The wasm kernels do their own sin/cos: the bytes must be the same in every engine.
        expect(differ, `cases whose bytes differ between Node ${inject('nodeVersion')} and Chromium`).toEqual([]);
        return;
      }
      // The js twin calls Math.pow / Math.sin / Math.cos, which each V8 implements with its own
      // libm (Chromium's differs from Node 20's in the last bit of some values; a 1-ulp
      // difference in a frequency becomes |p|·ulp(ω) in the angle, and the cases reach |p| ≈ 2^20).
      // So: the same results within that rounding, through order-sensitive sums.
      for (const k of Object.keys(node)) {
        const [a, b] = [node[k], browser[k]];
        expect(b.hash.split(' ')[0], k).toBe(a.hash.split(' ')[0]);
        expect(b.maxAbs, k).toBeCloseTo(a.maxAbs, 5);
        const n = Number(/\[(\d+)\]/.exec(a.hash)![1]);
        const perElement = Math.max(a.maxAbs, 1) * (a.f64 ? 2 ** (21 - 52) : 2 ** -23);
        const tol = 7 * n * perElement;
        expect(Math.abs(b.sum - a.sum), `${k}: Σ`).toBeLessThanOrEqual(tol);
        expect(Math.abs(b.wsum - a.wsum), `${k}: weighted Σ`).toBeLessThanOrEqual(tol);
      }
    });

    it('a large random add matches a float64 recomputation from its own table', () => {
      const [b, l, d] = [3, 257, 96];
      const x = randomArray(b * l * d, true, 99) as Float64Array;
      const table = pe.sinusoidal({ dim: d, length: l, dtype: 'float64' });
      const y = pe.add(x, { shape: [b, l, d], scale: Math.sqrt(d) });
      let worst = 0;
      for (let i = 0; i < y.length; i++) {
        const want = Math.sqrt(d) * x[i] + table[i % (l * d)];
        worst = Math.max(worst, Math.abs(y[i] - want));
      }
      expect(worst).toBe(0);
    });
  });
}
