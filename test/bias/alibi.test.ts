// ALiBi (conventions §15): the slopes of BLOOM/Falcon and MPT against PyTorch's float32 values
// (test/vectors/bias.json, scripts/bias-vectors.py), pow 'exact' against exactly rounded powers,
// and pe.addAlibi against torch's scores·scale + slopes·positions (float32 and float64) and the
// bias tensors of build_alibi_tensor / build_mpt_alibi_tensor; every operand kind (plain arrays,
// in place, module tensors, views, chunks through the scratch window), on every backend.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FloatArray, ModuleTensor, Posenc } from '../../src/index.js';
import { describeBackends, firstByteDiff, randomOperand } from '../support/backends.js';

interface Vectors {
  slopes128: Record<'bloom' | 'mpt', string>;
  slopes: { preset: 'bloom' | 'mpt'; maxBias: number; heads: number; slopes: number[] }[];
  exactSlopes: { preset: 'bloom' | 'mpt'; maxBias: number; heads: number; slopes: number[] }[];
  alibi: { name: string; shape: number[]; keyPositions: number[]; scale: number; bias: string; out: string; out64?: string }[];
}

const V = JSON.parse(readFileSync(new URL('../vectors/bias.json', import.meta.url), 'utf8')) as Vectors;

function f32(b64: string): Float32Array {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function f64(b64: string): Float64Array {
  const b = Buffer.from(b64, 'base64');
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
/** The generator's input: fl32(((i·7919) mod 1001 − 500) / 250). */
function xdata(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => (((i * 7919) % 1001) - 500) / 250);
}
const bitsOf = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0];
const ulps = (a: number, b: number) => Math.abs(bitsOf(a) - bitsOf(b));

/** torch's slopes for heads 1…128, in order, from the fixture's concatenation. */
function torchSlopes128(preset: 'bloom' | 'mpt'): Float32Array[] {
  const all = f32(V.slopes128[preset]);
  const out: Float32Array[] = [];
  for (let n = 1, at = 0; n <= 128; at += n, n++) out.push(all.subarray(at, at + n));
  return out;
}

/** The documented rounding, in plain JS: fl32(fl32(scale·s) + fl32(slope·kp)) (float64: the same in float64). */
function reference(s: FloatArray, [B, H, Q, K]: number[], slopes: ArrayLike<number>, kp: ArrayLike<number>, scale: number): FloatArray {
  const isF64 = s instanceof Float64Array;
  const r = isF64 ? (v: number) => v : Math.fround;
  const out = isF64 ? new Float64Array(s.length) : new Float32Array(s.length);
  const perBatch = kp.length === B * K && B !== 1;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let q = 0; q < Q; q++) {
        const o = ((b * H + h) * Q + q) * K;
        for (let k = 0; k < K; k++) out[o + k] = r(r(r(scale) * s[o + k]) + r(r(slopes[h]) * r(kp[(perBatch ? b * K : 0) + k])));
      }
    }
  }
  return out;
}

