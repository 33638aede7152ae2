// Computations whose bytes must not depend on where or when they run: repeated runs in one
// process, a fresh process, several worker_threads at once, the SIMD and scalar binaries. Every
// result is reduced to a SHA-256 of its bytes (with its type and length).
//
// This module is imported by the tests directly and is also bundled (with src/) by
// test/support/bundle.ts for worker_threads and child processes, so it must not import vitest.
import { createHash } from 'node:crypto';
import type { FloatArray, ModuleTensor, Posenc } from '../../src/index.js';
import { rng } from './rng.js';

export { rng };

/** Fills `a` with values in [-2, 2) from `seed`; returns it. */
export function fillRandom<A extends FloatArray>(a: A, seed: number): A {
  const r = rng(seed);
  for (let i = 0; i < a.length; i++) a[i] = 4 * r() - 2;
  return a;
}

export function randomArray(n: number, f64: boolean, seed: number): FloatArray {
  return fillRandom(f64 ? new Float64Array(n) : new Float32Array(n), seed);
}

/** `Float32Array[n] <sha256 hex>` of a view's bytes. */
export function hashBytes(a: unknown): string {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) throw new TypeError(`not a float array: ${String(a)}`);
  const h = createHash('sha256');
  h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return `${a.constructor.name}[${a.length}] ${h.digest('hex')}`;
}

/** Shape and seed of the input that callers may place in a SharedArrayBuffer (read concurrently). */
export const SHARED_SHAPE = [2, 130, 64] as const;
export const SHARED_SEED = 99;
export const SHARED_LENGTH = SHARED_SHAPE[0] * SHARED_SHAPE[1] * SHARED_SHAPE[2];

/** Inputs a caller may supply: `x` backed by a SharedArrayBuffer (else a private copy is made). */
export interface SharedInputs {
  /** SHARED_LENGTH float32 values filled by fillRandom(·, SHARED_SEED). */
  x?: Float32Array;
}

/** The issue-4 methods, where an instance has them (so this file also runs against older builds). */
interface Issue4 {
  rope(x: FloatArray | ModuleTensor, o: Record<string, unknown>): FloatArray;
  ropeFrequencies(o: Record<string, unknown>): { invFreq: Float64Array; attentionFactor: number; base: number };
  sincos2d(o: Record<string, unknown>): FloatArray;
  positionsFromTokens(tokens: ArrayLike<number>, o: Record<string, unknown>): ArrayLike<number>;
  positionsFromMask(mask: ArrayLike<number>, o: Record<string, unknown>): ArrayLike<number>;
}
export function issue4(pe: Posenc): Partial<Issue4> {
  return pe as unknown as Partial<Issue4>;
}

type Case = (pe: Posenc, shared: Float32Array) => FloatArray;

function inTensor(pe: Posenc, n: number, dtype: 'float32' | 'float64', body: (t: ModuleTensor) => void): FloatArray {
  const t = pe.alloc(n, dtype);
  try {
    body(t);
    return t.array.slice();
  } finally {
    t.free();
  }
}

