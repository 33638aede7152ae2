// Benchmark cases of the generation loop (group 'decode': `npm run bench -- --only decode`), in
// the case format of ./cases/index.mjs, and the decode-loop memory measurement.
//
// decode step: a Llama-style layer's q [1, 32, 1, 128] then k [1, 8, 1, 128] (GQA, 8 KV heads),
// rotated in place at positions 0, 1, …, 4095 in turn (one sample = 4096 steps; times are per
// step). continuous batching: q [8, 32, 1, 128], 8 sequences each at its own position (apart by
// 517, every step +1, modulo 4096): `positions` of length batch.
//
// Next to posenc's rows (module tensors with pe.rope and pe.ropeStep, Float32Array operands, no
// cache, 2 threads, scalar wasm, the js backend), the plain-JS loops a good JS engineer writes
// with a precomputed cos/sin table ([4096, 64] float32 from float64 cos/sin, as Hugging Face's
// cache): 'natural' (per head, per pair, as HF's q·cos + rotate_half(q)·sin reads) and 'hoisted'
// (each pair's cos/sin loaded once, every head inside: the faster of the two in V8), and
// onnxruntime-web's RotaryEmbedding ops with the same caches. The check (before timing) rotates
// the original q and k once at position 1000 (batching: 1000 + 517·b) with every row.
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { copyImpl } from './lib/impls.mjs';
import { randomF32 } from './lib/reference.mjs';
import { onnxRopeStepImpls, ropeCaches } from './peers/onnx.mjs';

const D = 128;
const HALF = D / 2;
const MAX_POS = 4096;
const CHECK_POS = 1000;
const BATCH_STRIDE = 517;

const FREQS = Float64Array.from({ length: HALF }, (_, i) => 1 / Math.pow(10000, (2 * i) / D));

/** [MAX_POS, 64] float32 cos and sin (float64 values rounded once): the plain-JS loops' table. */
const TABLE = ropeCaches(MAX_POS, FREQS);

/** Plain JS, natural order: for each head, for each pair, the pair's cos/sin read from the table. */
export function rotateNatural(x, heads, cos, sin, p) {
  const o = p * HALF;
  for (let b = 0, e = heads * D; b < e; b += D) {
    for (let i = 0; i < HALF; i++) {
      const c = cos[o + i], s = sin[o + i], x0 = x[b + i], x1 = x[b + i + HALF];
      x[b + i] = x0 * c - x1 * s;
      x[b + i + HALF] = x1 * c + x0 * s;
    }
  }
}

/** Plain JS, hoisted: each pair's cos/sin loaded once, every head inside (faster in V8). */
export function rotateHoisted(x, heads, cos, sin, p) {
  const o = p * HALF;
  const n = heads * D;
  for (let i = 0; i < HALF; i++) {
    const c = cos[o + i], s = sin[o + i];
    for (let b = i; b < n; b += D) {
      const x0 = x[b], x1 = x[b + HALF];
      x[b] = x0 * c - x1 * s;
      x[b + HALF] = x1 * c + x0 * s;
    }
  }
}

/** Float64 rotation of x [rows of D] (halves), row r at positions[r]. */
function rotate64(x, positions) {
  const out = new Float64Array(x.length);
  for (let r = 0; r < positions.length; r++) {
    const o = r * D;
    for (let i = 0; i < HALF; i++) {
      const c = Math.cos(positions[r] * FREQS[i]), s = Math.sin(positions[r] * FREQS[i]);
      out[o + i] = x[o + i] * c - x[o + i + HALF] * s;
      out[o + i + HALF] = x[o + i + HALF] * c + x[o + i] * s;
    }
  }
  return out;
}

const concat = (a, b) => {
  const r = new Float32Array(a.length + b.length);
  r.set(a);
  r.set(b, a.length);
  return r;
};

function unavailable(key, label, mode, reason) {
  return { key, label, kind: 'posenc', mode, unavailable: reason };
}

