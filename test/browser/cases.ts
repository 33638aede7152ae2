// The computations whose results must be byte-identical in Node and in Chromium: the same cases
// run in Node (node-hashes.ts, a globalSetup that hands the hashes to the browser with provide())
// and in the browser (suite.browser.test.ts), each result reduced to a SHA-256 of its bytes.
// Every preset, both dtypes, odd dims, real and large positions, long tables (chunked through
// the scratch window), add / concat with sinusoidal and table encodings, module tensors in place.
import type { FloatArray, Posenc } from '../../src/index.js';
import { rng } from '../support/rng.js';

export { rng };

/** n values in [-2, 2), float32 or float64. */
export function randomArray(n: number, f64: boolean, seed: number): FloatArray {
  const r = rng(seed);
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = 4 * r() - 2;
  return a;
}

/** A computation; it must return a Float32Array or a Float64Array (checked when hashed). */
type Case = (pe: Posenc) => unknown;

const PRESETS = ['vaswani', 'marian', 'tensor2tensor', 'whisper', 'fairseq', 'seed'] as const;

/** name → computation. The names are the keys the browser compares against Node's hashes. */
export function cases(pe: Posenc): Record<string, Case> {
  const c: Record<string, Case> = {};
  for (const preset of PRESETS) {
    for (const dtype of ['float32', 'float64'] as const) {
      c[`sinusoidal ${preset} ${dtype} dim 64`] = (p) => p.sinusoidal({ preset, dim: 64, length: 300, offset: 3, dtype });
      if (preset !== 'whisper') {
        c[`sinusoidal ${preset} ${dtype} dim 63`] = (p) => p.sinusoidal({ preset, dim: 63, length: 97, dtype });
      }
      c[`sinusoidal ${preset} ${dtype} positions`] = (p) =>
        p.sinusoidal({ preset, dim: 32, positions: [0, 0.5, 1, 2, 7, 1e5, 123456.789, -7, 4095.25, 2 ** 20 + 0.125], dtype });
    }
  }
  c['sinusoidal vaswani float32 long (chunked)'] = (p) => p.sinusoidal({ dim: 512, length: 2048 });
  c['sinusoidal vaswani float64 far offset'] = (p) => p.sinusoidal({ dim: 96, length: 64, offset: 1e6 + 0.5, dtype: 'float64' });
  c['sinusoidal knobs base 500 halves'] = (p) => p.sinusoidal({ dim: 48, length: 80, base: 500, layout: 'halves' });
  c['sinusoidal knobs timescale 2..1e3 interleaved'] = (p) =>
    p.sinusoidal({ dim: 40, length: 80, schedule: 'timescale', minTimescale: 2, maxTimescale: 1e3, layout: 'interleaved' });
  c['sinusoidal fairseq paddingIdx 0'] = (p) => p.sinusoidal({ preset: 'fairseq', dim: 16, length: 20, paddingIdx: 0 });

  for (const f64 of [false, true]) {
    const t = f64 ? 'float64' : 'float32';
    c[`add vaswani ${t} scale √d`] = (p) => p.add(randomArray(2 * 130 * 64, f64, 1), { shape: [2, 130, 64], scale: 8 });
    for (const preset of PRESETS.filter((q) => q !== 'seed')) {
      c[`add ${preset} ${t} offset 5`] = (p) =>
        p.add(randomArray(3 * 40 * 34, f64, 2), { shape: [3, 40, 34], encoding: { preset }, offset: 5 });
    }
    c[`add ${t} per-batch positions`] = (p) =>
      p.add(randomArray(2 * 5 * 16, f64, 3), { shape: [2, 5, 16], positions: [0, 1, 2, 3, 4, 9, 8.5, 7, 1e4, 0] });
    c[`add ${t} table encoding`] = (p) => {
      const table = randomArray(50 * 24, f64, 4);
      return p.add(randomArray(2 * 10 * 24, f64, 5), { shape: [2, 10, 24], encoding: { table }, offset: 7, scale: 0.5 });
    };
    c[`add ${t} large (chunked)`] = (p) => p.add(randomArray(4 * 512 * 256, f64, 6), { shape: [4, 512, 256] });
    c[`concat tensor2tensor ${t}`] = (p) =>
      p.concat(randomArray(2 * 50 * 16, f64, 7), { shape: [2, 50, 16], encoding: { preset: 'tensor2tensor', dim: 33 } });
    c[`concat seed ${t}`] = (p) => p.concat(randomArray(30 * 4, f64, 8), { shape: [30, 4], encoding: { preset: 'seed' } });
    c[`concat ${t} table encoding positions`] = (p) => {
      const table = randomArray(20 * 6, f64, 9);
      return p.concat(randomArray(2 * 3 * 5, f64, 10), { shape: [2, 3, 5], encoding: { table, dim: 6 }, positions: [19, 0, 4] });
    };
  }
  c['add in place on a module tensor'] = (p) => {
    const t = p.alloc(3 * 70 * 40, 'float32');
    try {
      t.array.set(randomArray(3 * 70 * 40, false, 11));
      p.add(t, { shape: [3, 70, 40], out: t, scale: Math.sqrt(40), encoding: { preset: 'marian' } });
      return t.array.slice();
    } finally {
      t.free();
    }
  };
  c['sinusoidal into a module tensor'] = (p) => {
    const t = p.alloc(100 * 30, 'float64');
    try {
      p.sinusoidal({ preset: 'tensor2tensor', dim: 30, length: 100, dtype: 'float64', out: t });
      return t.array.slice();
    } finally {
      t.free();
    }
  };
  Object.assign(c, optionalCases(pe));
  return c;
}

