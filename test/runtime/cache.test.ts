// Cached encoding rows (init({ cacheBytes })): every call gives the bits of an instance without a
// cache, on the first (generated on the fly), second (rows generated into the cache) and later
// (rows streamed from the cache) calls; memory stays bounded whatever the keys.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type FloatArray, type Posenc } from '../../src/index.js';
import { BACKENDS, firstByteDiff, onModuleTensor, randomOperand } from '../support/backends.js';

type Call = (pe: Posenc) => FloatArray;

const B = 3, L = 96, D = 64;
const x32 = randomOperand(B * L * D, false, 1);
const x64 = randomOperand(B * L * D, true, 2);
const perBatch = Array.from({ length: B * L }, (_, i) => (i * 7919) % 1000 + 0.25 * (i % 3));
const shared = Array.from({ length: L }, (_, i) => 3 * i - 40);
const q32 = randomOperand(2 * 4 * L * 32, false, 3);
const q64 = randomOperand(2 * 4 * L * 32, true, 4);
// Multi-axis cases: wide enough rows (≥ 4096 elements a call) to be cached.
const qa32 = randomOperand(2 * 4 * L * 64, false, 5);
const qa64 = randomOperand(2 * 4 * L * 64, true, 6);
const pos3 = Array.from({ length: 3 * 2 * L }, (_, i) => (i % 5 === 0 ? i * 0.37 : Math.floor(i / 7) % 300));

const CALLS: [string, Call][] = [
  ['add f32 offset', (pe) => pe.add(x32, { shape: [B, L, D], offset: 5, scale: 2 })],
  ['add f64', (pe) => pe.add(x64, { shape: [B, L, D] })],
  ['add f32 module tensor in place', (pe) => onModuleTensor(pe, x32, (t) => pe.add(t, { shape: [B, L, D], out: t, scale: 8 }))],
  ['add shared positions', (pe) => pe.add(x32, { shape: [B, L, D], positions: shared })],
  ['add per-batch positions', (pe) => pe.add(x32, { shape: [B, L, D], positions: perBatch })],
  ['add whisper preset f64', (pe) => pe.add(x64, { shape: [B, L, D], encoding: { preset: 'whisper' } })],
  ['add fairseq (pad row)', (pe) => pe.add(x32, { shape: [B, L, D], encoding: { preset: 'fairseq' }, positions: perBatch.map((p) => Math.floor(p) % 5) })],
  ['add float32Angles', (pe) => pe.add(x32, { shape: [B, L, D], encoding: { float32Angles: true }, offset: 100 })],
  ['concat f32', (pe) => pe.concat(x32, { shape: [B, L, D], encoding: { dim: 48, layout: 'halves' } })],
  ['concat f64 per-batch positions', (pe) => pe.concat(x64, { shape: [B, L, D], encoding: { dim: 64 }, positions: perBatch })],
  ['concat module tensors', (pe) => {
    const out = pe.alloc(B * L * (D + 64));
    onModuleTensor(pe, x32, (t) => pe.concat(t, { shape: [B, L, D], encoding: { dim: 64 }, out }));
    const r = out.array.slice();
    out.free();
    return r;
  }],
  ['rope halves f32', (pe) => pe.rope(q32, { shape: [2, 4, L, 32], offset: 7 })],
  ['rope interleaved f64', (pe) => pe.rope(q64, { shape: [2, 4, L, 32], layout: 'interleaved' })],
  ['rope blhd partial rotary', (pe) => pe.rope(q32, { shape: [2, L, 4, 32], order: 'blhd', rotaryDim: 16 })],
  ['rope per-batch positions', (pe) => pe.rope(q32, { shape: [2, 4, L, 32], positions: perBatch.slice(0, 2 * L) })],
  ['rope float32Angles yarn', (pe) => pe.rope(q32, { shape: [2, 4, L, 32], float32Angles: true, scaling: { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 64 } })],
  ['rope module tensor in place', (pe) => onModuleTensor(pe, q32, (t) => pe.rope(t, { shape: [2, 4, L, 32], out: t, layout: 'interleaved' }))],
  ['rope module tensor, plain out', (pe) => {
    const out = new Float32Array(q32.length);
    onModuleTensor(pe, q32, (t) => pe.rope(t, { shape: [2, 4, L, 32], out }));
    return out;
  }],
  ['rope axes chunks', (pe) => pe.rope(qa32, { shape: [2, 4, L, 64], positions: pos3.slice(0, 3 * L), axes: { sections: [8, 12, 12] } })],
  ['rope axes cycle float32Angles per-batch', (pe) => pe.rope(qa32, { shape: [2, 4, L, 64], positions: pos3, float32Angles: true, axes: { sections: [12, 10, 10], assign: 'cycle' } })],
  ['rope axes per-axis interleaved', (pe) => pe.rope(qa64, { shape: [2, 4, L, 64], layout: 'interleaved', offset: 9, axes: { sections: [8, 12, 12], frequencies: 'per-axis' } })],
];

