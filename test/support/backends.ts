// One suite, every backend: `describeBackends(name, (get) => { ... })` runs the body once per
// backend and asserts in beforeAll which backend it got.
import { beforeAll, describe, expect } from 'vitest';
import { init, type Posenc } from '../../src/index.js';
import type { BackendName, FloatArray, ModuleTensor } from '../../src/api/types.js';

export const BACKENDS: BackendName[] = ['wasm-simd', 'wasm', 'js'];

export function describeBackends(title: string, body: (pe: () => Posenc, backend: BackendName) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      let pe: Posenc;
      beforeAll(async () => {
        pe = await init({ backend });
        expect(pe.backend).toBe(backend);
      });
      body(() => pe, backend);
    });
  }
}

/** ulp of x in float32 (at |x|; the spacing of floats around it). */
export function ulp32(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

import { rng } from './rng.js';
export { rng };

/** Index of the first differing byte of two views (−1 when identical, −2 when lengths differ). */
export function firstByteDiff(a: ArrayBufferView, b: ArrayBufferView): number {
  if (a.byteLength !== b.byteLength) return -2;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** n values uniform in [−2, 2) (seeded), as a Float32Array or Float64Array. */
export function randomOperand(n: number, f64: boolean, seed: number): FloatArray {
  const r = rng(seed);
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 4 - 2;
  return a;
}

/** x copied into a module tensor of pe, the call run on it, the result read back (the resident paths). */
export function onModuleTensor(pe: Posenc, x: FloatArray, run: (t: ModuleTensor) => void): FloatArray {
  const t = pe.alloc(x.length, x instanceof Float64Array ? 'float64' : 'float32');
  t.array.set(x);
  run(t);
  const r = t.array.slice();
  t.free();
  return r;
}
