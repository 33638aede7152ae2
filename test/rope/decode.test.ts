// The generation loop: decode steps, continuous batching and small repeated calls.
// - Ranged rows (rows of positions 0 … n − 1, grown as positions pass their end) give the bits of
//   an instance without a cache, on every backend, in both angle modes, at the ends of a table and
//   across its growth; for rope, add and concat.
// - Per-sequence positions ([batch] with length 1, [batch·length] in general) give the bits of each
//   sequence rotated on its own.
// - ropeStep is two rope calls in place.
// - A long decode loop keeps the cache within its budget and module memory bounded.
// - Remembered call shapes never serve a call that validation would refuse, nor stale options.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type FloatArray, type ModuleTensor, type Posenc } from '../../src/index.js';
import type { BackendName } from '../../src/api/types.js';
import { BACKENDS, firstByteDiff, onModuleTensor, randomOperand } from '../support/backends.js';

const H = 4, KV = 2, D = 32;

function copyOf(a: FloatArray): FloatArray {
  return a.slice();
}

for (const backend of BACKENDS) {
  describe(`generation loop [${backend}]`, () => {
    let on: Posenc;
    let off: Posenc;
    beforeAll(async () => {
      on = await init({ backend, cacheBytes: 8 * 2 ** 20 });
      off = await init({ backend, cacheBytes: 0 });
      expect(on.backend).toBe(backend);
    });

    for (const float32Angles of [false, true]) {
      for (const layout of ['halves', 'interleaved'] as const) {
        it(`decode steps from ranged rows have the generated bits (${layout}, float32Angles ${float32Angles}), at table ends and across growth`, () => {
          const q = randomOperand(H * D, false, 1);
          const k = randomOperand(KV * D, false, 2);
          const q64 = randomOperand(H * D, true, 3);
          const opts = { layout, float32Angles, base: 5e5 };
          // A prefill first: its table (positions 0 … 299, a power of two rows) serves the first steps.
          const pre = randomOperand(H * 300 * D, false, 4);
          for (let i = 0; i < 2; i++) {
            expect(firstByteDiff(on.rope(pre, { shape: [1, H, 300, D], ...opts }), off.rope(pre, { shape: [1, H, 300, D], ...opts }))).toBe(-1);
          }
          // Every position up to 2100 (growth at 512, 1024, 2048), then the ends again from the grown table.
          const steps = [...Array.from({ length: 2101 }, (_, p) => p), 255, 256, 511, 512, 1023, 1024, 2047, 2048, 0];
          for (const p of steps) {
            const a = on.rope(q, { shape: [1, H, 1, D], offset: p, ...opts });
            const b = off.rope(q, { shape: [1, H, 1, D], offset: p, ...opts });
            if (firstByteDiff(a, b) !== -1) expect.fail(`q at position ${p}`);
            const c = onModuleTensor(on, k, (t) => on.rope(t, { shape: [1, KV, 1, D], offset: p, out: t, ...opts }));
            const d = off.rope(k, { shape: [1, KV, 1, D], offset: p, ...opts });
            if (firstByteDiff(c, d) !== -1) expect.fail(`k (module tensor, in place) at position ${p}`);
            if (p % 97 === 0) {
              expect(firstByteDiff(on.rope(q64, { shape: [1, H, 1, D], offset: p, ...opts }), off.rope(q64, { shape: [1, H, 1, D], offset: p, ...opts })), `float64 at ${p}`).toBe(-1);
            }
          }
          expect(on.cachedBytes).toBeGreaterThan(0);
          expect(on.cachedBytes).toBeLessThanOrEqual(on.cacheBytes);
        });
      }

      it(`add and concat with an offset: ranged rows have the generated bits (float32Angles ${float32Angles})`, () => {
        const x = randomOperand(2 * 3 * 48, false, 5);
        const x64 = randomOperand(2 * 3 * 48, true, 6);
        const enc = { float32Angles, preset: 'marian' as const };
        for (const p of [0, 1, 2, 254, 255, 256, 257, 600, 1021, 1022, 1023, 1024, 5, 0]) {
          for (let i = 0; i < 2; i++) {
            expect(firstByteDiff(on.add(x, { shape: [2, 3, 48], offset: p, scale: 3, encoding: enc }), off.add(x, { shape: [2, 3, 48], offset: p, scale: 3, encoding: enc })), `add at ${p}`).toBe(-1);
            expect(firstByteDiff(on.add(x64, { shape: [2, 3, 48], offset: p, encoding: enc }), off.add(x64, { shape: [2, 3, 48], offset: p, encoding: enc })), `add f64 at ${p}`).toBe(-1);
            expect(firstByteDiff(on.concat(x, { shape: [2, 3, 48], offset: p, encoding: { ...enc, dim: 16 } }), off.concat(x, { shape: [2, 3, 48], offset: p, encoding: { ...enc, dim: 16 } })), `concat at ${p}`).toBe(-1);
          }
        }
        // Positions per sequence, and fairseq's pad row (formula position 1 is a zero row).
        const pos = [3, 700, 1, 1, 1, 2];
        expect(firstByteDiff(on.add(x, { shape: [2, 3, 48], positions: pos, encoding: { preset: 'fairseq', float32Angles } }), off.add(x, { shape: [2, 3, 48], positions: pos, encoding: { preset: 'fairseq', float32Angles } }))).toBe(-1);
        expect(firstByteDiff(on.add(x, { shape: [2, 3, 48], encoding: { preset: 'fairseq', float32Angles } }), off.add(x, { shape: [2, 3, 48], encoding: { preset: 'fairseq', float32Angles } }))).toBe(-1);
      });
    }

    it('positions that ranged rows do not hold (negative, fractional, −0, far) give the generated bits', () => {
      const q = randomOperand(2 * H * 3 * D, false, 7);
      for (const positions of [[-1, 0, 1, 2, 3, 4], [0.5, 1, 2, 3, 4, 5], [-0, 1, 2, 3, 4, 5], [1e9, 0, 1, 2, 3, 4], [2 ** 31, 1, 2, 3, 4, 5]]) {
        for (let i = 0; i < 3; i++) {
          expect(firstByteDiff(on.rope(q, { shape: [2, H, 3, D], positions }), off.rope(q, { shape: [2, H, 3, D], positions })), JSON.stringify(positions)).toBe(-1);
        }
      }
      for (const offset of [-3, 0.25, -0, 5e6]) {
        for (let i = 0; i < 3; i++) {
          expect(firstByteDiff(on.rope(q, { shape: [2, H, 3, D], offset }), off.rope(q, { shape: [2, H, 3, D], offset })), `offset ${offset}`).toBe(-1);
        }
      }
    });

    it('continuous batching: [batch] positions (length 1) give each sequence its own rotation; [batch·length] as well', () => {
      const B = 5;
      const q = randomOperand(B * H * D, false, 8);
      const positions = [17, 0, 4095, 300, 17];
      for (let round = 0; round < 3; round++) {
        const all = on.rope(q, { shape: [B, H, 1, D], positions });
        for (let b = 0; b < B; b++) {
          const one = off.rope(q.subarray(b * H * D, (b + 1) * H * D) as Float32Array, { shape: [1, H, 1, D], offset: positions[b] });
          expect(firstByteDiff(all.subarray(b * H * D, (b + 1) * H * D), one), `sequence ${b}`).toBe(-1);
        }
        // The same as explicit [batch·length] positions on a fresh instance, and in 'blhd' order.
        expect(firstByteDiff(all, off.rope(q, { shape: [B, H, 1, D], positions: Float64Array.from(positions) }))).toBe(-1);
        expect(firstByteDiff(on.rope(q, { shape: [B, 1, H, D], order: 'blhd', positions }), all)).toBe(-1);
      }
      // length 3 per sequence: [batch·length] positions, each sequence its own run.
      const L = 3;
      const x = randomOperand(B * H * L * D, false, 9);
      const pos = Array.from({ length: B * L }, (_, i) => positions[Math.floor(i / L)] + (i % L));
      for (let round = 0; round < 3; round++) {
        const all = on.rope(x, { shape: [B, H, L, D], positions: pos, layout: 'interleaved' });
        for (let b = 0; b < B; b++) {
          const n = H * L * D;
          const one = off.rope(x.subarray(b * n, (b + 1) * n) as Float32Array, { shape: [1, H, L, D], offset: positions[b], layout: 'interleaved' });
          expect(firstByteDiff(all.subarray(b * n, (b + 1) * n), one), `sequence ${b}`).toBe(-1);
        }
      }
    });

    it('ropeStep rotates q and k in place as two rope calls (arrays and module tensors, position and positions)', () => {
      const B = 3;
      const q0 = randomOperand(B * H * D, false, 10);
      const k0 = randomOperand(B * KV * D, false, 11);
      const scaling = { type: 'llama3' as const, factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 64 };
      for (const p of [0, 1, 511, 512, 513, 2000]) {
        const q = copyOf(q0), k = copyOf(k0);
        expect(on.ropeStep(q, k, { qShape: [B, H, 1, D], kShape: [B, KV, 1, D], position: p, base: 5e5, scaling })).toBeUndefined();
        expect(firstByteDiff(q, off.rope(q0, { shape: [B, H, 1, D], offset: p, base: 5e5, scaling })), `q at ${p}`).toBe(-1);
        expect(firstByteDiff(k, off.rope(k0, { shape: [B, KV, 1, D], offset: p, base: 5e5, scaling })), `k at ${p}`).toBe(-1);
        const positions = [p, p + 7, 3];
        const qt = on.alloc(q0.length), kt = on.alloc(k0.length);
        qt.array.set(q0);
        kt.array.set(k0);
        on.ropeStep(qt, kt, { qShape: [B, H, 1, D], kShape: [B, KV, 1, D], positions, layout: 'interleaved' });
        expect(firstByteDiff(qt.array, off.rope(q0, { shape: [B, H, 1, D], positions, layout: 'interleaved' })), `q tensors at ${p}`).toBe(-1);
        expect(firstByteDiff(kt.array, off.rope(k0, { shape: [B, KV, 1, D], positions, layout: 'interleaved' })), `k tensors at ${p}`).toBe(-1);
        qt.free();
        kt.free();
      }
    });

    it('a long decode loop keeps the cached rows within the budget and memory bounded, with no entry per position', async () => {
      const budget = 2 ** 20;
      const pe = await init({ backend, cacheBytes: budget });
      const q = pe.alloc(H * D), k = pe.alloc(KV * D);
      const qa = new Float32Array(H * D), ka = new Float32Array(KV * D);
      let memAt10k = 0;
      let most = 0;
      for (let p = 0; p < 100_000; p++) {
        pe.rope(q, { shape: [1, H, 1, D], offset: p, out: q });
        pe.rope(k, { shape: [1, KV, 1, D], offset: p, out: k });
        if (p % 10 === 0) pe.ropeStep(qa, ka, { qShape: [1, H, 1, D], kShape: [1, KV, 1, D], position: p });
        if (p === 10_000) memAt10k = pe.memoryBytes;
        if (p % 1000 === 0) most = Math.max(most, pe.cachedBytes);
      }
      most = Math.max(most, pe.cachedBytes);
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(budget);
      if (backend !== 'js') expect(pe.memoryBytes - memAt10k).toBeLessThanOrEqual(budget);
      // Beyond half the budget the rows are generated: still the bits of an instance without a cache.
      const x = randomOperand(H * D, false, 12);
      for (const p of [99_999, 5000, 4095, 4096]) {
        expect(firstByteDiff(pe.rope(x, { shape: [1, H, 1, D], offset: p }), off.rope(x, { shape: [1, H, 1, D], offset: p })), `position ${p}`).toBe(-1);
      }
      q.free();
      k.free();
    });

    it('a remembered multi-axis call follows its positions: changed in place, one value, −0 for 0, another array', () => {
      const L = 40;
      const q = randomOperand(2 * L * 64, false, 15);
      const pos = new Float64Array(3 * L).map((_, i) => (i * 7) % 50);
      const axes = { sections: [12, 10, 10], assign: 'cycle' as const };
      const call = (pe: Posenc, positions: ArrayLike<number>) => pe.rope(q, { shape: [1, 2, L, 64], base: 1e6, positions, axes });
      for (let round = 0; round < 8; round++) {
        if (round === 3) pos[5] += 1;
        if (round === 5) pos[0] = -0;
        const p = round === 7 ? Array.from(pos, (v) => v + 0.5) : pos;
        for (let i = 0; i < 2; i++) expect(firstByteDiff(call(on, p), call(off, Float64Array.from(p))), `round ${round}`).toBe(-1);
      }
      // The other assignment and sections are other call shapes.
      expect(firstByteDiff(on.rope(q, { shape: [1, 2, L, 64], base: 1e6, positions: pos, axes: { sections: [12, 10, 10] } }), off.rope(q, { shape: [1, 2, L, 64], base: 1e6, positions: pos, axes: { sections: [12, 10, 10] } }))).toBe(-1);
      expect(firstByteDiff(on.rope(q, { shape: [1, 2, L, 64], base: 1e6, positions: pos, axes: { sections: [10, 12, 10] } }), off.rope(q, { shape: [1, 2, L, 64], base: 1e6, positions: pos, axes: { sections: [10, 12, 10] } }))).toBe(-1);
    });

    it('a remembered call shape follows changed options: scaling and frequencies changed in place, other layouts, dtypes and outs', () => {
      const q = randomOperand(H * D, false, 13);
      const scaling: { type: 'yarn'; factor: number; originalMaxPositionEmbeddings: number } = { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 64 };
      const freqs = on.ropeFrequencies({ dim: D }).invFreq.slice();
      for (let round = 0; round < 4; round++) {
        if (round === 2) {
          scaling.factor = 8;
          freqs[3] *= 1.5;
        }
        for (const p of [5, 6]) {
          expect(firstByteDiff(on.rope(q, { shape: [1, H, 1, D], offset: p, scaling }), off.rope(q, { shape: [1, H, 1, D], offset: p, scaling: { ...scaling } })), `scaling round ${round}`).toBe(-1);
          expect(firstByteDiff(on.rope(q, { shape: [1, H, 1, D], offset: p, frequencies: freqs }), off.rope(q, { shape: [1, H, 1, D], offset: p, frequencies: freqs.slice() })), `frequencies round ${round}`).toBe(-1);
          expect(firstByteDiff(on.rope(q, { shape: [1, H, 1, D], offset: p, layout: round % 2 ? 'interleaved' : 'halves' }), off.rope(q, { shape: [1, H, 1, D], offset: p, layout: round % 2 ? 'interleaved' : 'halves' }))).toBe(-1);
          const out = new Float32Array(q.length);
          expect(on.rope(q, { shape: [1, H, 1, D], offset: p, out })).toBe(out);
          expect(firstByteDiff(out, off.rope(q, { shape: [1, H, 1, D], offset: p }))).toBe(-1);
          const x = randomOperand(16 * D, false, 14);
          const o2 = new Float32Array(x.length);
          expect(on.add(x, { shape: [1, 16, D], offset: p, out: o2, scale: round })).toBe(o2);
          expect(firstByteDiff(o2, off.add(x, { shape: [1, 16, D], offset: p, scale: round }))).toBe(-1);
        }
      }
    });
  });
}