for (const backend of BACKENDS) {
  describe(`row cache [${backend}]`, () => {
    let on: Posenc;
    let off: Posenc;
    beforeAll(async () => {
      on = await init({ backend, cacheBytes: 16 * 2 ** 20 });
      off = await init({ backend, cacheBytes: 0 });
      expect(on.backend).toBe(backend);
      expect(on).not.toBe(off);
      expect(on.cacheBytes).toBe(16 * 2 ** 20);
      expect(off.cacheBytes).toBe(0);
    });

    it('every call gives the bits of an instance without a cache, cold and warm', () => {
      for (const [name, call] of CALLS) {
        const want = call(off);
        for (let round = 0; round < 4; round++) {
          expect(firstByteDiff(call(on), want), `${name}, call ${round + 1}`).toBe(-1);
        }
      }
      expect(on.cachedBytes).toBeGreaterThan(0);
      expect(on.cachedBytes).toBeLessThanOrEqual(on.cacheBytes);
      expect(off.cachedBytes).toBe(0);
    });

    it('clearCache frees every row; results stay the same', () => {
      CALLS[0][1](on);
      CALLS[0][1](on);
      expect(on.cachedBytes).toBeGreaterThan(0);
      on.clearCache();
      expect(on.cachedBytes).toBe(0);
      for (const [name, call] of CALLS.slice(0, 4)) expect(firstByteDiff(call(on), call(off)), name).toBe(-1);
    });

    it('rows of other positions are never served: same length, other offset or positions', () => {
      for (let i = 0; i < 3; i++) {
        for (const p of [shared, shared.map((v) => v + 1), shared.map((v, j) => (j === L - 1 ? v + 0.5 : v))]) {
          expect(firstByteDiff(on.add(x32, { shape: [B, L, D], positions: p }), off.add(x32, { shape: [B, L, D], positions: p }))).toBe(-1);
          expect(firstByteDiff(on.rope(q32, { shape: [2, 4, L, 32], positions: p }), off.rope(q32, { shape: [2, 4, L, 32], positions: p }))).toBe(-1);
        }
        for (const offset of [0, 1, -0, 0.5]) {
          expect(firstByteDiff(on.add(x32, { shape: [B, L, D], offset }), off.add(x32, { shape: [B, L, D], offset }))).toBe(-1);
        }
      }
    });

    it('multi-axis rows are told apart by how pairs take their axes (same frequencies and positions, other sections or assignment)', () => {
      const p = pos3.slice(0, 3 * L);
      for (const axes of [{ sections: [8, 12, 12] }, { sections: [12, 12, 8] }, { sections: [12, 10, 10], assign: 'cycle' as const }, { sections: [12, 10, 10] }]) {
        for (let round = 0; round < 3; round++) {
          expect(firstByteDiff(on.rope(qa32, { shape: [2, 4, L, 64], positions: p, axes }), off.rope(qa32, { shape: [2, 4, L, 64], positions: p, axes })), `${JSON.stringify(axes)} call ${round + 1}`).toBe(-1);
        }
      }
    });

    it('given frequencies are keyed by their values: the same array changed between calls is never served stale rows', () => {
      const f = on.ropeFrequencies({ dim: 64, base: 10000 }).invFreq.slice();
      const table = Float64Array.from({ length: 32 }, (_, i) => 0.3 ** (i / 8));
      for (let round = 0; round < 6; round++) {
        if (round === 3) f[5] = Math.fround(f[5] * 1.0000001); // one frequency one float32 step away
        for (const frequencies of [f, table]) {
          expect(firstByteDiff(on.rope(qa32, { shape: [2, 4, L, 64], frequencies }), off.rope(qa32, { shape: [2, 4, L, 64], frequencies })), `rope round ${round}`).toBe(-1);
        }
        expect(firstByteDiff(on.add(x32, { shape: [B, L, D], encoding: { frequencies: f } }), off.add(x32, { shape: [B, L, D], encoding: { frequencies: f } })), `add round ${round}`).toBe(-1);
      }
    });

    it('memory stays bounded while the keys vary 10^4 times', async () => {
      const small = await init({ backend, cacheBytes: 2 ** 20 });
      const x = randomOperand(L * D, false, 5);
      const q = randomOperand(4 * L * 32, false, 6);
      const check = (i: number) => {
        // Each key twice: the second call puts its rows in the cache.
        for (let k = 0; k < 2; k++) {
          if (i % 3 === 0) small.add(x, { shape: [1, L, D], offset: i, out: x });
          else if (i % 3 === 1) small.rope(q, { shape: [1, 4, L, 32], offset: i, out: q });
          else small.concat(x, { shape: [1, L, D], encoding: { dim: 32 + 2 * (i % 50) }, offset: i });
        }
      };
      for (let i = 0; i < 200; i++) check(i);
      const before = small.memoryBytes;
      let most = 0;
      for (let i = 200; i < 10_000; i++) {
        check(i);
        most = Math.max(most, small.cachedBytes);
      }
      expect(most).toBeGreaterThan(0);
      expect(most).toBeLessThanOrEqual(2 ** 20);
      // Evicted rows are reused by later ones; the allocator may still round and split.
      expect(small.memoryBytes).toBeLessThanOrEqual(Math.max(before, 2 * 2 ** 20) * 2);
      small.clearCache();
      expect(small.cachedBytes).toBe(0);
    });

    it('cacheBytes 0 keeps nothing; rows above the budget are generated on the fly', async () => {
      for (let i = 0; i < 3; i++) off.add(x32, { shape: [B, L, D] });
      expect(off.cachedBytes).toBe(0);
      const tiny = await init({ backend, cacheBytes: 1024 });
      for (let i = 0; i < 3; i++) tiny.add(x32, { shape: [B, L, D] });
      expect(tiny.cachedBytes).toBe(0);
    });
  });
}

it('init({ cacheBytes }) is validated', async () => {
  await expect(init({ cacheBytes: -1 })).rejects.toThrow(/^posenc\.init: options\.cacheBytes must be an integer ≥ 0, got -1/);
  await expect(init({ cacheBytes: 1.5 })).rejects.toThrow(RangeError);
  await expect(init({ cacheBytes: '1' as never })).rejects.toThrow(/^posenc\.init: options\.cacheBytes must be a number, got "1"/);
});
