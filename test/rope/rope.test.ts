// Rotary position embedding: the test values of conventions §7, a float64 reference over random
// shapes with the documented rounding bound, the relative-position property, the two layouts
// related by the per-head permutation of §7b, the HF scaling schedules (§7e), chunked/resident/
// in-place paths, SIMD vs scalar bits, and bad input.
import { describe, expect, it } from 'vitest';
import { init, type Posenc } from '../../src/index.js';
import type { FloatArray, RopeOptions, RopeScaling } from '../../src/api/types.js';
import { describeBackends, firstByteDiff, rng, ulp32 } from '../support/backends.js';

const X8 = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

/** Test values printed to 8 decimals: |Δ| ≤ 5e-9 (+ the float32 rounding of x·cos + rot·sin). */
function expectVec(got: ArrayLike<number>, want: number[], tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`[${i}] got ${got[i]}, want ${want[i]} (±${tol})`);
  }
}

/** The default inverse frequencies, straight from the formula (independent of the library). */
function defaultFreqs(rd: number, base = 10000): Float64Array {
  const f = new Float64Array(rd / 2);
  for (let i = 0; i < rd / 2; i++) f[i] = 1 / Math.pow(base, (2 * i) / rd);
  return f;
}

interface Case {
  batch: number;
  heads: number;
  length: number;
  headDim: number;
  rotaryDim: number;
  layout: 'halves' | 'interleaved';
  order: 'bhld' | 'blhd';
  offset?: number;
  positions?: Float64Array;
  af: number;
  freqs: Float64Array;
}

/**
 * Float64 reference of §7a/§7b (the formulas of docs/conventions.md), with the pass-through
 * features, and per element the bound of the documented rounding:
 *   float64 x: (|x_a| + |x_b|)·af·(2^-48 + |θ|·2^-49)  (c, s within a few f64 ulps of cos/sin·af
 *              plus the angle's own rounding, two products and a sum rounded in f64);
 *   float32 x: (|x_a| + |x_b|)·af·(2^-23 + |θ|·2^-49) + ulp32(ref)  (c, s rounded to float32:
 *              2^-24 relative each, the two float32 products 2^-24 each, the float32 sum ≤ ½ ulp).
 */
function reference(x: FloatArray, c: Case): { ref: Float64Array; tol: Float64Array } {
  const { batch, heads, length, headDim: D, rotaryDim: rd } = c;
  const h = rd / 2;
  const f32 = x instanceof Float32Array;
  const ref = new Float64Array(x.length);
  const tol = new Float64Array(x.length);
  for (let b = 0; b < batch; b++) {
    for (let hh = 0; hh < heads; hh++) {
      for (let l = 0; l < length; l++) {
        const o = c.order === 'bhld' ? ((b * heads + hh) * length + l) * D : ((b * length + l) * heads + hh) * D;
        const p = c.positions ? c.positions[c.positions.length === length ? l : b * length + l] : (c.offset ?? 0) + l;
        for (let i = 0; i < h; i++) {
          const th = p * c.freqs[i];
          const [ja, jb] = c.layout === 'halves' ? [o + i, o + i + h] : [o + 2 * i, o + 2 * i + 1];
          const xa = x[ja], xb = x[jb];
          const cs = Math.cos(th) * c.af, sn = Math.sin(th) * c.af;
          ref[ja] = xa * cs - xb * sn;
          ref[jb] = xb * cs + xa * sn;
          const m = (Math.abs(xa) + Math.abs(xb)) * c.af;
          tol[ja] = m * ((f32 ? 2 ** -23 : 2 ** -48) + Math.abs(th) * 2 ** -49) + (f32 ? ulp32(ref[ja]) : 0);
          tol[jb] = m * ((f32 ? 2 ** -23 : 2 ** -48) + Math.abs(th) * 2 ** -49) + (f32 ? ulp32(ref[jb]) : 0);
        }
        for (let j = rd; j < D; j++) ref[o + j] = x[o + j];
      }
    }
  }
  return { ref, tol };
}

function worst(got: ArrayLike<number>, ref: Float64Array, tol: Float64Array): { ratio: number; at: number } {
  let ratio = 0;
  let at = -1;
  for (let i = 0; i < ref.length; i++) {
    const e = Math.abs(got[i] - ref[i]);
    const r = e === 0 ? 0 : e / tol[i];
    if (!(r <= ratio)) {
      ratio = r;
      at = i;
    }
  }
  return { ratio, at };
}

function randomX(n: number, f64: boolean, rand: () => number): FloatArray {
  const x = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = (rand() - 0.5) * 4;
  return x;
}

const SCALINGS: (RopeScaling | undefined)[] = [
  undefined,
  { type: 'linear', factor: 4 },
  { type: 'dynamic', factor: 2, maxPositionEmbeddings: 16 },
  { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 64 },
  { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 },
];