describe('generation loop on 2 threads', () => {
  it('decode steps, batching and a prefill give the bits of one thread (small calls inline)', async () => {
    const two = await init({ backend: 'wasm-simd', threads: 2 });
    const one = await init({ backend: 'wasm-simd', cacheBytes: 0 });
    const q = randomOperand(4 * 32 * 128, false, 30);
    const pre = randomOperand(32 * 512 * 128, false, 31);
    for (let i = 0; i < 2; i++) {
      expect(firstByteDiff(two.rope(pre, { shape: [1, 32, 512, 128], layout: 'interleaved' }), one.rope(pre, { shape: [1, 32, 512, 128], layout: 'interleaved' }))).toBe(-1);
    }
    for (const p of [0, 1, 511, 512, 513, 1500]) {
      expect(firstByteDiff(two.rope(q.subarray(0, 32 * 128) as Float32Array, { shape: [1, 32, 1, 128], offset: p }), one.rope(q.subarray(0, 32 * 128) as Float32Array, { shape: [1, 32, 1, 128], offset: p })), `step at ${p}`).toBe(-1);
      const positions = [p, p + 3, 7, p + 100];
      expect(firstByteDiff(two.rope(q, { shape: [4, 32, 1, 128], positions }), one.rope(q, { shape: [4, 32, 1, 128], positions })), `batch at ${p}`).toBe(-1);
    }
  });
});