// Rotary (pe.rope, pe.ropeFrequencies) and 2-D grids (pe.sincos2d). Included only
// where the instance has them, so this file also runs against a build that predates them.
export function optionalCases(pe: Posenc): Record<string, Case> {
  const c: Record<string, Case> = {};
  if (typeof pe.rope === 'function') {
    for (const layout of ['halves', 'interleaved'] as const) {
      for (const f64 of [false, true]) {
        const t = f64 ? 'float64' : 'float32';
        c[`rope ${layout} ${t}`] = (p) => p.rope(randomArray(2 * 4 * 64 * 32, f64, 12), { shape: [2, 4, 64, 32], layout, offset: 3 });
        c[`rope ${layout} ${t} partial, per-batch positions, blhd`] = (p) =>
          p.rope(randomArray(2 * 5 * 3 * 24, f64, 13), {
            shape: [2, 5, 3, 24], order: 'blhd', layout, rotaryDim: 16, base: 500,
            positions: [0, 1, 2, 3, 4, 100, 1e4 + 0.5, 7, 2 ** 20, 3],
          });
      }
    }
    c['rope large (chunked) float32'] = (p) => p.rope(randomArray(1 * 8 * 512 * 128, false, 14), { shape: [1, 8, 512, 128] });
    c['rope float32Angles (PyTorch path)'] = (p) => p.rope(randomArray(1 * 2 * 40 * 64, false, 15), { shape: [1, 2, 40, 64], float32Angles: true, offset: 11 });
    const scalings = {
      linear: { type: 'linear', factor: 4 },
      dynamic: { type: 'dynamic', factor: 2, maxPositionEmbeddings: 64 },
      yarn: { type: 'yarn', factor: 4, originalMaxPositionEmbeddings: 32 },
      llama3: { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 32 },
      longrope: {
        type: 'longrope', originalMaxPositionEmbeddings: 16, factor: 8,
        longFactor: Array.from({ length: 32 }, (_, i) => 1 + i / 8), shortFactor: Array.from({ length: 32 }, (_, i) => 1 + i / 32),
      },
    } as const;
    for (const [name, scaling] of Object.entries(scalings)) {
      c[`rope scaling ${name}`] = (p) => p.rope(randomArray(1 * 2 * 100 * 64, true, 16), { shape: [1, 2, 100, 64], scaling });
      c[`ropeFrequencies ${name}`] = (p) => {
        const f = p.ropeFrequencies({ dim: 64, scaling, seqLen: 200 });
        return Float64Array.from([...f.invFreq, f.attentionFactor, f.base]);
      };
    }
    // Multi-axis rotary: T/H/W rows, axis-major, per batch row; negative, real and far positions.
    const thw = Array.from({ length: 3 * 2 * 40 }, (_, i) => (i % 13 === 5 ? 1e5 + i / 4 : i % 17 === 3 ? -i : (i * 7) % 23));
    c['rope multi-axis chunks [16, 24, 24] float32'] = (p) =>
      p.rope(randomArray(2 * 3 * 40 * 128, false, 18), { shape: [2, 3, 40, 128], base: 1e6, positions: thw, axes: { sections: [16, 24, 24] } });
    c['rope multi-axis cycle [24, 20, 20] float32Angles'] = (p) =>
      p.rope(randomArray(2 * 3 * 40 * 128, false, 19), { shape: [2, 3, 40, 128], base: 5e6, positions: thw, float32Angles: true, axes: { sections: [24, 20, 20], assign: 'cycle' } });
    c['rope multi-axis per-axis interleaved blhd float64'] = (p) =>
      p.rope(randomArray(2 * 40 * 3 * 130, true, 20), {
        shape: [2, 40, 3, 130], order: 'blhd', layout: 'interleaved', rotaryDim: 128, positions: thw, axes: { sections: [8, 28, 28], frequencies: 'per-axis' },
      });
    c['rope in place on a module tensor'] = (p) => {
      const t = p.alloc(2 * 2 * 30 * 16, 'float32');
      try {
        t.array.set(randomArray(2 * 2 * 30 * 16, false, 17));
        p.rope(t, { shape: [2, 2, 30, 16], out: t, layout: 'interleaved', offset: 5 });
        return t.array.slice();
      } finally {
        t.free();
      }
    };
  }
  if (typeof pe.sincos2d === 'function') {
    for (const preset of ['mae', 'mocov3', 'bigvision', 'timm'] as const) {
      for (const dtype of ['float32', 'float64'] as const) {
        c[`sincos2d ${preset} ${dtype} 14 × 14`] = (p) => p.sincos2d({ preset, dim: 64, height: 14, width: 14, dtype });
      }
      c[`sincos2d ${preset} 6 × 9, cls, float32Angles`] = (p) =>
        p.sincos2d({ preset, dim: 32, height: 6, width: 9, clsToken: true, float32Angles: true, temperature: 100 });
    }
  }
  if (typeof pe.sincos3d === 'function') {
    for (const dtype of ['float32', 'float64'] as const) {
      c[`sincos3d cogvideox ${dtype} 3 × 6 × 10, scales 0.75, 1.875`] = (p) =>
        p.sincos3d({ frames: 3, height: 6, width: 10, dim: 96, temporalInterpolationScale: 0.75, spatialInterpolationScale: 1.875, dtype });
    }
    c['sincos3d cogvideox float32 large (chunked)'] = (p) => p.sincos3d({ frames: 4, height: 12, width: 20, dim: 256 });
  }
  if (typeof pe.mropePositions === 'function') {
    c['mropePositions qwen2.5-vl + visionPositions'] = (p) => {
      const r = p.mropePositions({ segments: [{ text: 3 }, { image: [1, 4, 6] }, { text: 2 }, { video: [5, 4, 2], secondsPerGrid: 0.5 }, { text: 4 }], model: 'qwen2.5-vl' });
      return Float64Array.from([...r.positions, r.delta, ...p.visionPositions({ height: 6, width: 4 })]);
    };
  }
  // Attention bias: ALiBi slopes (SLEEF emulation and exact powers), addAlibi in every operand mode
  // (chunked through the window, in place on a module tensor, float64, per-batch positions), T5
  // buckets (as float64: the hash compares float arrays) and bias rows.
  if (typeof pe.addAlibi === 'function') {
    c['alibiSlopes bloom/mpt, torch and exact pow'] = (p) =>
      Float32Array.from([80, 40, 12, 128].flatMap((n) => [
        ...p.alibiSlopes(n), ...p.alibiSlopes(n, { preset: 'mpt' }), ...p.alibiSlopes(n, { pow: 'exact', maxBias: 6 }), ...p.alibiSlopes(n, { preset: 'mpt', maxBias: 12.5 }),
      ]));
    c['addAlibi float32 large (chunked), per-batch positions'] = (p) =>
      p.addAlibi(randomArray(2 * 12 * 40 * 300, false, 24), {
        shape: [2, 12, 40, 300], slopes: p.alibiSlopes(12), scale: 0.125, keyPositions: Array.from({ length: 600 }, (_, i) => (i % 300) - (i < 300 ? 7 : 0)),
      });
    c['addAlibi float64 mpt positions'] = (p) =>
      p.addAlibi(randomArray(1 * 48 * 3 * 65, true, 25), { shape: [1, 48, 3, 65], slopes: p.alibiSlopes(48, { preset: 'mpt' }), keyPositions: Array.from({ length: 65 }, (_, k) => k - 64) });
    c['addAlibi in place on a module tensor'] = (p) => {
      const t = p.alloc(1 * 16 * 64 * 129, 'float32');
      try {
        t.array.set(randomArray(t.length, false, 26));
        p.addAlibi(t, { shape: [1, 16, 64, 129], slopes: p.alibiSlopes(16), out: t, scale: 1 / 8 });
        return t.array.slice();
      } finally {
        t.free();
      }
    };
    c['relativeBuckets T5 encoder, decoder with cache, 128 buckets'] = (p) =>
      Float64Array.from([
        ...p.relativeBuckets({ queryLength: 40, keyLength: 300 }),
        ...p.relativeBuckets({ queryLength: 1, keyLength: 2001, queryOffset: 2000, bidirectional: false }),
        ...p.relativeBuckets({ queryLength: 1, keyLength: 20001, queryOffset: 10000, numBuckets: 128, maxDistance: 128 }),
      ]);
    c['relativeBias [12, 128, 160] and into a module tensor'] = (p) => {
      const w = randomArray(32 * 12, false, 27) as Float32Array;
      const t = p.alloc(12 * 128 * 160);
      try {
        p.relativeBias(w, { heads: 12, queryLength: 128, keyLength: 160, bidirectional: false, queryOffset: 32, out: t });
        return Float32Array.from([...p.relativeBias(w, { heads: 12, queryLength: 128, keyLength: 160 }), ...t.array]);
      } finally {
        t.free();
      }
    };
  }
  // identify and similarity: the Gram matrices (blocked through the scratch window, and
  // read in place from a module tensor), and tables regenerated from what identify found.
  if (typeof pe.similarity === 'function') {
    c['similarity float32 dot 300 × 64 (blocked)'] = (p) => p.similarity(randomArray(300 * 64, false, 21), { dim: 64 });
    c['similarity float64 cosine 70 × 33'] = (p) => p.similarity(randomArray(70 * 33, true, 22), { dim: 33, metric: 'cosine' });
    c['similarity module tensor'] = (p) => {
      const t = p.alloc(100 * 48);
      try {
        p.sinusoidal({ length: 100, dim: 48, preset: 'marian', out: t });
        return p.similarity(t, { dim: 48 });
      } finally {
        t.free();
      }
    };
    const regenerated = (p: Posenc, table: Float32Array, dim: number) => {
      const r = p.identify(table, { dim });
      if (r.kind !== 'sinusoidal') throw new Error(`identified as ${r.kind}`);
      return p.sinusoidal({ length: table.length / dim, dim, ...(r.options as object) });
    };
    c['identify whisper float32 angles → regenerated'] = (p) => regenerated(p, p.sinusoidal({ length: 300, dim: 64, preset: 'whisper', float32Angles: true }), 64);
    c['identify fairseq pad row → regenerated'] = (p) => regenerated(p, p.sinusoidal({ length: 100, dim: 31, preset: 'fairseq', offset: -2 }), 31);
  }
  if (typeof pe.frequencies === 'function') {
    // Bring-your-own frequencies: irregular values, both angle paths.
    const w = (n: number, seed: number) => Float64Array.from(randomArray(n, true, seed), (v) => v * 0.7);
    for (const float32Angles of [false, true]) {
      const t = float32Angles ? ' float32Angles' : '';
      c[`sinusoidal whisper frequencies${t}`] = (p) => p.sinusoidal({ preset: 'whisper', dim: 48, length: 300, offset: 1200, frequencies: w(24, 18), float32Angles });
      c[`add fairseq frequencies padded tokens${t}`] = (p) =>
        p.add(randomArray(2 * 6 * 20, false, 19), {
          shape: [2, 6, 20], scale: Math.sqrt(20), encoding: { preset: 'fairseq', frequencies: w(10, 20), float32Angles },
          positions: p.positionsFromTokens([1, 1, 5, 6, 7, 8, 5, 6, 7, 8, 9, 1], { shape: [2, 6], paddingIdx: 1 }),
        });
      c[`rope frequencies, attentionFactor${t}`] = (p) =>
        p.rope(randomArray(1 * 2 * 30 * 16, false, 21), { shape: [1, 2, 30, 16], frequencies: w(8, 22), attentionFactor: 1.1, offset: 4000, float32Angles });
      c[`sincos2d timm frequencies${t}`] = (p) => p.sincos2d({ preset: 'timm', dim: 32, height: 5, width: 6, frequencies: w(8, 23), float32Angles });
      c[`frequencies whisper 384${t}`] = (p) => p.frequencies({ preset: 'whisper', dim: 384, float32Angles });
      c[`frequencies bigvision 768${t}`] = (p) => p.frequencies({ preset: 'bigvision', dim: 768, float32Angles });
    }
  }
  return c;
}

