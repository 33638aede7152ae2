// One suite, every backend: `describeBackends(name, (get) => { ... })` runs the body once per
// backend and asserts in beforeAll which backend it got.
import { beforeAll, describe, expect } from 'vitest';
import { init, type Posenc } from '../src/index.js';
import type { BackendName } from '../src/types.js';

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

export { rng } from './support/rng.js';

/** Index of the first differing byte of two views (−1 when identical, −2 when lengths differ). */
export function firstByteDiff(a: ArrayBufferView, b: ArrayBufferView): number {
  if (a.byteLength !== b.byteLength) return -2;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