/** Every argument a rejected call may touch: all byte-identical afterwards. */
function snapshot(arrays: (FloatArray | ModuleTensor)[]): Uint8Array[] {
  return arrays.map((a) => {
    const v = 'array' in a && !(a instanceof Float32Array) && !(a instanceof Float64Array) ? (a as ModuleTensor).array : (a as FloatArray);
    return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  });
}

describe.each(BACKENDS.map((b) => [b]))('bad input of the generation loop [%s]', (backend: BackendName) => {
  let pe: Posenc;
  beforeAll(async () => {
    pe = await init({ backend });
  });

  it('a remembered call shape never serves a freed tensor: the repeated call throws as the first would', () => {
    for (const [name, call] of [
      ['add', (t: ModuleTensor) => pe.add(t, { shape: [4, 8] })],
      ['add in place', (t: ModuleTensor) => pe.add(t, { shape: [4, 8], out: t })],
      ['rope', (t: ModuleTensor) => pe.rope(t, { shape: [1, 1, 4, 8] })],
      ['rope in place', (t: ModuleTensor) => pe.rope(t, { shape: [1, 1, 4, 8], out: t })],
    ] as const) {
      const t = pe.alloc(32, 'float64');
      call(t);
      call(t);
      t.free();
      expect(() => call(t), name).toThrow(/freed/);
    }
  });

  const qShape = [1, H, 1, D], kShape = [1, KV, 1, D];
  type Case = [string, typeof TypeError | typeof RangeError, RegExp, (pe: Posenc, q: FloatArray, k: FloatArray) => unknown];
  const cases: Case[] = [
    ['q not a float array', TypeError, /^posenc\.ropeStep: q must be a Float32Array, a Float64Array or a module tensor, got a Int32Array/, (pe, _q, k) => pe.ropeStep(new Int32Array(H * D) as never, k, { qShape, kShape, position: 1 })],
    ['k of another dtype', TypeError, /^posenc\.ropeStep: k must be a Float32Array \(q's dtype\), got a Float64Array/, (pe, q) => pe.ropeStep(q, new Float64Array(KV * D), { qShape, kShape, position: 1 })],
    ['options not an object', TypeError, /^posenc\.ropeStep: options must be an options object, got 3/, (pe, q, k) => pe.ropeStep(q, k, 3 as never)],
    ['unknown option', TypeError, /^posenc\.ropeStep: unknown option options\.offset \(allowed: qShape, kShape, position, positions/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, position: 1, offset: 2 } as never)],
    ['qShape missing', TypeError, /^posenc\.ropeStep: options\.qShape is required \(\[batch, heads, length, headDim\]\)/, (pe, q, k) => pe.ropeStep(q, k, { kShape, position: 1 } as never)],
    ['qShape a string', TypeError, /^posenc\.ropeStep: options\.qShape must be an array \[batch, heads, length, headDim\], got "1,4,1,32"/, (pe, q, k) => pe.ropeStep(q, k, { qShape: '1,4,1,32' as never, kShape, position: 1 })],
    ['qShape of rank 3', RangeError, /^posenc\.ropeStep: options\.qShape must be of rank 4/, (pe, q, k) => pe.ropeStep(q, k, { qShape: [H, 1, D], kShape, position: 1 })],
    ['qShape fractional', RangeError, /^posenc\.ropeStep: options\.qShape\[1\] must be an integer ≥ 0, got 4\.5/, (pe, q, k) => pe.ropeStep(q, k, { qShape: [1, 4.5, 1, D], kShape, position: 1 })],
    ['qShape disagreeing with q', RangeError, /^posenc\.ropeStep: options\.qShape must be consistent with q\.length = 128, got \[1, 8, 1, 32\]/, (pe, q, k) => pe.ropeStep(q, k, { qShape: [1, 8, 1, D], kShape, position: 1 })],
    ['kShape disagreeing with k', RangeError, /^posenc\.ropeStep: options\.kShape must be consistent with k\.length = 64/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape: [1, KV, 2, D], position: 1 })],
    ['kShape of another batch', RangeError, /^posenc\.ropeStep: options\.kShape\[0\] must be q's batch = 1, got 2/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape: [2, 1, 1, D], position: 1 })],
    ['kShape of another headDim', RangeError, /^posenc\.ropeStep: options\.kShape\[3\] must be q's headDim = 32, got 16/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape: [1, 4, 1, 16], position: 1 })],
    ['no position', TypeError, /^posenc\.ropeStep: options\.position \(the step's position, a number\) or options\.positions .* is required/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape } as never)],
    ['position and positions', TypeError, /^posenc\.ropeStep: give options\.position or options\.positions, not both/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, position: 1, positions: [1] })],
    ['position NaN', RangeError, /^posenc\.ropeStep: options\.position must be a finite number, got NaN/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, position: NaN })],
    ['position a string', TypeError, /^posenc\.ropeStep: options\.position must be a number, got "3"/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, position: '3' as never })],
    ['positions of the wrong length', RangeError, /^posenc\.ropeStep: options\.positions must be of length 1 \(shared by the batch\) or 1 \(batch × length: each sequence at its own positions\), got \[1, 2\]/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, positions: [1, 2] })],
    ['positions with Infinity', RangeError, /^posenc\.ropeStep: options\.positions\[0\] must be a finite number, got Infinity/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, positions: [Infinity] })],
    ['q and k the same array', RangeError, /^posenc\.ropeStep: q and k overlap/, (pe, q) => pe.ropeStep(q, q, { qShape, kShape: qShape, position: 1 })],
    ['q and k overlapping views', RangeError, /^posenc\.ropeStep: q and k overlap/, (pe, q) => pe.ropeStep(q.subarray(0, 64) as Float32Array, q.subarray(32, 96) as Float32Array, { qShape: [1, 2, 1, D], kShape: [1, 2, 1, D], position: 1 })],
    ['a rope option checked for both: layout', RangeError, /^posenc\.ropeStep: options\.layout must be one of 'halves', 'interleaved', got "pairs"/, (pe, q, k) => pe.ropeStep(q, k, { qShape, kShape, position: 1, layout: 'pairs' as never })],
    ['rope: positions of batch·length + 1 after a remembered shape', RangeError, /^posenc\.rope: options\.positions must be of length 1 \(shared\) or 1 \(batch × length\), got \[0, 1\]/, (pe, q) => pe.rope(q, { shape: qShape, positions: [0, 1] })],
    ['rope: unknown option after a remembered shape', TypeError, /^posenc\.rope: unknown option options\.ofset/, (pe, q) => pe.rope(q, { shape: qShape, ofset: 1 } as never)],
    ['rope: offset Infinity after a remembered shape', RangeError, /^posenc\.rope: options\.offset must be a finite number, got Infinity/, (pe, q) => pe.rope(q, { shape: qShape, offset: Infinity, out: q })],
    ['rope: out of the other dtype after a remembered shape', TypeError, /^posenc\.rope: options\.out must be a Float32Array \(x's dtype\)/, (pe, q) => pe.rope(q, { shape: qShape, offset: 1, out: new Float64Array(q.length) })],
    ['rope: out partially overlapping x', RangeError, /^posenc\.rope: options\.out overlaps x partially/, (pe) => {
      const buf = new Float32Array(H * D + 4);
      return pe.rope(buf.subarray(0, H * D) as Float32Array, { shape: qShape, offset: 1, out: buf.subarray(4) as Float32Array });
    }],
    ['add: scale NaN after a remembered shape', RangeError, /^posenc\.add: options\.scale must be a finite number, got NaN/, (pe, q) => pe.add(q, { shape: [1, H, D], offset: 3, scale: NaN, out: q })],
    ['add: positions outside the integers after a remembered shape', RangeError, /^posenc\.add: options\.positions\[1\] must be a finite number, got NaN/, (pe, q) => pe.add(q, { shape: [1, H, D], positions: [1, NaN, 2, 3], out: q })],
    ['concat: out being x', RangeError, /^posenc\.concat: options\.out overlaps x \(concat cannot work in place\)/, (pe, q) => pe.concat(q.subarray(0, H * (D - 8)) as Float32Array, { shape: [1, H, D - 8], encoding: { dim: 8 }, out: q })],
  ];

  it.each(cases)('%s: the error names the parameter, nothing is written, the instance works on', (_name, type, message, call) => {
    const q = randomOperand(H * D, false, 20) as Float32Array;
    const k = randomOperand(KV * D, false, 21) as Float32Array;
    const qt = pe.alloc(H * D), kt = pe.alloc(KV * D);
    qt.array.set(q);
    kt.array.set(k);
    // Good calls of the same shapes first: the remembered shapes must not let the bad one through.
    const good = () => {
      pe.ropeStep(copyOf(q), copyOf(k), { qShape, kShape, position: 3 });
      pe.rope(copyOf(q), { shape: qShape, offset: 3 });
      pe.rope(qt, { shape: qShape, offset: 3 });
      pe.add(copyOf(q), { shape: [1, H, D], offset: 3 });
      pe.concat(copyOf(q).subarray(0, H * (D - 8)) as Float32Array, { shape: [1, H, D - 8], encoding: { dim: 8 }, offset: 3 });
    };
    good();
    good();
    const before = snapshot([q, k, qt, kt]);
    const wantQ = pe.rope(q, { shape: qShape, offset: 9 });
    for (const [x, y] of [[q, k], [qt, kt]] as const) {
      if (x === qt && /overlapping views|partially|concat: out/.test(_name)) continue; // array views only
      let err: unknown;
      try {
        call(pe, x as FloatArray, y as FloatArray);
      } catch (e) {
        err = e;
      }
      expect(err, 'it throws').toBeInstanceOf(type);
      expect((err as Error).message).toMatch(message);
    }
    const after = snapshot([q, k, qt, kt]);
    for (let i = 0; i < before.length; i++) expect(firstByteDiff(after[i], before[i]), `argument ${i} unchanged`).toBe(-1);
    expect(firstByteDiff(pe.rope(q, { shape: qShape, offset: 9 }), wantQ)).toBe(-1);
    qt.free();
    kt.free();
  });
});
