// float32Angles: tables and rotations computed the way the float32 references compute them
// (conventions §9b): each reference's frequency chain with a float32 rounding after every
// primitive, the float32 angle fl32(fl32(p)·ω32), and sin/cos of it rounded to float32. The
// emulations below are written from the reference sources (PyTorch tutorial, fairseq, Whisper,
// tensor2tensor, GPT-NeoX/HF rotary, MoCo v3/timm, big_vision) independently of the library;
// they use Math.sin/Math.cos, so a value may differ from the library's (WebAssembly NativeMath)
// by 1 float32 ulp where the two f64 results round to different float32 neighbours.
import { describe, expect, it } from 'vitest';
import { init } from '../../src/index.js';
import type { FloatArray, Preset, Preset2d } from '../../src/api/types.js';
import { describeBackends, firstByteDiff, rng, ulp32 } from '../support/backends.js';

const fr = Math.fround;

/** ω32 of a 1-D preset, from its reference's float32 code. */
function omega32(preset: Preset, dim: number): number[] {
  const h = Math.floor(dim / 2);
  switch (preset) {
    case 'vaswani': {
      // torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
      const c = fr(-Math.log(10000) / dim);
      return Array.from({ length: Math.ceil(dim / 2) }, (_, i) => fr(Math.exp(fr(2 * i * c))));
    }
    case 'marian':
      // GPT-NeoX / HF: 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
      return Array.from({ length: Math.ceil(dim / 2) }, (_, i) => fr(1 / fr(Math.pow(10000, fr((2 * i) / dim)))));
    case 'tensor2tensor': {
      // inv = min * exp(range(n) * -(log(max/min) / max(n - 1, 1)))  (TF float32 tensors)
      const inc = fr(fr(Math.log(10000)) / Math.max(h - 1, 1));
      return Array.from({ length: h }, (_, i) => fr(Math.exp(fr(i * -inc))));
    }
    case 'fairseq':
    case 'whisper': {
      // torch.exp(torch.arange(half_dim, dtype=torch.float) * -(math.log(10000) / (half_dim - 1)))
      const c = fr(-(Math.log(10000) / (h - 1)));
      return Array.from({ length: h }, (_, i) => fr(Math.exp(fr(i * c))));
    }
    default:
      throw new Error(preset);
  }
}

/** One float32-emulated row of a 1-D preset (layouts of docs/conventions.md §0). */
function row32(preset: Preset, dim: number, p: number): number[] {
  const w = omega32(preset, dim);
  const out = new Array<number>(dim).fill(0);
  if (preset === 'fairseq' && p === 1) return out; // the pad row
  const p32 = fr(p);
  const h = Math.floor(dim / 2);
  w.forEach((wi, i) => {
    const a = fr(p32 * wi);
    const s = fr(Math.sin(a));
    const c = fr(Math.cos(a));
    if (preset === 'vaswani') {
      out[2 * i] = s;
      if (2 * i + 1 < dim) out[2 * i + 1] = c;
    } else {
      const n = w.length;
      out[i] = s;
      if (i < h) out[n + i] = c;
    }
  });
  return out;
}