/** name → computation. Sizes are chosen so that all cases run in well under a second per backend. */
export function determinismCases(pe: Posenc): Record<string, Case> {
  const c: Record<string, Case> = {};
  for (const preset of ['vaswani', 'marian', 'tensor2tensor', 'whisper', 'fairseq', 'seed'] as const) {
    for (const dtype of ['float32', 'float64'] as const) {
      c[`sinusoidal ${preset} ${dtype}`] = (p) => p.sinusoidal({ preset, dim: 64, length: 200, offset: 3, dtype });
      c[`sinusoidal ${preset} ${dtype} positions`] = (p) =>
        p.sinusoidal({ preset, dim: 32, positions: [0, 0.5, 1, 7, 1e5, 123456.789, -7, 2 ** 20 + 0.125, 1e12 + 3], dtype });
    }
  }
  c['sinusoidal odd dim 63, base 500'] = (p) => p.sinusoidal({ dim: 63, length: 97, base: 500 });
  c['sinusoidal long (chunked through the window)'] = (p) => p.sinusoidal({ dim: 512, length: 600 });
  c['sinusoidal into a module tensor, float64'] = (p) =>
    inTensor(p, 100 * 30, 'float64', (t) => p.sinusoidal({ preset: 'tensor2tensor', dim: 30, length: 100, dtype: 'float64', out: t }));
  for (const f64 of [false, true]) {
    const t = f64 ? 'float64' : 'float32';
    c[`add ${t} scale √d`] = (p) => p.add(randomArray(2 * 70 * 64, f64, 1), { shape: [2, 70, 64], scale: 8 });
    c[`add ${t} per-batch positions`] = (p) =>
      p.add(randomArray(2 * 5 * 16, f64, 3), { shape: [2, 5, 16], positions: [0, 1, 2, 3, 4, 9, 8.5, 7, 1e4, 0] });
    c[`add ${t} table, offset`] = (p) =>
      p.add(randomArray(2 * 10 * 24, f64, 5), { shape: [2, 10, 24], encoding: { table: randomArray(50 * 24, f64, 4) }, offset: 7, scale: 0.5 });
    c[`concat ${t} tensor2tensor`] = (p) =>
      p.concat(randomArray(2 * 50 * 16, f64, 7), { shape: [2, 50, 16], encoding: { preset: 'tensor2tensor', dim: 33 } });
    c[`concat ${t} table positions`] = (p) =>
      p.concat(randomArray(2 * 3 * 5, f64, 10), { shape: [2, 3, 5], encoding: { table: randomArray(20 * 6, f64, 9), dim: 6 }, positions: [19, 0, 4] });
  }
  c['add large (chunked)'] = (p) => p.add(randomArray(4 * 256 * 256, false, 6), { shape: [4, 256, 256] });
  c['add in place on a module tensor'] = (p) =>
    inTensor(p, 3 * 70 * 40, 'float32', (t) => {
      t.array.set(randomArray(3 * 70 * 40, false, 11));
      p.add(t, { shape: [3, 70, 40], out: t, scale: Math.sqrt(40), encoding: { preset: 'marian' } });
    });
  // The shared input (a SharedArrayBuffer when the caller provides one): read, never written.
  c['add shared x'] = (p, x) => p.add(x, { shape: [...SHARED_SHAPE], scale: 2, offset: 11 });
  c['concat shared x'] = (p, x) => p.concat(x, { shape: [...SHARED_SHAPE], encoding: { preset: 'whisper', dim: 12 } });
  c['add shared x with a table from it'] = (p, x) =>
    p.add(x.subarray(0, 130 * 64), { shape: [1, 130, 64], encoding: x.subarray(64), offset: 3 });

  const i4 = issue4(pe);
  if (typeof i4.rope === 'function') {
    for (const layout of ['halves', 'interleaved'] as const) {
      c[`rope ${layout}`] = (p) => issue4(p).rope!(randomArray(2 * 4 * 32 * 32, false, 12), { shape: [2, 4, 32, 32], layout, offset: 3 });
    }
    c['rope float64 per-batch positions'] = (p) =>
      issue4(p).rope!(randomArray(2 * 2 * 5 * 24, true, 13), { shape: [2, 2, 5, 24], positions: [0, 1, 2, 3, 4, 100, 1e4 + 0.5, 7, 2 ** 20, 3] });
  }
  if (typeof i4.ropeFrequencies === 'function') {
    c['ropeFrequencies yarn'] = (p) => {
      const f = issue4(p).ropeFrequencies!({ dim: 64, scaling: { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 32 } });
      return Float64Array.from([...f.invFreq, f.attentionFactor, f.base]);
    };
  }
  if (typeof i4.sincos2d === 'function') {
    c['sincos2d mae 14 × 14'] = (p) => issue4(p).sincos2d!({ dim: 64, height: 14, width: 14 });
  }
  return c;
}

/** name → hash of every case on one instance. `shared.x` defaults to a private copy of the shared input. */
export function hashAll(pe: Posenc, shared: SharedInputs = {}): Record<string, string> {
  const x = shared.x ?? fillRandom(new Float32Array(SHARED_LENGTH), SHARED_SEED);
  const out: Record<string, string> = {};
  for (const [name, run] of Object.entries(determinismCases(pe))) out[name] = hashBytes(run(pe, x));
  return out;
}

/**
 * Work that changes every cache of an instance (frequency contexts evicted and rebuilt, the
 * angle-addition seeds moved, the scratch window grown): results must not depend on it.
 */
export function churn(pe: Posenc, seed: number): void {
  const r = rng(seed);
  for (let i = 0; i < 40; i++) {
    pe.sinusoidal({ dim: 2 + Math.floor(r() * 90), length: 1 + Math.floor(r() * 30), offset: Math.floor(r() * 1e6), base: 100 + i });
  }
  pe.sinusoidal({ dim: 4, positions: [1e9, -3.25, 1e15] });
  pe.add(new Float32Array(1 * 300 * 700), { shape: [1, 300, 700] });
}