/**
 * A decode impl from a factory: make(pe or null) → { step(p) (one step at positions p: a number or
 * per sequence), q, k (arrays or tensors to read back), reset() (the original values) }. run()
 * advances the position; result() resets, steps once at the check position and reads q|k.
 */
function stepImpl({ key, label, kind = 'posenc', mode, pe, peName, make, positionsAt }) {
  if (pe !== undefined && (typeof pe === 'string' || !pe)) return unavailable(key, label, mode, pe || `${peName} not loaded`);
  return {
    key, label, kind, mode,
    async setup() {
      const s = await make(pe);
      let t = 0;
      const isAsync = s.step.constructor.name === 'AsyncFunction';
      const read = (v) => (v.array ?? v);
      return {
        run: isAsync ? async () => { await s.step(positionsAt(t)); t = (t + 1) % MAX_POS; } : () => { s.step(positionsAt(t)); t = (t + 1) % MAX_POS; },
        async result() {
          s.reset();
          await s.step(positionsAt(CHECK_POS));
          return concat(read(s.q), read(s.k));
        },
        dispose: () => s.dispose?.(),
      };
    },
  };
}

/** The rows of one decode case: q [B, 32, 1, 128], k [B, 8, 1, 128], positions per step from positionsAt(t). */
function decodeImpls(ctx, { B, q0, k0, positionsAt, withStep }) {
  const Nq = 32, Nk = 8;
  const qShape = [B, Nq, 1, D], kShape = [B, Nk, 1, D];
  const per = B > 1;
  const opts = (p, shape, out) => (per ? { shape, positions: p, out } : { shape, offset: p, out });
  // posenc.rope on module tensors (or arrays), in place: q then k.
  const ropeRows = (arrays) => (pe) => {
    const q = arrays ? q0.slice() : pe.alloc(q0.length);
    const k = arrays ? k0.slice() : pe.alloc(k0.length);
    const reset = () => {
      (q.array ?? q).set(q0);
      (k.array ?? k).set(k0);
    };
    reset();
    return {
      q, k, reset,
      step: (p) => {
        pe.rope(q, opts(p, qShape, q));
        pe.rope(k, opts(p, kShape, k));
      },
      dispose: () => { q.free?.(); k.free?.(); },
    };
  };
  const stepRows = (arrays) => (pe) => {
    const r = ropeRows(arrays)(pe);
    return {
      ...r,
      step: (p) => pe.ropeStep(r.q, r.k, per ? { qShape, kShape, positions: p } : { qShape, kShape, position: p }),
    };
  };
  // The floor of Float32Array operands: wasm reads and writes only its own memory, so q and k are
  // copied in, rotated as module tensors, and copied back (what posenc does inside, done by hand).
  const copyFloor = (pe) => {
    const q = q0.slice(), k = k0.slice();
    const qt = pe.alloc(q0.length), kt = pe.alloc(k0.length);
    return {
      q, k,
      reset: () => { q.set(q0); k.set(k0); },
      step: (p) => {
        const qv = qt.array, kv = kt.array;
        qv.set(q);
        kv.set(k);
        pe.rope(qt, opts(p, qShape, qt));
        pe.rope(kt, opts(p, kShape, kt));
        q.set(qv);
        k.set(kv);
      },
      dispose: () => { qt.free(); kt.free(); },
    };
  };
  const plain = (rotate) => () => {
    const q = q0.slice(), k = k0.slice();
    const { cos, sin } = TABLE;
    return {
      q, k,
      reset: () => { q.set(q0); k.set(k0); },
      step: per
        ? (p) => {
          for (let b = 0; b < B; b++) {
            rotate(q.subarray(b * Nq * D, (b + 1) * Nq * D), Nq, cos, sin, p[b]);
            rotate(k.subarray(b * Nk * D, (b + 1) * Nk * D), Nk, cos, sin, p[b]);
          }
        }
        : (p) => {
          rotate(q, Nq, cos, sin, p);
          rotate(k, Nk, cos, sin, p);
        },
    };
  };
  const P = ctx.posenc;
  const rows = [
    stepImpl({ key: 'posenc-simd-resident', label: 'posenc wasm-simd, rope q then k · module tensors, in place', mode: 'resident', pe: P['wasm-simd'], peName: 'wasm-simd', make: ropeRows(false), positionsAt }),
    ...(withStep ? [stepImpl({ key: 'posenc-simd-step', label: 'posenc wasm-simd, ropeStep(q, k) · module tensors, in place', mode: 'resident', pe: P['wasm-simd'], peName: 'wasm-simd', make: stepRows(false), positionsAt })] : []),
    stepImpl({ key: 'posenc-simd-out', label: 'posenc wasm-simd, rope q then k · Float32Array, in place', mode: 'into out', pe: P['wasm-simd'], peName: 'wasm-simd', make: ropeRows(true), positionsAt }),
    ...(withStep ? [stepImpl({ key: 'posenc-simd-step-out', label: 'posenc wasm-simd, ropeStep(q, k) · Float32Array, in place', mode: 'into out', pe: P['wasm-simd'], peName: 'wasm-simd', make: stepRows(true), positionsAt })] : []),
    stepImpl({ key: 'copy-floor', label: 'copy q, k into module tensors, posenc wasm-simd rope, copy back (the floor of Float32Array operands)', kind: 'ref', mode: 'into out', pe: P['wasm-simd'], peName: 'wasm-simd', make: copyFloor, positionsAt }),
    stepImpl({ key: 'posenc-simd-cold-resident', label: 'posenc wasm-simd, no row cache (each step generates its row) · module tensors', mode: 'resident', pe: P['wasm-simd cold'], peName: 'wasm-simd cold', make: ropeRows(false), positionsAt }),
    stepImpl({ key: 'posenc-simd-2t-resident', label: `posenc wasm-simd, 2 threads${typeof P['wasm-simd 2t'] === 'object' ? ` (${P['wasm-simd 2t'].threads} in use)` : ''} · module tensors`, mode: 'resident', pe: P['wasm-simd 2t'], peName: 'wasm-simd 2t', make: ropeRows(false), positionsAt }),
    stepImpl({ key: 'posenc-wasm-resident', label: 'posenc wasm (scalar) · module tensors', mode: 'resident', pe: P.wasm, peName: 'wasm', make: ropeRows(false), positionsAt }),
    stepImpl({ key: 'js-out', label: 'posenc js (baseline) · Float32Array, in place', kind: 'baseline', mode: 'into out', pe: P.js, peName: 'js', make: ropeRows(true), positionsAt }),
    stepImpl({ key: 'js-table-loop', label: 'plain JS loop, precomputed cos/sin table (natural: per head, per pair) · in place', kind: 'ref', mode: 'into out', make: plain(rotateNatural), positionsAt }),
    stepImpl({ key: 'js-table-loop-hoisted', label: 'plain JS loop, precomputed cos/sin table (hoisted: per pair, every head) · in place', kind: 'ref', mode: 'into out', make: plain(rotateHoisted), positionsAt }),
    ...onnxRopeStepImpls(ctx.onnx, { qShape, kShape, caches: TABLE, maxS: MAX_POS }).map((o) => (o.unavailable ? o : stepImpl({
      key: o.key, label: o.label, kind: 'peer', mode: o.mode, positionsAt,
      async make() {
        const s = await o.session();
        return { q: s.q, k: s.k, reset: () => { s.q.set(q0); s.k.set(k0); }, step: s.run, dispose: s.dispose };
      },
    }))),
    copyImpl(q0.length + k0.length),
  ];
  return rows;
}