function randomCase(rand: () => number, f64: boolean): { x: FloatArray; opts: RopeOptions; c: Omit<Case, 'freqs' | 'af'> } {
  const ri = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const batch = ri(1, 3), heads = ri(1, 4), length = ri(1, 37);
  const headDim = 2 * ri(1, 35);
  const rotaryDim = rand() < 0.6 ? headDim : 2 * ri(0, headDim / 2);
  const layout = rand() < 0.5 ? 'halves' : 'interleaved';
  const order = rand() < 0.7 ? 'bhld' : 'blhd';
  const shape = order === 'bhld' ? [batch, heads, length, headDim] : [batch, length, heads, headDim];
  const x = randomX(batch * heads * length * headDim, f64, rand);
  const opts: RopeOptions = { shape, layout, order };
  if (rotaryDim !== headDim) opts.rotaryDim = rotaryDim;
  const c: Omit<Case, 'freqs' | 'af'> = { batch, heads, length, headDim, rotaryDim, layout, order };
  const kind = rand();
  if (kind < 0.3) {
    const offset = [0, 3, 1000.25, 123456, 1e6 + 0.5][ri(0, 4)];
    opts.offset = offset;
    c.offset = offset;
  } else if (kind < 0.6) {
    const n = rand() < 0.5 ? length : batch * length;
    const p = new Float64Array(n);
    const big = rand() < 0.3;
    for (let i = 0; i < n; i++) p[i] = big ? rand() * 5e5 : rand() < 0.5 ? ri(0, 60) : rand() * 60;
    opts.positions = p;
    c.positions = p;
  }
  if (rotaryDim >= 4 && rand() < 0.5) opts.scaling = SCALINGS[ri(1, SCALINGS.length - 1)];
  return { x, opts, c };
}

/** The scaled frequencies of a case: the default schedule from the formula, others from ropeFrequencies (tested on their own below). */
function caseFreqs(pe: Posenc, c: Omit<Case, 'freqs' | 'af'>, opts: RopeOptions): { freqs: Float64Array; af: number } {
  if (c.rotaryDim === 0) return { freqs: new Float64Array(0), af: 1 };
  if (!opts.scaling) return { freqs: defaultFreqs(c.rotaryDim), af: 1 };
  const pos = c.positions ?? Float64Array.from({ length: c.length }, (_, l) => (c.offset ?? 0) + l);
  const seqLen = Math.max(...pos) + 1;
  const r = pe.ropeFrequencies({ dim: c.rotaryDim, scaling: opts.scaling, seqLen });
  return { freqs: r.invFreq, af: r.attentionFactor };
}