describeBackends('alibiSlopes', (pe) => {
  for (const preset of ['bloom', 'mpt'] as const) {
    it(`${preset}: torch's float32 slopes for heads 1…128, bit for bit (maxBias 8)`, () => {
      const expected = torchSlopes128(preset);
      const differ: string[] = [];
      for (let n = 1; n <= 128; n++) {
        const got = pe().alibiSlopes(n, { preset });
        expect(got).toBeInstanceOf(Float32Array);
        expect(got.length).toBe(n);
        if (firstByteDiff(got, expected[n - 1]) !== -1) differ.push(`heads ${n}`);
      }
      expect(differ).toEqual([]);
    });
  }

  it('the non-power-of-two head counts: BLOOM 12, 40, 80 and MPT 12, 48 (odd powers of the next base; MPT reordering)', () => {
    for (const [preset, n] of [['bloom', 12], ['bloom', 40], ['bloom', 80], ['mpt', 12], ['mpt', 48]] as const) {
      expect(Array.from(pe().alibiSlopes(n, { preset })), `${preset} ${n}`).toEqual(Array.from(torchSlopes128(preset)[n - 1]));
    }
    // BLOOM 12: 2^(−k) for k = 1…8, then 2^(−0.5), 2^(−1.5), 2^(−2.5), 2^(−3.5) rounded as torch.
    const b12 = pe().alibiSlopes(12);
    expect(Array.from(b12.subarray(0, 8))).toEqual([0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625]);
    expect(b12[8]).toBe(Math.fround(Math.SQRT1_2));
    // MPT 12: N = 16, slopes 2^(−k/2); the odd-indexed (k even) first.
    const m12 = pe().alibiSlopes(12, { preset: 'mpt' });
    expect(Array.from(m12.subarray(0, 8))).toEqual([0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625]);
    expect(m12[8]).toBe(Math.fround(1 / Math.fround(Math.SQRT2)));
  });

  it('more heads and other maxBias: equal to torch but where torch\'s scalar powf (glibc, not correctly rounded) is 1 ulp off', () => {
    let differ = 0;
    for (const c of V.slopes) {
      const got = pe().alibiSlopes(c.heads, { preset: c.preset, maxBias: c.maxBias });
      got.forEach((v, i) => {
        if (v !== c.slopes[i]) {
          differ++;
          expect(ulps(v, c.slopes[i]), `${c.preset} ${c.heads} maxBias ${c.maxBias} [${i}]`).toBe(1);
        }
      });
    }
    // One slope each, in torch's scalar tail: maxBias 8, heads 157 and 159 (the extra base to the
    // power 57); maxBias 6, heads 70, and maxBias 3, heads 38 and 40 (the extra base to the power 11).
    expect(differ).toBe(5);
  });

  it("pow 'exact': every slope the correctly rounded power of torch's float32 base", () => {
    for (const c of V.exactSlopes) {
      expect(Array.from(pe().alibiSlopes(c.heads, { preset: c.preset, maxBias: c.maxBias, pow: 'exact' })), `${c.preset} ${c.heads}`).toEqual(c.slopes);
    }
    // torch's vectorized pow is 1 ulp off in one slope of 16 heads (2^(−1/2)·… the 13th power).
    const t = pe().alibiSlopes(16);
    const e = pe().alibiSlopes(16, { pow: 'exact' });
    expect(Array.from(t).map((v, i) => ulps(v, e[i]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('maxBias generalises the rule: 2^(−maxBias·k/c) when the base is exact', () => {
    expect(Array.from(pe().alibiSlopes(4, { maxBias: 4 }))).toEqual([0.5, 0.25, 0.125, 0.0625]);
    expect(Array.from(pe().alibiSlopes(3, { maxBias: 16 }))).toEqual([2 ** -8, 2 ** -16, 2 ** -4]);
    expect(Array.from(pe().alibiSlopes(1))).toEqual([2 ** -8]);
    expect(Array.from(pe().alibiSlopes(2, { preset: 'mpt', maxBias: 2 }))).toEqual([0.5, 0.25]);
  });
});

describeBackends('addAlibi', (pe, backend) => {
  for (const c of V.alibi) {
    it(`${c.name}: torch's float32 scores·scale + slopes·positions bit for bit; the bias tensor itself`, () => {
      const [B, H, Q, K] = c.shape;
      const preset = c.name.startsWith('mpt') ? 'mpt' : 'bloom';
      const slopes = pe().alibiSlopes(H, { preset });
      const scores = xdata(B * H * Q * K);
      const got = pe().addAlibi(scores, { shape: c.shape, slopes, keyPositions: c.keyPositions, scale: c.scale });
      expect(firstByteDiff(got, f32(c.out))).toBe(-1);
      // scores 0 and scale 1: the bias alone, as build_alibi_tensor / build_mpt_alibi_tensor compute it.
      const bias = pe().addAlibi(new Float32Array(B * H * Q * K), { shape: c.shape, slopes, keyPositions: c.keyPositions });
      const ref = f32(c.bias); // [B·H, 1, K]
      const expected = new Float32Array(B * H * Q * K);
      for (let r = 0; r < B * H; r++) for (let q = 0; q < Q; q++) expected.set(ref.subarray(r * K, r * K + K), (r * Q + q) * K);
      expect(firstByteDiff(bias, expected)).toBe(-1);
      if (c.out64) {
        const got64 = pe().addAlibi(Float64Array.from(scores), { shape: c.shape, slopes: Float64Array.from(slopes), keyPositions: c.keyPositions, scale: c.scale });
        expect(got64).toBeInstanceOf(Float64Array);
        expect(firstByteDiff(got64, f64(c.out64))).toBe(-1);
      }
    });
  }

  const S = [2, 3, 5, 37];
  const n = S.reduce((a, b) => a * b);
  const slopes = [0.5, 0.25, 0.0625];
  const perBatch = Array.from({ length: 2 * 37 }, (_, i) => (i % 37) - (i < 37 ? 3 : 0) + 0.5 * (i % 3));
  for (const isF64 of [false, true]) {
    const t = isF64 ? 'float64' : 'float32';
    it(`${t}: the documented rounding, default positions 0…keyLength−1, shared and per-batch positions, scale`, () => {
      const s = randomOperand(n, isF64, 3);
      const a = pe().addAlibi(s, { shape: S, slopes });
      expect(a).toBeInstanceOf(isF64 ? Float64Array : Float32Array);
      expect(firstByteDiff(a, reference(s, S, slopes, Array.from({ length: 37 }, (_, k) => k), 1))).toBe(-1);
      const b = pe().addAlibi(s, { shape: S, slopes, keyPositions: perBatch, scale: 1 / Math.sqrt(96) });
      expect(firstByteDiff(b, reference(s, S, slopes, perBatch, 1 / Math.sqrt(96)))).toBe(-1);
      const c = pe().addAlibi(s, { shape: S, slopes: Float32Array.from(slopes), keyPositions: Int32Array.from({ length: 37 }, (_, k) => k - 36), scale: -2 });
      expect(firstByteDiff(c, reference(s, S, slopes, Array.from({ length: 37 }, (_, k) => k - 36), -2))).toBe(-1);
      // the input is not modified when out is not given
      expect(firstByteDiff(s, randomOperand(n, isF64, 3))).toBe(-1);
    });

    it(`${t}: in place, into out, module tensors (in place, separate, views), mixed operands: the same bits`, () => {
      const s = randomOperand(n, isF64, 4);
      const dtype = isF64 ? 'float64' : 'float32';
      const o = { shape: S, slopes, keyPositions: perBatch, scale: 0.3 };
      const want = pe().addAlibi(s, o);
      const inPlace = s.slice();
      expect(pe().addAlibi(inPlace, { ...o, out: inPlace })).toBe(inPlace);
      const out = isF64 ? new Float64Array(n) : new Float32Array(n);
      expect(pe().addAlibi(s, { ...o, out })).toBe(out);
      const t = pe().alloc(n, dtype);
      t.array.set(s);
      expect(pe().addAlibi(t, { ...o, out: t })).toBe(t);
      const u = pe().alloc(n, dtype);
      const sepOut = pe().alloc(n, dtype);
      u.array.set(s);
      pe().addAlibi(u, { ...o, out: sepOut });
      const plainToTensor = pe().alloc(n, dtype);
      pe().addAlibi(s, { ...o, out: plainToTensor });
      const tensorToPlain = isF64 ? new Float64Array(n) : new Float32Array(n);
      pe().addAlibi(u, { ...o, out: tensorToPlain });
      // a view into a module tensor at an offset, in place
      const big = pe().alloc(n + 8, dtype);
      const view = big.array.subarray(8, 8 + n);
      view.set(s);
      pe().addAlibi(view, { ...o, out: view });
      for (const [name, v] of [['in place', inPlace], ['out', out], ['tensor in place', t.array], ['tensor → tensor', sepOut.array], ['plain → tensor', plainToTensor.array], ['tensor → plain', tensorToPlain], ['view', big.array.subarray(8, 8 + n)]] as const) {
        expect(firstByteDiff(v, want), name).toBe(-1);
      }
      expect(firstByteDiff(u.array, s), 'tensor input unchanged').toBe(-1);
      for (const x of [t, u, sepOut, plainToTensor, big] as ModuleTensor[]) x.free();
    });
  }

  it('long rows and many rows: chunks through the scratch window give the bits of the reference', () => {
    // [2, 4, 40, 3001] float32 = 3.8 MB (the window is 256 KiB) and [1, 2, 3, 70001] (a row of 280 KB)
    for (const shape of [[2, 4, 40, 3001], [1, 2, 3, 70001]]) {
      const m = shape.reduce((a, b) => a * b);
      const s = randomOperand(m, false, 5);
      const sl = pe().alibiSlopes(shape[1]);
      const kp = Array.from({ length: shape[0] * shape[3] }, (_, i) => (i * 7) % 100003);
      const want = reference(s, shape, sl, kp, 0.125);
      expect(firstByteDiff(pe().addAlibi(s, { shape, slopes: sl, keyPositions: kp, scale: 0.125 }), want)).toBe(-1);
      const t = pe().alloc(m);
      t.array.set(s);
      pe().addAlibi(t, { shape, slopes: sl, keyPositions: kp, scale: 0.125, out: t });
      expect(firstByteDiff(t.array, want)).toBe(-1);
      t.free();
    }
  });

  it('long distances: positions up to 10^6 (float32 rounds slope·kp once)', () => {
    const kp = [0, 1, 1000, 65535, 100000, 999999, 1000001, 2 ** 24 + 1];
    const sl = pe().alibiSlopes(4);
    const s = new Float32Array(4 * kp.length);
    const got = pe().addAlibi(s, { shape: [1, 4, 1, kp.length], slopes: sl, keyPositions: kp });
    for (let h = 0; h < 4; h++) {
      for (let k = 0; k < kp.length; k++) expect(got[h * kp.length + k]).toBe(Math.fround(sl[h] * Math.fround(kp[k])));
    }
  });

  it('empty shapes return empty arrays', () => {
    expect(pe().addAlibi(new Float32Array(0), { shape: [0, 4, 3, 3], slopes: [1, 2, 3, 4] }).length).toBe(0);
    expect(pe().addAlibi(new Float64Array(0), { shape: [2, 1, 3, 0], slopes: [1], keyPositions: [] }).length).toBe(0);
  });

  if (backend !== 'js') {
    it('leaves module memory as it was for plain arrays that fit the window (no growth per call)', () => {
      const s = randomOperand(n, false, 6);
      pe().addAlibi(s, { shape: S, slopes });
      const before = pe().memoryBytes;
      for (let i = 0; i < 5; i++) pe().addAlibi(s, { shape: S, slopes, keyPositions: perBatch });
      expect(pe().memoryBytes).toBe(before);
    });
  }
});

describe('addAlibi: the backends agree bit for bit', () => {
  it('wasm-simd, wasm and js give the same bytes (float32, float64, per-batch positions)', async () => {
    const { init } = await import('../../src/index.js');
    const pes: Posenc[] = await Promise.all((['wasm-simd', 'wasm', 'js'] as const).map((backend) => init({ backend })));
    const shape = [2, 5, 7, 131];
    const m = shape.reduce((a, b) => a * b);
    for (const isF64 of [false, true]) {
      const s = randomOperand(m, isF64, 7);
      const kp = Array.from({ length: 2 * 131 }, (_, i) => ((i * 7919) % 1001) / 3 - 100);
      const r = pes.map((p) => p.addAlibi(s, { shape, slopes: p.alibiSlopes(5, { preset: 'mpt' }), keyPositions: kp, scale: 1 / 3 }));
      expect(firstByteDiff(r[0], r[1])).toBe(-1);
      expect(firstByteDiff(r[0], r[2])).toBe(-1);
    }
  });
});