export function decodeCase({ reps = 4096 } = {}) {
  const q0 = randomF32(32 * D, 31), k0 = randomF32(8 * D, 32);
  const elements = q0.length + k0.length;
  return {
    id: 'decode 1x32x1x128+1x8x1x128', group: 'decode',
    title: 'decode step: rope q [1, 32, 1, 128] then k [1, 8, 1, 128] (halves), in place, positions 0…4095 in turn',
    shape: [1, 40, 1, D], elements, bytes: elements * 4, reps,
    tolerance: 2 ** -20,
    build(ctx) {
      const at = (t) => t;
      return {
        reference: concat(rotate64(q0, Array(32).fill(CHECK_POS)), rotate64(k0, Array(8).fill(CHECK_POS))),
        impls: decodeImpls(ctx, { B: 1, q0, k0, positionsAt: at, withStep: true }),
        notes: [
          'one sample = 4096 steps (positions 0…4095); times per step (q and k); copy: Float32Array.set of the step\'s 20 KiB',
          'cos/sin rows: posenc keeps the rows of positions 0…n−1 (grown as positions pass the end); the plain-JS loops and onnxruntime-web read a [4096, 64] float32 table made before timing',
        ],
      };
    },
  };
}

export function batchCase({ reps = 512 } = {}) {
  const B = 8;
  const q0 = randomF32(B * 32 * D, 33), k0 = randomF32(B * 8 * D, 34);
  const elements = q0.length + k0.length;
  // Sequence b at position (517·b + t) mod 4096 at step t: one Int32Array, updated in place each step.
  const pos = new Int32Array(B);
  const at = (t) => {
    for (let b = 0; b < B; b++) pos[b] = (BATCH_STRIDE * b + t) % MAX_POS;
    return pos;
  };
  const check = Array.from({ length: B }, (_, b) => (BATCH_STRIDE * b + CHECK_POS) % MAX_POS);
  return {
    id: 'decode batch 8x32x1x128', group: 'decode',
    title: 'continuous batching: rope q [8, 32, 1, 128] then k [8, 8, 1, 128], each sequence at its own position (positions of length 8), in place',
    shape: [8, 40, 1, D], elements, bytes: elements * 4, reps,
    tolerance: 2 ** -20,
    build(ctx) {
      return {
        reference: concat(rotate64(q0, check.flatMap((p) => Array(32).fill(p))), rotate64(k0, check.flatMap((p) => Array(8).fill(p)))),
        impls: decodeImpls(ctx, { B, q0, k0, positionsAt: at, withStep: false }),
        notes: ['one sample = 512 steps; 8 sequences at positions 517·b + t (mod 4096), given as positions: Int32Array(8)'],
      };
    },
  };
}