export function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of an array's bytes, with its type and length (so a Float32Array never matches a Float64Array). */
export async function hashArray(a: unknown): Promise<string> {
  if (!(a instanceof Float32Array || a instanceof Float64Array)) throw new TypeError(`not a float array: ${String(a)}`);
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return `${a.constructor.name}[${a.length}] ${hex(digest)}`;
}

/** What the browser compares with Node: the bytes' hash, and sums to compare within a tolerance. */
export interface Digest {
  hash: string;
  /** Σ v, Σ v·(1 + i mod 7) (order-sensitive), max |v|: in float64. */
  sum: number;
  wsum: number;
  maxAbs: number;
  f64: boolean;
}

export async function digest(a: unknown): Promise<Digest> {
  const hash = await hashArray(a);
  const v = a as FloatArray;
  let sum = 0;
  let wsum = 0;
  let maxAbs = 0;
  for (let i = 0; i < v.length; i++) {
    sum += v[i];
    wsum += v[i] * (1 + (i % 7));
    maxAbs = Math.max(maxAbs, Math.abs(v[i]));
  }
  return { hash, sum, wsum, maxAbs, f64: v instanceof Float64Array };
}

/** name → digest of every case, for one initialised instance. */
export async function digestCases(pe: Posenc): Promise<Record<string, Digest>> {
  const out: Record<string, Digest> = {};
  for (const [name, run] of Object.entries(cases(pe))) out[name] = await digest(run(pe));
  return out;
}