/** numpy's legacy np.random.seed(s); np.random.randn(n): MT19937 (init_genrand) + polar Box–Muller. */
function numpyRandn(seed: number, n: number): number[] {
  const mt = new Uint32Array(624);
  mt[0] = seed >>> 0;
  for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, mt[i - 1] ^ (mt[i - 1] >>> 30)) + i) >>> 0;
  let idx = 624;
  const next = () => {
    if (idx >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      idx = 0;
    }
    let y = mt[idx++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
  const double = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
  const out: number[] = [];
  let cached: number | null = null;
  while (out.length < n) {
    if (cached !== null) {
      out.push(cached);
      cached = null;
      continue;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * double() - 1;
      x2 = 2 * double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    cached = f * x1;
    out.push(f * x2);
  }
  return out;
}

describeBackends('rope', (get, backend) => {
  it('§7e test values: half-split and interleaved at p = 1, half-split at p = 7 (d = 8, float64)', () => {
    const pe = get();
    expectVec(pe.rope(X8, { shape: [1, 1, 1, 8], offset: 1 }),
      [-3.66705262, 1.39100783, 2.92985117, 3.991998, 3.54298251, 6.16969182, 7.0296495, 8.003996], 5e-9);
    expectVec(pe.rope(X8, { shape: [1, 1, 1, 8], offset: 1, layout: 'interleaved' }),
      [-1.14263966, 1.9220756, 2.58567883, 4.27951691, 4.939751, 6.04969917, 6.9919965, 8.006996], 5e-9);
    expectVec(pe.rope(X8, { shape: [1, 1, 1, 8], positions: [7] }),
      [-2.53103074, -2.33562175, 2.50305307, 3.94390246, 4.42649787, 5.8774885, 7.19268554, 8.02780377], 5e-9);
    // The layout defaults to 'halves' and the base to 10000.
    expect(firstByteDiff(pe.rope(X8, { shape: [1, 1, 1, 8], offset: 1 }), pe.rope(X8, { shape: [1, 1, 1, 8], offset: 1, layout: 'halves', base: 10000 }))).toBe(-1);
  });

  it('the same test values from float32 x (within float32 rounding)', () => {
    const x = Float32Array.from(X8);
    const got = pe().rope(x, { shape: [1, 1, 1, 8], offset: 1, layout: 'interleaved' });
    expect(got).toBeInstanceOf(Float32Array);
    expectVec(got, [-1.14263966, 1.9220756, 2.58567883, 4.27951691, 4.939751, 6.04969917, 6.9919965, 8.006996], 2e-6);
    function pe() {
      return get();
    }
  });

  it('a position at row 0 is the identity; rotaryDim 0 copies; empty shapes do nothing', () => {
    const pe = get();
    const x = Float32Array.from({ length: 4 * 6 }, (_, i) => i - 7.5);
    expect(firstByteDiff(pe.rope(x, { shape: [1, 4, 1, 6] }), x)).toBe(-1);
    expect(firstByteDiff(pe.rope(x, { shape: [2, 2, 3, 2], rotaryDim: 0, offset: 9 }), x)).toBe(-1);
    expect(pe.rope(new Float32Array(0), { shape: [0, 3, 4, 8] }).length).toBe(0);
    expect(pe.rope(new Float64Array(0), { shape: [2, 3, 0, 8] }).length).toBe(0);
    // Tiny dims: one pair.
    const two = pe.rope(Float64Array.of(1, 0), { shape: [1, 1, 1, 2], offset: 1 });
    expect(two[0]).toBeCloseTo(Math.cos(1), 15);
    expect(two[1]).toBeCloseTo(Math.sin(1), 15);
    // An odd headDim is fine when the rotary part is even: the last feature passes through.
    const odd = Float64Array.from({ length: 2 * 7 }, (_, i) => i + 1);
    const r = pe.rope(odd, { shape: [1, 1, 2, 7], rotaryDim: 2, positions: [0, 1], layout: 'interleaved' });
    expect(Array.from(r.subarray(0, 7))).toEqual(Array.from(odd.subarray(0, 7)));
    expect(r[7]).toBeCloseTo(8 * Math.cos(1) - 9 * Math.sin(1), 14);
    expect(r[8]).toBeCloseTo(9 * Math.cos(1) + 8 * Math.sin(1), 14);
    expect(Array.from(r.subarray(9))).toEqual([10, 11, 12, 13, 14]);
  });

  it('matches a float64 reference over random shapes, layouts, orders, positions and scalings', () => {
    const pe = get();
    const rand = rng(backend === 'js' ? 11 : 7);
    let maxRatio = 0;
    for (let t = 0; t < 120; t++) {
      const f64 = t % 2 === 1;
      const { x, opts, c } = randomCase(rand, f64);
      const { freqs, af } = caseFreqs(pe, c, opts);
      const { ref, tol } = reference(x, { ...c, freqs, af });
      const got = pe.rope(x, opts);
      const w = worst(got, ref, tol);
      if (w.ratio > 1) throw new Error(`case ${t} ${JSON.stringify({ ...c, positions: undefined, scaling: opts.scaling })}: element ${w.at} off by ${w.ratio}× the bound`);
      maxRatio = Math.max(maxRatio, w.ratio);
    }
    expect(maxRatio).toBeGreaterThan(0); // the reference is not trivially equal
  });

  it('§7e relative property value: ⟨R5 q, R3 k⟩ = ⟨R12 q, R10 k⟩ = −2.6807073160 (numpy seeds 0/1, d = 8)', () => {
    const pe = get();
    const q = Float64Array.from(numpyRandn(0, 8));
    const k = Float64Array.from(numpyRandn(1, 8));
    expect(q[0]).toBeCloseTo(1.76405235, 8); // np.random.seed(0); np.random.randn()
    expect(k[0]).toBeCloseTo(1.62434536, 8);
    const dot = (m: number, n: number) => {
      const a = pe.rope(q, { shape: [1, 1, 1, 8], positions: [m] });
      const b = pe.rope(k, { shape: [1, 1, 1, 8], positions: [n] });
      return a.reduce((acc, v, i) => acc + v * b[i], 0);
    };
    expect(Math.abs(dot(5, 3) - -2.680707316)).toBeLessThan(5e-11);
    expect(Math.abs(dot(12, 10) - -2.680707316)).toBeLessThan(5e-11);
  });

  it('relative position: ⟨R_m q, R_n k⟩ = ⟨R_{m+t} q, R_{n+t} k⟩ (both layouts, with scaling)', () => {
    const pe = get();
    const rand = rng(3);
    const D = 64;
    for (const layout of ['halves', 'interleaved'] as const) {
      for (const scaling of [undefined, { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 256 } as RopeScaling]) {
        for (let trial = 0; trial < 10; trial++) {
          const q = randomX(D, true, rand), k = randomX(D, true, rand);
          const m = Math.floor(rand() * 500), n = Math.floor(rand() * 500), t = Math.floor(rand() * 5000);
          const dot = (pm: number, pn: number) => {
            const a = pe.rope(q, { shape: [1, 1, 1, D], positions: [pm], layout, scaling, seqLen: 10 });
            const b = pe.rope(k, { shape: [1, 1, 1, D], positions: [pn], layout, scaling, seqLen: 10 });
            let s = 0;
            for (let i = 0; i < D; i++) s += a[i] * b[i];
            return s;
          };
          const d0 = dot(m, n), d1 = dot(m + t, n + t);
          let qk = 0;
          for (let i = 0; i < D; i++) qk += Math.abs(q[i]) * Math.abs(k[i]);
          expect(Math.abs(d0 - d1)).toBeLessThanOrEqual(qk * 1e-10 * 2);
        }
      }
    }
  });

  it('§7b: halves(x[perm]) == interleaved(x)[perm] bit for bit, perm = [0, 2, 4, …, 1, 3, 5, …] per head', () => {
    const pe = get();
    const rand = rng(5);
    for (const f64 of [false, true]) {
      const [B, H, L, D, rd] = [2, 3, 5, 12, 8];
      const perm = [...Array.from({ length: rd / 2 }, (_, i) => 2 * i), ...Array.from({ length: rd / 2 }, (_, i) => 2 * i + 1)];
      for (let j = rd; j < D; j++) perm.push(j);
      const x = randomX(B * H * L * D, f64, rand);
      const xp = x.slice();
      for (let r = 0; r < B * H * L; r++) for (let j = 0; j < D; j++) xp[r * D + j] = x[r * D + perm[j]];
      const positions = Float64Array.from({ length: B * L }, () => rand() * 3000);
      const opts = { shape: [B, H, L, D], rotaryDim: rd, positions };
      const a = pe.rope(xp, { ...opts, layout: 'halves' });
      const b = pe.rope(x, { ...opts, layout: 'interleaved' });
      const bp = b.slice();
      for (let r = 0; r < B * H * L; r++) for (let j = 0; j < D; j++) bp[r * D + j] = b[r * D + perm[j]];
      expect(firstByteDiff(a, bp)).toBe(-1);
    }
  });

  it("order 'blhd' is the transpose of 'bhld'", () => {
    const pe = get();
    const rand = rng(9);
    const [B, H, L, D] = [2, 3, 7, 10];
    const x = randomX(B * H * L * D, false, rand);
    const xt = x.slice();
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) {
      xt[((b * L + l) * H + h) * D + d] = x[((b * H + h) * L + l) * D + d];
    }
    const a = pe.rope(x, { shape: [B, H, L, D], offset: 40, rotaryDim: 6 });
    const bt = pe.rope(xt, { shape: [B, L, H, D], order: 'blhd', offset: 40, rotaryDim: 6 });
    const at = a.slice();
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let l = 0; l < L; l++) for (let d = 0; d < D; d++) {
      at[((b * L + l) * H + h) * D + d] = a[((b * H + h) * L + l) * D + d];
    }
    expect(firstByteDiff(at, bt)).toBe(-1);
  });

  it('shared positions = the same list repeated per batch; linear scaling ≈ positions / factor', () => {
    const pe = get();
    const rand = rng(13);
    const [B, H, L, D] = [3, 2, 9, 16];
    const x = randomX(B * H * L * D, false, rand);
    const p = Float64Array.from({ length: L }, () => Math.floor(rand() * 100));
    const shared = pe.rope(x, { shape: [B, H, L, D], positions: p });
    const perBatch = pe.rope(x, { shape: [B, H, L, D], positions: Float64Array.from({ length: B * L }, (_, i) => p[i % L]) });
    expect(firstByteDiff(shared, perBatch)).toBe(-1);
    const x64 = randomX(B * H * L * D, true, rand);
    const lin = pe.rope(x64, { shape: [B, H, L, D], positions: p, scaling: { type: 'linear', factor: 4 } });
    const div = pe.rope(x64, { shape: [B, H, L, D], positions: p.map((v) => v / 4) });
    for (let i = 0; i < lin.length; i++) expect(Math.abs(lin[i] - div[i])).toBeLessThan(1e-12);
  });

  it('out: a new array by default, the given out, x itself (in place), module tensors; all the same bits', () => {
    const pe = get();
    const rand = rng(17);
    for (const [f64, order] of [[false, 'bhld'], [true, 'bhld'], [false, 'blhd'], [true, 'blhd']] as const) {
      // Large enough to stream through the scratch window in several chunks.
      const shape = order === 'bhld' ? [2, 5, 300, 40] : [2, 300, 5, 40];
      const n = 2 * 5 * 300 * 40;
      const x = randomX(n, f64, rand);
      const opts = { shape, order, rotaryDim: 36, positions: Float64Array.from({ length: 600 }, () => rand() * 1e4) };
      const fresh = pe.rope(x, opts);
      expect(fresh).not.toBe(x);
      const out = f64 ? new Float64Array(n) : new Float32Array(n);
      expect(pe.rope(x, { ...opts, out })).toBe(out);
      expect(firstByteDiff(out, fresh)).toBe(-1);
      const inPlace = x.slice();
      expect(pe.rope(inPlace, { ...opts, out: inPlace })).toBe(inPlace);
      expect(firstByteDiff(inPlace, fresh)).toBe(-1);
      const dtype = f64 ? 'float64' : 'float32';
      const tx = pe.alloc(n, dtype);
      tx.array.set(x);
      const to = pe.alloc(n, dtype);
      pe.rope(tx, { ...opts, out: to });
      expect(firstByteDiff(to.array, fresh)).toBe(-1);
      const plainFromTensor = pe.rope(tx, opts);
      expect(firstByteDiff(plainFromTensor, fresh)).toBe(-1);
      to.array.fill(0);
      pe.rope(x, { ...opts, out: to });
      expect(firstByteDiff(to.array, fresh)).toBe(-1);
      pe.rope(tx, { ...opts, out: tx });
      expect(firstByteDiff(tx.array, fresh)).toBe(-1);
      tx.free();
      to.free();
    }
  });

  it('bad input: TypeError / RangeError naming the parameter, thrown before anything is written', () => {
    const pe = get();
    const x = new Float32Array(2 * 3 * 4 * 8).fill(1);
    const out = new Float32Array(x.length).fill(7);
    const ok = { shape: [2, 3, 4, 8], out };
    const bad: [unknown, unknown, RegExp, ErrorConstructor][] = [
      [[1, 2], ok, /x must be a Float32Array, a Float64Array or a module tensor/, TypeError],
      [x, null, /options must be an options object/, TypeError],
      [x, { ...ok, lenght: 3 }, /unknown option options\.lenght/, TypeError],
      [x, { out }, /options\.shape is required/, TypeError],
      [x, { ...ok, shape: [2, 3, 32] }, /options\.shape must be of rank 4/, RangeError],
      [x, { ...ok, shape: [2, 3, 4, 7] }, /options\.shape must be consistent with x\.length = 192/, RangeError],
      [x, { ...ok, shape: [1, 1, 64, 3] }, /headDim \(options\.shape\[3\]\) must be even/, RangeError],
      [x, { ...ok, rotaryDim: 5 }, /options\.rotaryDim must be even and ≤ headDim = 8, got 5/, RangeError],
      [x, { ...ok, rotaryDim: 10 }, /options\.rotaryDim must be an integer in \[0, 8\], got 10/, RangeError],
      [x, { ...ok, layout: 'rotate_half' }, /options\.layout must be one of 'halves', 'interleaved', got "rotate_half"/, RangeError],
      [x, { ...ok, order: 'bshd' }, /options\.order must be one of 'bhld', 'blhd'/, RangeError],
      [x, { ...ok, base: 0 }, /options\.base must be a finite number > 0, got 0/, RangeError],
      [x, { ...ok, base: '1e4' }, /options\.base must be a number, got "1e4"/, TypeError],
      [x, { ...ok, offset: NaN }, /options\.offset must be a finite number, got NaN/, RangeError],
      [x, { ...ok, positions: [1, 2, 3] }, /options\.positions must be of length 4 \(shared\) or 8 \(batch × length\)/, RangeError],
      [x, { ...ok, positions: [0, 1, Infinity, 3] }, /options\.positions\[2\] must be a finite number, got Infinity/, RangeError],
      [x, { ...ok, positions: [0, 1, 2, 3], offset: 1 }, /give options\.offset or options\.positions, not both/, TypeError],
      [x, { ...ok, float32Angles: 1 }, /options\.float32Angles must be true or false, got 1/, TypeError],
      [x, { ...ok, scaling: { factor: 2 } }, /options\.scaling\.type is required/, TypeError],
      [x, { ...ok, scaling: { type: 'ntk', factor: 2 } }, /options\.scaling\.type must be one of 'default', 'linear'/, RangeError],
      [x, { ...ok, scaling: { type: 'linear' } }, /options\.scaling\.factor is required for type 'linear'/, TypeError],
      [x, { ...ok, scaling: { type: 'linear', factor: -2 } }, /options\.scaling\.factor must be a finite number > 0, got -2/, RangeError],
      [x, { ...ok, scaling: { type: 'linear', factor: 2, beta_fast: 3 } }, /unknown option options\.scaling\.beta_fast/, TypeError],
      [x, { ...ok, scaling: { type: 'dynamic', factor: 2 } }, /options\.scaling\.maxPositionEmbeddings is required/, TypeError],
      [x, { ...ok, scaling: { type: 'yarn', factor: 2 } }, /options\.scaling\.originalMaxPositionEmbeddings \(or maxPositionEmbeddings\) is required/, TypeError],
      [x, { ...ok, scaling: { type: 'yarn', factor: 2, originalMaxPositionEmbeddings: 64, truncate: 'no' } }, /options\.scaling\.truncate must be true or false/, TypeError],
      [x, { ...ok, scaling: { type: 'llama3', factor: 8, lowFreqFactor: 0, highFreqFactor: 1, originalMaxPositionEmbeddings: 64 } }, /options\.scaling\.lowFreqFactor must be a finite number > 0, got 0/, RangeError],
      [x, { ...ok, scaling: { type: 'longrope', longFactor: [1, 2], shortFactor: [1, 1, 1, 1], originalMaxPositionEmbeddings: 64, factor: 2 } }, /options\.scaling\.longFactor\.length must be rotaryDim\/2 = 4, got 2/, RangeError],
      [x, { ...ok, out: new Float64Array(x.length) }, /options\.out must be a Float32Array \(x's dtype\)/, TypeError],
      [x, { ...ok, out: new Float32Array(8) }, /options\.out\.length must be 192, got 8/, RangeError],
      [x, { ...ok, out: new Float32Array(x.buffer, 4, x.length - 1) }, /options\.out\.length must be 192/, RangeError],
    ];
    for (const [xv, o, re, E] of bad) {
      let err: unknown;
      try {
        pe.rope(xv as Float32Array, o as RopeOptions);
      } catch (e) {
        err = e;
      }
      expect(err, String(re)).toBeInstanceOf(E);
      expect((err as Error).message).toMatch(/^posenc\.rope: /);
      expect((err as Error).message).toMatch(re);
      expect(out.every((v) => v === 7)).toBe(true);
    }
    // Partial overlap (same length, shifted by one element).
    const buf = new Float32Array(x.length + 1);
    const xs = buf.subarray(0, x.length), os = buf.subarray(1);
    expect(() => pe.rope(xs, { shape: [2, 3, 4, 8], out: os })).toThrow(/options\.out overlaps x partially/);
    // A detached x and a freed tensor are TypeErrors, checked first.
    const d = new Float32Array(8);
    structuredClone(d.buffer, { transfer: [d.buffer] });
    expect(() => pe.rope(d, { shape: [1, 1, 1, 8] })).toThrow(TypeError);
    const t = pe.alloc(8);
    t.free();
    expect(() => pe.rope(t, { shape: [1, 1, 1, 8] })).toThrow(/already freed/);
    expect(() => pe.rope(x, { shape: [2, 3, 4, 8], out: t })).toThrow(/options\.out is a module tensor that was already freed/);
  });
});

describeBackends('ropeFrequencies (§7e test values)', (get) => {
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

  it('default and linear', () => {
    const pe = get();
    const d = pe.ropeFrequencies({ dim: 8 });
    expectVec(d.invFreq, [1, 0.1, 0.01, 0.001], 1e-15);
    expect(d.attentionFactor).toBe(1);
    const lin = pe.ropeFrequencies({ dim: 128, scaling: { type: 'linear', factor: 4 } });
    expect(lin.invFreq[0]).toBe(0.25);
    expect(lin.invFreq[1]).toBeCloseTo(0.2164910808, 10);
    expect(rel(lin.invFreq[63], 2.8869549617e-5)).toBeLessThan(5e-10);
  });

  it('dynamic NTK: base′ for seq_len 4096, and the plain base up to max_position_embeddings', () => {
    const pe = get();
    const s = { type: 'dynamic', factor: 2, maxPositionEmbeddings: 2048 } as const;
    const f = pe.ropeFrequencies({ dim: 128, scaling: s, seqLen: 4096 });
    expect(f.base).toBeCloseTo(30527.7367488067, 8);
    expect(f.invFreq[1]).toBeCloseTo(0.8509942913, 10);
    expect(rel(f.invFreq[63], 3.8492732823e-5)).toBeLessThan(5e-10);
    for (const seqLen of [undefined, 1, 2048]) {
      const g = pe.ropeFrequencies({ dim: 128, scaling: s, seqLen });
      expect(g.base).toBe(10000);
      expect(firstByteDiff(g.invFreq, pe.ropeFrequencies({ dim: 128 }).invFreq)).toBe(-1);
    }
    // rope(): seq_len = max position + 1 (HF dynamic_rope_update), or the seqLen option.
    const x = Float64Array.from({ length: 128 }, (_, i) => Math.sin(i));
    const a = pe.rope(x, { shape: [1, 1, 1, 128], positions: [4095], scaling: s });
    const b = pe.rope(x, { shape: [1, 1, 1, 128], positions: [4095], scaling: { type: 'default' } });
    const c = pe.rope(x, { shape: [1, 1, 1, 128], positions: [4095], scaling: s, seqLen: 2048 });
    expect(firstByteDiff(a, b)).not.toBe(-1);
    expect(firstByteDiff(c, b)).toBe(-1);
  });

  it('yarn: correction range (20, 46), attention factor, ramp ratios, truncate: false, mscale', () => {
    const pe = get();
    const base = { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 4096 } as const;
    const y = pe.ropeFrequencies({ dim: 128, scaling: base });
    const d = pe.ropeFrequencies({ dim: 128 }).invFreq;
    expect(y.attentionFactor).toBeCloseTo(1.1386294361, 10);
    expect(y.invFreq[0]).toBe(1);
    expect(y.invFreq[20]).toBeCloseTo(0.0562341325, 10);
    expect(y.invFreq[20]).toBe(d[20]); // below low = 20: unchanged
    expect(rel(y.invFreq[25], 0.0234345526)).toBeLessThan(5e-9);
    expect(y.invFreq[25] / d[25]).toBeCloseTo(0.8557692, 7);
    expect(rel(y.invFreq[40], 0.0013378867)).toBeLessThan(5e-8);
    expect(y.invFreq[40] / d[40]).toBeCloseTo(0.4230769, 7);
    expect(rel(y.invFreq[63], 2.88695496e-5)).toBeLessThan(5e-9);
    expect(y.invFreq[63] / d[63]).toBeCloseTo(0.25, 12);
    const nt = pe.ropeFrequencies({ dim: 128, scaling: { ...base, truncate: false } });
    expect(rel(nt.invFreq[25], 0.0239255363)).toBeLessThan(5e-9);
    const ds = (extra: object) => pe.ropeFrequencies({ dim: 128, scaling: { type: 'yarn', factor: 40, originalMaxPositionEmbeddings: 4096, ...extra } }).attentionFactor;
    expect(ds({ mscale: 1, mscaleAllDim: 1 })).toBe(1);
    expect(ds({})).toBeCloseTo(1.3688879454, 10);
    expect(ds({ mscale: 1, mscaleAllDim: 0.707 })).toBeCloseTo(1.0857263993, 10);
    expect(ds({ attentionFactor: 0.5, mscale: 1, mscaleAllDim: 0.707 })).toBe(0.5);
    // factor from max/original when absent; original defaults to max_position_embeddings.
    const viaMax = pe.ropeFrequencies({ dim: 128, scaling: { type: 'yarn', maxPositionEmbeddings: 16384, originalMaxPositionEmbeddings: 4096 } });
    expect(firstByteDiff(viaMax.invFreq, y.invFreq)).toBe(-1);
    // The attention factor multiplies cos and sin.
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const s4 = { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 64 } as const;
    const af = pe.ropeFrequencies({ dim: 8, scaling: s4 }).attentionFactor;
    expect(pe.rope(x, { shape: [1, 1, 1, 8], scaling: s4 })[5]).toBeCloseTo(6 * af, 14);
  });

  it('llama3 (Llama 3.1): unchanged 0–28, smoothed 29–34, divided by 8 from 35', () => {
    const pe = get();
    const s = { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 } as const;
    const l = pe.ropeFrequencies({ dim: 128, base: 500000, scaling: s }).invFreq;
    const d = pe.ropeFrequencies({ dim: 128, base: 500000 }).invFreq;
    for (let i = 0; i <= 28; i++) expect(l[i]).toBe(d[i]);
    expect(l[29] / d[29]).toBeCloseTo(0.828168, 6);
    expect(l[31] / d[31]).toBeCloseTo(0.493507, 6);
    expect(l[34] / d[34]).toBeCloseTo(0.190211, 6);
    for (let i = 35; i < 64; i++) expect(l[i]).toBe(d[i] / 8);
    expect(rel(d[40], 2.742482e-4)).toBeLessThan(2e-7);
    expect(rel(l[40], 3.428102e-5)).toBeLessThan(2e-7);
  });

  it('llama3 with lowFreqFactor = highFreqFactor (Llama 4) or lowFreqFactor > highFreqFactor (HF only warns): no smoothing band', () => {
    const pe = get();
    const d = pe.ropeFrequencies({ dim: 128, base: 500000 }).invFreq;
    for (const [lff, hff] of [[1, 1], [4, 1]]) {
      const s = { type: 'llama3', factor: 16, lowFreqFactor: lff, highFreqFactor: hff, originalMaxPositionEmbeddings: 8192 } as const;
      for (const f32 of [false, true]) {
        const l = pe.ropeFrequencies({ dim: 128, base: 500000, scaling: s, float32Angles: f32 }).invFreq;
        const dd = f32 ? pe.ropeFrequencies({ dim: 128, base: 500000, float32Angles: true }).invFreq : d;
        for (let i = 0; i < 64; i++) {
          // HF: wavelength 2π/ω above original/lowFreqFactor → ω/factor, else ω (torch compares in float32).
          const wl = f32 ? Math.fround(Math.fround(2 * Math.PI) / dd[i]) : (2 * Math.PI) / dd[i];
          const bound = f32 ? Math.fround(8192 / lff) : 8192 / lff;
          expect(l[i], `${lff}/${hff} ${f32} ω[${i}]`).toBe(wl > bound ? (f32 ? Math.fround(dd[i] / 16) : dd[i] / 16) : dd[i]);
        }
      }
    }
    // pe.rope takes it too (what pe.model passes for Llama 4 configs).
    const x = Float32Array.from({ length: 2 * 128 }, (_, i) => (i % 7) / 7);
    const y = pe.rope(x, { shape: [1, 1, 2, 128], base: 500000, offset: 9000, scaling: { type: 'llama3', factor: 16, lowFreqFactor: 1, highFreqFactor: 1, originalMaxPositionEmbeddings: 8192 } });
    expect(y.every(Number.isFinite)).toBe(true);
  });

  it('longrope: long factors past original_max, attention factor √(1 + ln f / ln L)', () => {
    const pe = get();
    const s = { type: 'longrope', longFactor: [1, 2, 4, 8], shortFactor: [1, 1, 1, 1], originalMaxPositionEmbeddings: 4096, factor: 32 } as const;
    const long = pe.ropeFrequencies({ dim: 8, scaling: s, seqLen: 5000 });
    expectVec(long.invFreq, [1, 0.05, 0.0025, 0.000125], 1e-15);
    expect(long.attentionFactor).toBeCloseTo(1.1902380714, 10);
    const short = pe.ropeFrequencies({ dim: 8, scaling: s, seqLen: 4096 });
    expectVec(short.invFreq, [1, 0.1, 0.01, 0.001], 1e-15);
    const phi3 = pe.ropeFrequencies({ dim: 8, scaling: { ...s, factor: undefined, maxPositionEmbeddings: 131072 } });
    expect(phi3.attentionFactor).toBeCloseTo(1.1902380714, 10);
  });

  it('results are fresh arrays; cached schedules never skip validation', () => {
    const pe = get();
    const a = pe.ropeFrequencies({ dim: 8, scaling: { type: 'linear', factor: 2 } });
    a.invFreq.fill(0);
    expect(pe.ropeFrequencies({ dim: 8, scaling: { type: 'linear', factor: 2 } }).invFreq[0]).toBe(0.5);
    expect(() => pe.ropeFrequencies({ dim: 8, scaling: { type: 'linear', factor: 2, typo: undefined } as never })).toThrow(/unknown option options\.scaling\.typo/);
    const x = new Float32Array(8);
    pe.rope(x, { shape: [1, 1, 1, 8], scaling: { type: 'linear', factor: 2 } });
    expect(() => pe.rope(x, { shape: [1, 1, 1, 8], scaling: { type: 'linear', factor: 2, typo: undefined } as never })).toThrow(TypeError);
  });

  it('bad input', () => {
    const pe = get();
    expect(() => pe.ropeFrequencies({ dim: 7 })).toThrow(/options\.dim must be even/);
    expect(() => pe.ropeFrequencies({} as never)).toThrow(/options\.dim is required/);
    expect(() => pe.ropeFrequencies({ dim: 8, theta: 5 } as never)).toThrow(/unknown option options\.theta/);
    expect(() => pe.ropeFrequencies({ dim: 2, scaling: { type: 'dynamic', factor: 2, maxPositionEmbeddings: 8 }, seqLen: 20 })).toThrow(RangeError);
    expect(() => pe.ropeFrequencies({ dim: 8, scaling: { type: 'longrope', longFactor: [1, 2, 3, 0], shortFactor: [1, 1, 1, 1], originalMaxPositionEmbeddings: 64, factor: 2 } })).toThrow(/longFactor\[3\] must be a finite number > 0, got 0/);
  });
});

describe('rope across backends', () => {
  it('wasm-simd and wasm give the same bits; js stays within the bound (checked above) and close', async () => {
    const simd = await init({ backend: 'wasm-simd' });
    const scalar = await init({ backend: 'wasm' });
    const js = await init({ backend: 'js' });
    const rand = rng(23);
    for (let t = 0; t < 60; t++) {
      const { x, opts } = randomCase(rand, t % 2 === 0);
      const o = t % 3 === 0 ? { ...opts, float32Angles: true } : opts;
      const a = simd.rope(x, o);
      const b = scalar.rope(x, o);
      expect(firstByteDiff(a, b), JSON.stringify({ shape: o.shape, layout: o.layout })).toBe(-1);
      const c = js.rope(x, o);
      for (let i = 0; i < a.length; i++) {
        const m = Math.max(Math.abs(a[i]), 1);
        if (!(Math.abs(a[i] - c[i]) <= m * 2 ** -20)) throw new Error(`case ${t} element ${i}: wasm ${a[i]} js ${c[i]}`);
      }
    }
  });
});