export function decodeCases({ quick }) {
  return [decodeCase({ reps: quick ? 1024 : 4096 }), batchCase({ reps: quick ? 128 : 512 })];
}

/**
 * A decode loop of `steps` positions in a fresh Node process (a fresh instance, default cache
 * budget): q [1, 32, 1, 128] and k [1, 8, 1, 128] module tensors rotated in place at positions
 * 0 … steps − 1. Records module memory at position `at` and at the end, the most cached bytes
 * (sampled every 1000 steps), the budget, and the time per step of positions 16,384…32,767 (ranged
 * rows, their last doubling included) and from 32,768 on (a quarter of the budget: each step then
 * generates its row).
 */
export function decodeMemory(root, { steps = 100_000, at = 10_000 } = {}) {
  const url = pathToFileURL(`${root}/dist/esm/index.js`).href;
  const code = `
    const { init } = await import(${JSON.stringify(url)});
    const pe = await init({ backend: 'wasm-simd' });
    const q = pe.alloc(32 * 128), k = pe.alloc(8 * 128);
    q.array.fill(0.5); k.array.fill(0.25);
    let memAt = 0, most = 0;
    const memStart = pe.memoryBytes;
    const cut = Math.floor(pe.cacheBytes / 4 / 512);
    // Per-step times: positions cut/2 … cut − 1 (ranged rows, the last doubling included; the
    // first half warms the engine up) and cut … steps − 1 (each step generates its row).
    const t = [];
    let t0 = performance.now();
    for (let p = 0; p < ${steps}; p++) {
      if (p === cut / 2) t0 = performance.now();
      if (p === cut) { t.push((performance.now() - t0) / (cut / 2)); t0 = performance.now(); }
      pe.rope(q, { shape: [1, 32, 1, 128], offset: p, out: q });
      pe.rope(k, { shape: [1, 8, 1, 128], offset: p, out: k });
      if (p === ${at}) memAt = pe.memoryBytes;
      if (p % 1000 === 0) most = Math.max(most, pe.cachedBytes);
    }
    t.push((performance.now() - t0) / Math.max(1, ${steps} - cut));
    most = Math.max(most, pe.cachedBytes);
    if (!Number.isFinite(q.array[0])) throw new Error('non-finite result');
    console.log(JSON.stringify({ steps: ${steps}, at: ${at}, memStart, memAt, memEnd: pe.memoryBytes, mostCached: most, budget: pe.cacheBytes, cut, usPerStep: t.map((v) => v * 1000) }));`;
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    return { error: String(e.message ?? e).split('\n')[0] };
  }
}

