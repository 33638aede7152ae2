// Worker threads (init({ threads })): large calls are split by rows over workers that share the
// module's memory; every result has the bits of one thread, on both WebAssembly builds.
import { beforeAll, describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { init, initSync, type FloatArray, type ModuleTensor, type Posenc } from '../../src/index.js';
import { firstByteDiff, onModuleTensor, randomOperand } from '../support/backends.js';

// Sizes above the split thresholds, with row counts that do not divide evenly.
const B = 2, L = 517, D = 192;
const x32 = randomOperand(B * L * D, false, 1);
const x64 = randomOperand(B * L * D, true, 2);
const pos = Array.from({ length: B * L }, (_, i) => ((i * 7919) % 3001) - 1000.5);
const q32 = randomOperand(2 * 8 * L * 64, false, 3);
const q64 = randomOperand(2 * 8 * L * 64, true, 4);
// Three axes × [batch, length]: runs of repeated positions (an image's rows) and real values.
const pos3 = Array.from({ length: 3 * B * L }, (_, i) => (i % 5 === 0 ? i * 0.37 : Math.floor(i / 7) % 300));

const CALLS: [string, (pe: Posenc) => FloatArray][] = [
  ['table f32 4099×256', (pe) => pe.sinusoidal({ length: 4099, dim: 256, offset: 3 })],
  ['table f64 positions', (pe) => pe.sinusoidal({ dim: 130, positions: pos, dtype: 'float64' })],
  ['table into a module tensor', (pe) => {
    const t = pe.alloc(2051 * 256);
    pe.sinusoidal({ length: 2051, dim: 256, out: t, preset: 'tensor2tensor' });
    const r = t.array.slice();
    t.free();
    return r;
  }],
  ['table float32Angles', (pe) => pe.sinusoidal({ length: 1025, dim: 256, float32Angles: true })],
  ['add f32 (fused, then cached)', (pe) => pe.add(x32, { shape: [B, L, D], scale: 3 })],
  ['add f64 per-batch positions', (pe) => pe.add(x64, { shape: [B, L, D], positions: pos })],
  ['add module tensor in place', (pe) => onModuleTensor(pe, x32, (t) => pe.add(t, { shape: [B, L, D], out: t, offset: 9 }))],
  ['add table encoding', (pe) => pe.add(x32, { shape: [B, L, D], encoding: randomOperand(600 * D, false, 7) as Float32Array, offset: 50 })],
  ['concat f32', (pe) => pe.concat(x32, { shape: [B, L, D], encoding: { dim: 96 } })],
  ['concat module tensor, positions', (pe) => onModuleTensor(pe, x32, (t) => {
    const out = pe.alloc(B * L * (D + 128));
    pe.concat(t, { shape: [B, L, D], encoding: { dim: 128 }, positions: pos, out });
    t.array.set(out.array.subarray(0, t.length));
    out.free();
  })],
  ['rope halves f32', (pe) => pe.rope(q32, { shape: [2, 8, L, 64], offset: 11 })],
  ['rope interleaved f64 blhd', (pe) => pe.rope(q64, { shape: [2, L, 8, 64], layout: 'interleaved', order: 'blhd' })],
  ['rope per-batch positions, partial', (pe) => pe.rope(q32, { shape: [2, 8, L, 64], positions: pos.slice(0, 2 * L), rotaryDim: 48 })],
  ['rope module tensor', (pe) => onModuleTensor(pe, q32, (t) => pe.rope(t, { shape: [2, 8, L, 64], out: t, scaling: { type: 'linear', factor: 2 } }))],
  ['rope float32Angles module tensor', (pe) => onModuleTensor(pe, q32, (t) => pe.rope(t, { shape: [2, 8, L, 64], out: t, float32Angles: true }))],
  ['sincos2d', (pe) => pe.sincos2d({ height: 32, width: 40, dim: 256, clsToken: true })],
  // Multi-axis rotary: one context per axis and thread, positions [axes][rows] in each chunk.
  ['rope axes chunks, shared positions', (pe) => pe.rope(q32, { shape: [2, 8, L, 64], positions: pos3.slice(0, 3 * L), base: 1e6, axes: { sections: [8, 12, 12] } })],
  ['rope axes cycle float32Angles, per-batch positions', (pe) => pe.rope(q32, { shape: [2, 8, L, 64], positions: pos3, float32Angles: true, axes: { sections: [12, 10, 10], assign: 'cycle' } })],
  // Attention bias: ALiBi rows split over the threads (in place, per batch element, and through
  // the window), T5 bias rows copied from the diagonals.
  ['addAlibi module tensor in place', (pe) => onModuleTensor(pe, q32, (t) => pe.addAlibi(t, { shape: [2, 8, 16, 4 * L], slopes: pe.alibiSlopes(8), out: t, scale: 0.125 }))],
  ['addAlibi f64 per-batch positions', (pe) => pe.addAlibi(q64, { shape: [2, 8, 8, 8 * L], slopes: pe.alibiSlopes(8, { preset: 'mpt' }), keyPositions: Array.from({ length: 2 * 8 * L }, (_, i) => i % 1001) })],
  ['addAlibi plain f32', (pe) => pe.addAlibi(q32, { shape: [2, 8, L, 64], slopes: pe.alibiSlopes(8) })],
  ['relativeBias into a module tensor', (pe) => {
    const t = pe.alloc(12 * 301 * 299);
    pe.relativeBias(randomOperand(32 * 12, false, 8) as Float32Array, { heads: 12, queryLength: 301, keyLength: 299, out: t });
    const r = t.array.slice();
    t.free();
    return r;
  }],
  ['rope axes per-axis interleaved blhd, module tensor', (pe) => onModuleTensor(pe, q32, (t) => pe.rope(t, { shape: [2, L, 8, 64], order: 'blhd', layout: 'interleaved', out: t, offset: 3, axes: { sections: [4, 14, 14], frequencies: 'per-axis' } }))],
];

for (const backend of ['wasm-simd', 'wasm'] as const) {
  describe(`threads [${backend}]`, () => {
    let one: Posenc;
    let two: Posenc;
    let three: Posenc;
    beforeAll(async () => {
      one = await init({ backend });
      two = await init({ backend, threads: 2 });
      three = await init({ backend, threads: 3, cacheBytes: 0 });
    });

    it('runs on the threads asked for', () => {
      expect(one.threads).toBe(1);
      expect(two.threads).toBe(2);
      expect(three.threads).toBe(3);
      expect(two.backend).toBe(backend);
    });

    it('every call has the bits of one thread (cold, then with cached rows)', () => {
      for (const [name, call] of CALLS) {
        const want = call(one);
        for (let round = 0; round < 3; round++) {
          expect(firstByteDiff(call(two), want), `${name}, 2 threads, call ${round + 1}`).toBe(-1);
          expect(firstByteDiff(call(three), want), `${name}, 3 threads, call ${round + 1}`).toBe(-1);
        }
      }
    });

    it('the allocator stays consistent: tensors allocated between threaded calls keep their bytes', () => {
      const keep: [ModuleTensor, Float32Array][] = [];
      for (let i = 0; i < 20; i++) {
        const t = two.alloc(1000 + 97 * i);
        t.array.set(randomOperand(t.length, false, 100 + i));
        keep.push([t, t.array.slice() as Float32Array]);
        two.sinusoidal({ length: 600 + i, dim: 256 });
        two.add(x32, { shape: [B, L, D], offset: i });
        two.rope(q32, { shape: [2, 8, L, 64], offset: i });
      }
      for (const [t, bytes] of keep) {
        expect(firstByteDiff(t.array, bytes)).toBe(-1);
        t.free();
      }
    });
  });
}

describe('threads: choice and fallbacks', () => {
  it("'auto' takes the machine's available parallelism", async () => {
    const pe = await init({ backend: 'wasm-simd', threads: 'auto' });
    expect(pe.threads).toBe(Math.min(64, availableParallelism()));
  });

  it('the js backend runs on one thread', async () => {
    expect((await init({ backend: 'js', threads: 4 })).threads).toBe(1);
  });

  it('initSync starts worker threads in Node', () => {
    const pe = initSync({ backend: 'wasm-simd', threads: 2, cacheBytes: 1 << 20 });
    expect(pe.threads).toBe(2);
    const one = initSync({ backend: 'wasm-simd' });
    expect(firstByteDiff(pe.sinusoidal({ length: 999, dim: 512 }), one.sinusoidal({ length: 999, dim: 512 }))).toBe(-1);
  });

  it('init({ threads }) is validated', async () => {
    await expect(init({ threads: 0 })).rejects.toThrow(/^posenc\.init: options\.threads must be an integer in \[1, 64\], got 0/);
    await expect(init({ threads: 1.5 })).rejects.toThrow(RangeError);
    await expect(init({ threads: 65 })).rejects.toThrow(RangeError);
    await expect(init({ threads: 'all' as never })).rejects.toThrow(/^posenc\.init: options\.threads must be an integer in \[1, 64\] or 'auto', got "all"/);
    await expect(init({ threads: true as never })).rejects.toThrow(TypeError);
  });
});
