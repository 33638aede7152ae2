// T5 relative position buckets and bias (conventions §16): every relative position in
// [−10^5, 10^5] (and far ones) for a dozen (numBuckets, maxDistance, bidirectional) against
// torch's _relative_position_bucket (test/vectors/bias.json stores them run-length encoded), the
// compute_bias grids with cache_position, and pe.relativeBias against torch's embedding gather
// and a plain-JS gather; every operand kind, on every backend.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { init, type ModuleTensor, type Posenc } from '../../src/index.js';
import { describeBackends, firstByteDiff, randomOperand } from '../support/backends.js';

interface Rule {
  numBuckets: number;
  maxDistance: number;
  bidirectional: boolean;
  runs: [number, number][];
  far: [number, number][];
}
interface Grid {
  queryLength: number;
  keyLength: number;
  queryOffset: number;
  bidirectional: boolean;
  buckets: number[];
  bias?: string;
}
const V = JSON.parse(readFileSync(new URL('../vectors/bias.json', import.meta.url), 'utf8')) as {
  t5: { range: number; rules: Rule[]; weight: string; grids: Grid[] };
};
const R = V.t5.range;

function f32(b64: string): Float32Array {
  const b = Buffer.from(b64, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
/** torch's bucket of every relative position −R…R, from the runs. */
function expand(runs: [number, number][]): Int32Array {
  const out = new Int32Array(2 * R + 1);
  runs.forEach(([start, b], i) => out.fill(b, start + R, i + 1 < runs.length ? runs[i + 1][0] + R : out.length));
  return out;
}
const WEIGHT = f32(V.t5.weight); // [32, 8]

/** The plain-JS gather: out[h, q, k] = weights[bucket·heads + h]. */
function gather(buckets: Int32Array, weights: Float32Array, heads: number, n: number): Float32Array {
  const out = new Float32Array(heads * n);
  for (let h = 0; h < heads; h++) for (let i = 0; i < n; i++) out[h * n + i] = weights[buckets[i] * heads + h];
  return out;
}

describeBackends('relativeBuckets', (pe) => {
  for (const rule of V.t5.rules) {
    const { numBuckets, maxDistance, bidirectional } = rule;
    it(`numBuckets ${numBuckets}, maxDistance ${maxDistance}, ${bidirectional ? 'bidirectional' : 'causal'}: every relative position in [−${R}, ${R}] and far ones as torch`, () => {
      // One query at offset R against keys 0…2R: relative positions k − R = −R…R.
      const got = pe().relativeBuckets({ queryLength: 1, keyLength: 2 * R + 1, queryOffset: R, numBuckets, maxDistance, bidirectional });
      const want = expand(rule.runs);
      const i = firstByteDiff(got, want);
      expect(i === -1 ? 'equal' : `relative position ${i / 4 - R}: posenc ${got[i / 4]}, torch ${want[i / 4]}`).toBe('equal');
      for (const [rel, b] of rule.far) {
        expect(pe().relativeBuckets({ queryLength: 1, keyLength: 1, queryOffset: -rel, numBuckets, maxDistance, bidirectional })[0], `rel ${rel}`).toBe(b);
      }
    });
  }

  it('the default rule is T5\'s (32 buckets, max distance 128, bidirectional)', () => {
    const rule = V.t5.rules.find((r) => r.numBuckets === 32 && r.maxDistance === 128 && r.bidirectional)!;
    const want = expand(rule.runs);
    const got = pe().relativeBuckets({ queryLength: 201, keyLength: 301 });
    for (let q = 0; q < 201; q++) for (let k = 0; k < 301; k += 7) expect(got[q * 301 + k]).toBe(want[k - q + R]);
  });

  it('compute_bias grids, with cache_position (queryOffset), as torch', () => {
    for (const g of V.t5.grids) {
      const got = pe().relativeBuckets({ queryLength: g.queryLength, keyLength: g.keyLength, queryOffset: g.queryOffset, bidirectional: g.bidirectional });
      expect(Array.from(got), JSON.stringify({ ...g, buckets: undefined, bias: undefined })).toEqual(g.buckets);
    }
    expect(pe().relativeBuckets({ queryLength: 0, keyLength: 5 }).length).toBe(0);
    expect(pe().relativeBuckets({ queryLength: 3, keyLength: 0 }).length).toBe(0);
  });
});

describeBackends('relativeBias', (pe, backend) => {
  it('compute_bias: torch\'s [heads, q, k] values bit for bit (encoder, decoder, decoding with a cache)', () => {
    for (const g of V.t5.grids.filter((c) => c.bias)) {
      const o = { heads: 8, queryLength: g.queryLength, keyLength: g.keyLength, queryOffset: g.queryOffset, bidirectional: g.bidirectional };
      expect(firstByteDiff(pe().relativeBias(WEIGHT, o), f32(g.bias!)), JSON.stringify(o)).toBe(-1);
    }
  });

  it('[12, 512, 512] and odd sizes: the plain-JS gather from relativeBuckets, every operand kind', () => {
    for (const [heads, Q, K, off, bidirectional] of [[12, 512, 512, 0, true], [3, 17, 1031, 5, false], [5, 700, 3, 0, true], [2, 1, 4097, 4096, false]] as const) {
      const w = randomOperand(32 * heads, false, heads) as Float32Array;
      const o = { heads, queryLength: Q, keyLength: K, queryOffset: off, bidirectional };
      const { heads: _h, ...grid } = o;
      const want = gather(pe().relativeBuckets(grid), w, heads, Q * K);
      const got = pe().relativeBias(w, o);
      expect(got).toBeInstanceOf(Float32Array);
      expect(firstByteDiff(got, want), JSON.stringify(o)).toBe(-1);
      const out = new Float32Array(heads * Q * K);
      expect(pe().relativeBias(w, { ...o, out })).toBe(out);
      expect(firstByteDiff(out, want)).toBe(-1);
      const wt = pe().alloc(w.length);
      wt.array.set(w);
      const ot = pe().alloc(heads * Q * K);
      expect(pe().relativeBias(wt, { ...o, out: ot })).toBe(ot);
      expect(firstByteDiff(ot.array, want)).toBe(-1);
      expect(firstByteDiff(pe().relativeBias(wt, o), want)).toBe(-1);
      const big = pe().alloc(heads * Q * K + 4);
      pe().relativeBias(w, { ...o, out: big.array.subarray(4) as Float32Array });
      expect(firstByteDiff(big.array.subarray(4), want)).toBe(-1);
      for (const t of [wt, ot, big] as ModuleTensor[]) t.free();
    }
  });

  it('long sequences: diagonals longer than the scratch window (queryLength + keyLength − 1 = 40 000, 16 heads)', () => {
    const w = randomOperand(32 * 16, false, 9) as Float32Array;
    const grid = { queryLength: 4, keyLength: 39997, queryOffset: 39996, bidirectional: false };
    const got = pe().relativeBias(w, { ...grid, heads: 16 });
    expect(firstByteDiff(got, gather(pe().relativeBuckets(grid), w, 16, 4 * 39997))).toBe(-1);
  });

  it('empty grids return empty arrays', () => {
    expect(pe().relativeBias(WEIGHT, { heads: 8, queryLength: 0, keyLength: 9 }).length).toBe(0);
    expect(pe().relativeBias(WEIGHT, { heads: 8, queryLength: 3, keyLength: 0 }).length).toBe(0);
  });

  if (backend !== 'js') {
    it('calls that fit the window leave module memory as it was', () => {
      pe().relativeBias(WEIGHT, { heads: 8, queryLength: 64, keyLength: 64 });
      const before = pe().memoryBytes;
      for (let i = 0; i < 5; i++) pe().relativeBias(WEIGHT, { heads: 8, queryLength: 64, keyLength: 64, queryOffset: i });
      expect(pe().memoryBytes).toBe(before);
    });
  }
});

describe('relative buckets: the float32 logarithm', () => {
  it('fl32(log x) of every quotient r/maxExact the rules meet up to 10^5 is far from a float32 rounding boundary (any float64 log rounds to the same float32)', () => {
    // The buckets use fl32 of a float64 logarithm (the backend's math: WebAssembly's or the
    // engine's Math.log, each within an ulp of float64). That is the correctly rounded float32
    // value, the same in every engine, unless the exact logarithm lies within a few float64 ulps
    // of a point halfway between two float32 values: none does for these inputs.
    let closest = Infinity;
    for (const me of [1, 2, 3, 4, 8, 12, 16, 25, 32, 64]) {
      for (let r = me; r <= 100000; r++) {
        const x = Math.fround(Math.fround(r) / me);
        if (x === 1) continue;
        const l = Math.log(x);
        const f = Math.fround(l);
        // The float32 neighbour on the other side of l, and the midpoint between them.
        const e = Math.floor(Math.log2(Math.abs(f)));
        const ulp = 2 ** (e - 23);
        // Below a power of two the spacing halves.
        const below = Math.abs(f) === 2 ** e && Math.abs(l) < Math.abs(f) ? ulp / 2 : ulp;
        const mid = Math.abs(l) > Math.abs(f) ? f + Math.sign(f) * ulp / 2 : f - Math.sign(f) * below / 2;
        closest = Math.min(closest, Math.abs(l - mid) / Math.abs(l));
      }
    }
    expect(closest).toBeGreaterThan(2 ** -48);
  });

  it('js and wasm give the same buckets for every rule of the fixture', async () => {
    const pes: Posenc[] = await Promise.all((['wasm-simd', 'js'] as const).map((backend) => init({ backend })));
    for (const rule of V.t5.rules) {
      const o = { queryLength: 1, keyLength: 2 * R + 1, queryOffset: R, numBuckets: rule.numBuckets, maxDistance: rule.maxDistance, bidirectional: rule.bidirectional };
      expect(firstByteDiff(pes[0].relativeBuckets(o), pes[1].relativeBuckets(o))).toBe(-1);
    }
  });
});