/** The decode-loop memory target (see checkTargets in ./targets.mjs). */
export function decodeMemoryTarget(m) {
  const title = 'a decode loop of 100,000 positions: module memory grows by at most the cache budget after position 10,000; pe.cachedBytes ≤ budget';
  if (!m) return null;
  if (m.error) return { title, status: 'N/A', details: [m.error] };
  const MiB = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const grow = m.memEnd - m.memAt;
  const pass = grow <= m.budget && m.mostCached <= m.budget;
  return {
    title, status: pass ? 'PASS' : 'MISS',
    details: [
      `memory ${MiB(m.memStart)} at start, ${MiB(m.memAt)} at position ${m.at}, ${MiB(m.memEnd)} after ${m.steps} (grew ${MiB(grow)}; budget ${MiB(m.budget)})${grow <= m.budget ? '' : ' ✗'}`,
      `most cached ${MiB(m.mostCached)}${m.mostCached <= m.budget ? '' : ' ✗'}`,
      `per step ${m.usPerStep[0].toFixed(2)} µs for positions ${m.cut / 2}…${m.cut - 1} (ranged rows, their last doubling included), ${m.usPerStep[1].toFixed(2)} µs from ${m.cut} on (beyond a quarter of the budget: each step generates its row)`,
    ],
  };
}

const DECODE = ['decode 1x32x1x128+1x8x1x128'];

/** Targets of the generation loop, in the format of ./targets.mjs. */
export const DECODE_TARGETS = [
  {
    title: 'decode: rope q [1, 32, 1, 128] then k [1, 8, 1, 128] at positions 0…4095, module tensors, in place: ≤ 6× the copy of the same bytes',
    cases: DECODE, row: 'posenc-simd-resident', than: 'copy', max: 6, info: ['posenc-simd-step', 'posenc-simd-cold-resident'],
  },
  {
    title: 'decode, module tensors: ≥ 6× a plain-JS loop rotating with a precomputed cos/sin table',
    cases: DECODE, row: 'posenc-simd-resident', than: 'js-table-loop', min: 6,
    info: ['posenc-simd-step', { row: 'posenc-simd-resident', than: 'js-table-loop-hoisted' }, { row: 'posenc-simd-step', than: 'js-table-loop-hoisted' }],
  },
  {
    title: 'decode, Float32Array operands: ≤ 1.5× the module-tensor time',
    cases: DECODE, row: 'posenc-simd-out', than: 'posenc-simd-resident', max: 1.5,
    info: [{ row: 'posenc-simd-step-out', than: 'posenc-simd-step' }, { row: 'copy-floor', than: 'posenc-simd-resident' }, { row: 'posenc-simd-out', than: 'copy-floor' }, { row: 'posenc-simd-out', than: 'copy' }],
  },
  {
    title: 'continuous batching: rope q [8, 32, 1, 128] (and k), 8 different positions: ≥ 8× the plain-JS loop',
    cases: ['decode batch 8x32x1x128'], row: 'posenc-simd-resident', than: 'js-table-loop', min: 8,
    info: [{ row: 'posenc-simd-resident', than: 'js-table-loop-hoisted' }, { row: 'posenc-simd-resident', than: 'copy' }],
  },
];