function expectWithinUlp(got: ArrayLike<number>, want: ArrayLike<number>, what: string): number {
  let exact = 0;
  for (let i = 0; i < want.length; i++) {
    if (got[i] === want[i]) exact++;
    else if (!(Math.abs(got[i] - want[i]) <= ulp32(want[i]))) throw new Error(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
  return exact / want.length;
}

describeBackends('float32Angles', (get) => {
  it('§9b: PyTorch tutorial d = 8, PE[100000][2] = −0.304684401 in float32 (−0.305614389 in float64)', () => {
    const pe = get();
    const f32 = pe.sinusoidal({ dim: 8, positions: [100000], float32Angles: true });
    const f64 = pe.sinusoidal({ dim: 8, positions: [100000], dtype: 'float64' });
    expect(Math.abs(f32[2] - -0.304684401)).toBeLessThan(5e-10);
    expect(Math.abs(f64[2] - -0.305614389)).toBeLessThan(5e-10);
  });

  it('§9b: max |float32 − float64| over the row for p = 1, 1000, 1e5, 1e6 (3.2e-8, 6.6e-6, 9.3e-4, 7.8e-3)', () => {
    const pe = get();
    const ps = [1, 1000, 100000, 1000000];
    const f32 = pe.sinusoidal({ dim: 8, positions: ps, float32Angles: true });
    const f64 = pe.sinusoidal({ dim: 8, positions: ps, dtype: 'float64' });
    const want = [3.2e-8, 6.6e-6, 9.3e-4, 7.8e-3];
    ps.forEach((_, r) => {
      let m = 0;
      for (let j = 0; j < 8; j++) m = Math.max(m, Math.abs(f32[r * 8 + j] - f64[r * 8 + j]));
      // At p = 1 the angle is exact and the difference is the rounding of sin/cos alone: ours is
      // the correctly rounded float32 (≤ ½ ulp = 2.98e-8 at cos 1), the torch/numpy float32 libm
      // behind the table's 3.2e-8 is 1 ulp off there. From p = 1000 the angle's float32 error
      // dominates.
      if (r === 0) expect(m).toBeLessThanOrEqual(want[0]);
      else expect(Number(m.toPrecision(2))).toBe(want[r]);
    });
  });

  it('every 1-D float32 preset matches its reference chain (≤ 1 ulp, almost always exact)', () => {
    const pe = get();
    const rand = rng(41);
    for (const preset of ['vaswani', 'marian', 'tensor2tensor', 'fairseq', 'whisper'] as Preset[]) {
      for (const dim of preset === 'whisper' ? [8, 10, 64, 512] : [7, 8, 9, 10, 64, 512]) {
        const positions = Array.from({ length: 40 }, (_, i) => (i < 20 ? i : Math.floor(rand() * 2e5)));
        const got = pe.sinusoidal({ dim, preset, positions, float32Angles: true });
        const want = positions.flatMap((p) => row32(preset, dim, p));
        const exact = expectWithinUlp(got, want, `${preset} d=${dim}`);
        expect(exact).toBeGreaterThan(0.99);
        // float32Angles: false is the default float64 path.
        expect(firstByteDiff(pe.sinusoidal({ dim, preset, positions, float32Angles: false }), pe.sinusoidal({ dim, preset, positions }))).toBe(-1);
      }
    }
    // fairseq: positions start at paddingIdx + 1 and the pad row is zero in float32 mode too.
    const fs = pe.sinusoidal({ dim: 8, preset: 'fairseq', length: 3, float32Angles: true });
    expectWithinUlp(fs, [...row32('fairseq', 8, 2), ...row32('fairseq', 8, 3), ...row32('fairseq', 8, 4)], 'fairseq rows');
    expect(pe.sinusoidal({ dim: 8, preset: 'fairseq', positions: [1], float32Angles: true }).every((v) => v === 0)).toBe(true);
    // seed: ω rounded to float32.
    const sd = pe.sinusoidal({ dim: 4, preset: 'seed', positions: [3], float32Angles: true });
    const a = fr(3 * fr(0.5));
    expectWithinUlp(sd, [fr(Math.sin(a)), fr(Math.cos(a))], 'seed');
  });

  it('add and concat with a float32-angle encoding add exactly the float32-angle table rows', () => {
    const pe = get();
    const rand = rng(43);
    const [B, L, D] = [3, 6, 12];
    const x = Float32Array.from({ length: B * L * D }, () => rand() - 0.5);
    const enc = { preset: 'tensor2tensor' as const, float32Angles: true };
    const positions = Array.from({ length: B * L }, () => Math.floor(rand() * 1e5));
    const table = pe.sinusoidal({ dim: D, ...enc, positions });
    const got = pe.add(x, { shape: [B, L, D], encoding: enc, positions, scale: 2 });
    for (let i = 0; i < x.length; i++) expect(got[i]).toBe(fr(fr(x[i] * 2) + table[i]));
    const shared = pe.add(x, { shape: [B, L, D], encoding: { ...enc, offset: 5000 } });
    const t2 = pe.sinusoidal({ dim: D, ...enc, length: L, offset: 5000 });
    for (let i = 0; i < x.length; i++) expect(shared[i]).toBe(fr(x[i] + t2[i % (L * D)]));
    const c = pe.concat(x, { shape: [B, L, D], encoding: { ...enc, dim: 4 }, offset: 7 });
    const t3 = pe.sinusoidal({ dim: 4, ...enc, length: L, offset: 7 });
    expect(firstByteDiff(c.subarray(D, D + 4), t3.subarray(0, 4))).toBe(-1);
    const x64 = Float64Array.from(x);
    const g64 = pe.add(x64, { shape: [B, L, D], encoding: enc, positions });
    const tb64 = pe.sinusoidal({ dim: D, ...enc, positions, dtype: 'float64' });
    for (let i = 0; i < x.length; i++) expect(g64[i]).toBe(x64[i] + tb64[i]);
    // dtype float64 keeps the float32 values of the float32 computation.
    for (let i = 0; i < tb64.length; i++) expect(tb64[i]).toBe(table[i]);
  });

  it('rope: HF float32 path (inv_freq, angle, cos·af, products and sum in float32)', () => {
    const pe = get();
    const rand = rng(47);
    for (const layout of ['halves', 'interleaved'] as const) {
      const [H, L, D] = [3, 9, 16];
      const x = Float32Array.from({ length: H * L * D }, () => (rand() - 0.5) * 4);
      const positions = Array.from({ length: L }, (_, i) => (i < 4 ? i : Math.floor(rand() * 2e5)));
      const scaling = { type: 'yarn' as const, factor: 4, originalMaxPositionEmbeddings: 64 };
      const { invFreq, attentionFactor } = pe.ropeFrequencies({ dim: D, scaling, float32Angles: true });
      const got = pe.rope(x, { shape: [1, H, L, D], positions, layout, scaling, float32Angles: true });
      const af = fr(attentionFactor);
      let exact = 0;
      for (let hh = 0; hh < H; hh++) {
        for (let l = 0; l < L; l++) {
          const o = (hh * L + l) * D;
          for (let i = 0; i < D / 2; i++) {
            const a = fr(fr(positions[l]) * invFreq[i]);
            const c = fr(fr(Math.cos(a)) * af), s = fr(fr(Math.sin(a)) * af);
            const [ja, jb] = layout === 'halves' ? [o + i, o + i + D / 2] : [o + 2 * i, o + 2 * i + 1];
            const wa = fr(fr(x[ja] * c) - fr(x[jb] * s)), wb = fr(fr(x[jb] * c) + fr(x[ja] * s));
            for (const [g, w] of [[got[ja], wa], [got[jb], wb]]) {
              if (g === w) exact++;
              else expect(Math.abs(g - w)).toBeLessThanOrEqual(4 * ulp32(Math.abs(x[ja]) + Math.abs(x[jb])));
            }
          }
        }
      }
      expect(exact / got.length).toBeGreaterThan(0.99);
    }
  });

  it('ropeFrequencies: HF float32 inv_freq chain; §9b Llama example at p = 131072, i = 1', () => {
    const pe = get();
    const f32 = pe.ropeFrequencies({ dim: 128, float32Angles: true }).invFreq;
    const f64 = pe.ropeFrequencies({ dim: 128 }).invFreq;
    for (let i = 0; i < 64; i++) expect(f32[i]).toBe(fr(1 / fr(Math.pow(10000, fr((2 * i) / 128)))));
    expect(Number((Math.abs(f32[1] - f64[1]) / f64[1]).toPrecision(2))).toBe(3.4e-8);
    expect(fr(131072 * f32[1])).toBeCloseTo(113503.68, 2);
    expect(131072 * f64[1]).toBeCloseTo(113503.675791, 6);
    // cos of the two angles through rope: x = e_1, halves → out[1] = cos θ_1.
    const x = new Float32Array(128);
    x[1] = 1;
    const a = pe.rope(x, { shape: [1, 1, 1, 128], positions: [131072], float32Angles: true });
    const b = pe.rope(x, { shape: [1, 1, 1, 128], positions: [131072] });
    expect(Number(Math.abs(a[1] - b[1]).toPrecision(2))).toBe(3.4e-3);
    // Scaled chains in float32 (linear, llama3, longrope): every value is a float32.
    for (const scaling of [
      { type: 'linear', factor: 4 },
      { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 },
      { type: 'longrope', longFactor: Array(64).fill(1.5), shortFactor: Array(64).fill(1), originalMaxPositionEmbeddings: 4096, factor: 32 },
      { type: 'dynamic', factor: 2, maxPositionEmbeddings: 2048 },
    ] as const) {
      const g = pe.ropeFrequencies({ dim: 128, base: 500000, scaling, float32Angles: true, seqLen: 5000 });
      const h = pe.ropeFrequencies({ dim: 128, base: 500000, scaling, seqLen: 5000 });
      for (let i = 0; i < 64; i++) {
        expect(g.invFreq[i]).toBe(fr(g.invFreq[i]));
        expect(Math.abs(g.invFreq[i] - h.invFreq[i]) / h.invFreq[i]).toBeLessThan(2e-6);
      }
    }
  });

  it('sincos2d: MoCo v3 / timm / big_vision float32 chains', () => {
    const pe = get();
    const [H, W, D] = [6, 9, 32];
    const K = D / 4;
    for (const preset of ['mocov3', 'timm', 'bigvision', 'mae', 'tensor2tensor'] as Preset2d[]) {
      const den = preset === 'bigvision' ? K - 1 : K;
      // torch: 1. / (temperature ** (torch.arange(K, dtype=torch.float32) / K)); jax alike;
      // TensorFlow (tensor2tensor): exp(to_float(range(K)) · −(log(max) / (to_float(K) − 1))).
      const inc = fr(fr(Math.log(10000)) / (K - 1));
      const w = Array.from({ length: K }, (_, k) => (preset === 'tensor2tensor' ? fr(Math.exp(fr(k * -inc))) : fr(1 / fr(Math.pow(10000, fr(k / den))))));
      const got = pe.sincos2d({ height: H, width: W, dim: D, preset, float32Angles: true, clsToken: false });
      const want: number[] = [];
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
        const f = (p: number, fn: (a: number) => number) => w.map((wk) => fr(fn(fr(p * wk))));
        const [sr, cr, sc, cc] = [f(r, Math.sin), f(r, Math.cos), f(c, Math.sin), f(c, Math.cos)];
        const blocks = { mae: [sc, cc, sr, cr], bigvision: [sc, cc, sr, cr], mocov3: [sr, cr, sc, cc], timm: [sr, sc, cr, cc], tensor2tensor: [sr, cr, sc, cc] }[preset];
        want.push(...blocks.flat());
      }
      expect(expectWithinUlp(got, want, preset)).toBeGreaterThan(0.99);
    }
  });
});

describe('float32Angles: bad input', () => {
  it('is a boolean, on every function that takes it', async () => {
    const pe = await init({ backend: 'wasm-simd' });
    expect(() => pe.sinusoidal({ dim: 8, length: 2, float32Angles: 'yes' as never })).toThrow(/posenc\.sinusoidal: options\.float32Angles must be true or false, got "yes"/);
    expect(() => pe.add(new Float32Array(8), { shape: [1, 8], encoding: { float32Angles: 1 as never } })).toThrow(/posenc\.add: options\.encoding\.float32Angles must be true or false, got 1/);
    expect(() => pe.sincos2d({ height: 1, width: 1, dim: 8, float32Angles: null as never })).toThrow(TypeError);
    expect(() => pe.ropeFrequencies({ dim: 8, float32Angles: 0 as never })).toThrow(/options\.float32Angles must be true or false/);
  });
});

describe('float32Angles across backends', () => {
  it('wasm-simd and wasm give the same bits', async () => {
    const a = await init({ backend: 'wasm-simd' });
    const b = await init({ backend: 'wasm' });
    const positions = Array.from({ length: 50 }, (_, i) => i * 997.25);
    for (const preset of ['vaswani', 'marian', 'tensor2tensor', 'fairseq', 'whisper', 'seed'] as Preset[]) {
      for (const dtype of ['float32', 'float64'] as const) {
        const o = { dim: 30, preset, positions, dtype, float32Angles: true };
        expect(firstByteDiff(a.sinusoidal(o), b.sinusoidal(o))).toBe(-1);
      }
    }
    const x = Float32Array.from({ length: 2 * 3 * 50 * 24 }, (_, i) => Math.sin(i));
    const xs: FloatArray[] = [x, Float64Array.from(x)];
    for (const xv of xs) {
      const o = { shape: [2, 3, 50, 24], positions: positions.concat(positions), float32Angles: true, layout: 'interleaved' as const };
      expect(firstByteDiff(a.rope(xv, o), b.rope(xv, o))).toBe(-1);
    }
  });
});
