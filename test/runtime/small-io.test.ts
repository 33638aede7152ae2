// The short paths of small calls remember, by identity, plain arrays found not to view the module's
// memory (core.plain), pairs of arrays found on two buffers (per call shape), and views of the
// module's memory (src/runtime/small-io.ts Views). These tests hold them to the answers of a fresh
// instance: across memory growth, with views of the module's memory among plain arrays, and with
// arrays that share a buffer.
import { describe, expect, it } from 'vitest';
import { init, initSync, type Posenc } from '../../src/index.js';
import { firstByteDiff, rng } from '../support/backends.js';

function random(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() - 0.5) * 4;
  return a;
}

const qShape = [1, 4, 1, 32] as const;
const kShape = [1, 2, 1, 32] as const;

/** One step of small calls with plain arrays: add into out, rope into out, ropeStep in place. */
function step(pe: Posenc, i: number, a: { x: Float32Array; out: Float32Array; q: Float32Array; k: Float32Array; r: Float32Array }) {
  pe.add(a.x, { shape: [1, 4, 64], offset: i, scale: 8, out: a.out });
  pe.rope(a.q, { shape: [...qShape], offset: i, out: a.r });
  pe.ropeStep(a.q, a.k, { qShape: [...qShape], kShape: [...kShape], position: i });
}

function arrays(seed: number) {
  return { x: random(256, seed), out: new Float32Array(256), q: random(128, seed + 1), k: random(64, seed + 2), r: new Float32Array(128) };
}

let fresh = 0;
/**
 * An instance of its own (each distinct init options is one) that has met no call shape and no
 * array yet: its answers are those of the general path.
 */
function freshInstance(backend: 'wasm-simd' | 'wasm'): Posenc {
  return initSync({ backend, cacheBytes: 2 ** 20 * 48 + 4096 * ++fresh });
}
for (const [backend, threads] of [['wasm-simd', 1], ['wasm', 1], ['wasm-simd', 2]] as const) {
  describe(`small calls with plain arrays [${backend}, ${threads} thread${threads > 1 ? 's' : ''}]`, () => {
    it('give the bits of an instance that met no array while the module memory grows between them (kept views are remade)', async () => {
      const pe = await init({ backend, threads });
      expect(pe.threads).toBe(threads);
      const a = arrays(11);
      const big: { free(): void }[] = [];
      for (let i = 0; i < 12; i++) {
        const b = { x: a.x.slice(), out: new Float32Array(256), q: a.q.slice(), k: a.k.slice(), r: new Float32Array(128) };
        step(freshInstance(backend), i * 37, b);
        step(pe, i * 37, a);
        for (const key of ['out', 'r', 'q', 'k'] as const) expect(firstByteDiff(a[key], b[key]), `${key} at step ${i}`).toBe(-1);
        // Memory grows: 16 MiB more every third step.
        if (i % 3 === 2) big.push(pe.alloc(4 * 2 ** 20));
      }
      expect(big.length).toBe(4);
      big.forEach((t) => t.free());
    });

    it('a view of the module memory met after many plain arrays is still used in place; a freed one still refused', async () => {
      const pe = await init({ backend, threads });
      // More plain arrays than are remembered, each met once.
      for (let s = 0; s < 9; s++) step(pe, s, arrays(100 + s));
      const t = pe.alloc(256);
      const o = pe.alloc(256);
      const x = random(256, 7);
      t.array.set(x);
      const xv = t.array as Float32Array;
      const ov = o.array as Float32Array;
      // The same call shape as the plain arrays' calls: views of module memory, in place.
      pe.add(xv, { shape: [1, 4, 64], offset: 3, scale: 8, out: ov });
      const want = freshInstance(backend).add(x, { shape: [1, 4, 64], offset: 3, scale: 8 });
      expect(firstByteDiff(o.array, want)).toBe(-1);
      pe.add(xv, { shape: [1, 4, 64], offset: 3, scale: 8, out: xv });
      expect(firstByteDiff(t.array, want)).toBe(-1);
      t.free();
      expect(() => pe.add(xv, { shape: [1, 4, 64], offset: 3, scale: 8, out: ov })).toThrow(/outside every live module tensor/);
      o.free();
    });

    it('arrays on one buffer after a pair found on two: as an instance that met neither (result or error)', async () => {
      const pe = await init({ backend, threads });
      const a = arrays(21);
      step(pe, 5, a);
      step(pe, 6, a); // the pairs are remembered now
      const outcome = (p: Posenc, f: (p: Posenc, buf: Float32Array) => void) => {
        const buf = new Float32Array(512);
        buf.set(random(512, 3));
        try {
          f(p, buf);
          return buf;
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      const cases: ((p: Posenc, buf: Float32Array) => void)[] = [
        // out beside x on x's buffer (not overlapping), and overlapping by one element.
        (p, buf) => p.add(buf.subarray(0, 256), { shape: [1, 4, 64], offset: 6, scale: 8, out: buf.subarray(256) }),
        (p, buf) => p.add(buf.subarray(0, 256), { shape: [1, 4, 64], offset: 6, scale: 8, out: buf.subarray(255, 511) }),
        (p, buf) => p.rope(buf.subarray(0, 128), { shape: [...qShape], offset: 6, out: buf.subarray(128, 256) }),
        (p, buf) => p.ropeStep(buf.subarray(0, 128), buf.subarray(128, 192), { qShape: [...qShape], kShape: [...kShape], position: 6 }),
        (p, buf) => p.ropeStep(buf.subarray(0, 128), buf.subarray(100, 164), { qShape: [...qShape], kShape: [...kShape], position: 6 }),
      ];
      for (const [i, f] of cases.entries()) {
        const got = outcome(pe, f);
        const want = outcome(freshInstance(backend), f);
        if (typeof want === 'string') expect(got, `case ${i}`).toBe(want);
        else {
          expect(got, `case ${i}`).toBeInstanceOf(Float32Array);
          expect(firstByteDiff(got as Float32Array, want), `case ${i}`).toBe(-1);
        }
      }
    });
  });
}
