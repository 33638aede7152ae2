// TensorFlow.js peers: @tensorflow/tfjs-core with tfjs-backend-wasm (its .wasm files loaded from
// node_modules, no network) and tfjs-backend-cpu. Each op is written the way a tfjs user would
// write it, with functional ops (tf.sin, tf.mul, ...).
//
// Modes:
//   resident: inputs are tf.Tensors already on the backend; the result stays a tf.Tensor
//             (disposed after each call, which a real program must do too).
//   e2e:      a JS Float32Array in (tf.tensor copies it onto the backend), a JS Float32Array out
//             (dataSync; the wasm backend copies out of its heap, the cpu backend hands back its
//             own array).
// add and concat use a PE table precomputed once (float64 → float32, untimed): the usual way
// (PyTorch's tutorial registers it as a buffer), and the most favourable one for the peer.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Runs fn with console.log/warn silenced (tfjs greets Node users on first use). */
function quietly(fn) {
  const { log, warn, info } = console;
  console.log = console.warn = console.info = () => {};
  try {
    return fn();
  } finally {
    Object.assign(console, { log, warn, info });
  }
}

/**
 * Loads tfjs-core and both backends. Returns { tf, backends: { wasm: true|reason, cpu: true|reason }, info }.
 * Never throws: a missing package becomes a reason shown in the table.
 */
export async function loadTfjs() {
  let tf;
  try {
    tf = require('@tensorflow/tfjs-core');
  } catch (e) {
    const reason = `@tensorflow/tfjs-core not loadable: ${e.message}`;
    return { tf: null, backends: { wasm: reason, cpu: reason }, info: {} };
  }
  const backends = {};
  const info = {};
  try {
    require('@tensorflow/tfjs-backend-cpu');
    await quietly(() => tf.setBackend('cpu'));
    quietly(() => tf.tidy(() => tf.sin(tf.scalar(1)).dataSync()));
    backends.cpu = true;
  } catch (e) {
    backends.cpu = `tfjs-backend-cpu failed: ${e.message}`;
  }
  try {
    const wasm = require('@tensorflow/tfjs-backend-wasm');
    // In Node the backend reads the binary with fs from this directory (a plain path, with a trailing slash).
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
    wasm.setWasmPaths(dir);
    const ok = await quietly(() => tf.setBackend('wasm'));
    if (!ok) throw new Error('setBackend("wasm") returned false');
    quietly(() => tf.tidy(() => tf.sin(tf.scalar(1)).dataSync()));
    info.wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.wasmThreads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    backends.wasm = true;
  } catch (e) {
    backends.wasm = `tfjs-backend-wasm failed: ${e.message}`;
  }
  return { tf, backends, info };
}

const LABEL = { wasm: 'tfjs-backend-wasm', cpu: 'tfjs-backend-cpu' };

/**
 * Builds the impls of one op for both backends and both modes (labels per mode).
 * `make(tf)` returns { resident: {setup(tf) → {run, result, dispose}}, e2e: {...} }.
 */
const MODES = { resident: 'resident tensors', e2e: 'Float32Array in/out' };

function impls(peer, make, modeLabels = MODES) {
  const out = [];
  for (const be of ['wasm', 'cpu']) {
    for (const mode of ['resident', 'e2e']) {
      const key = `tfjs-${be}-${mode}`;
      const label = `${LABEL[be]} · ${modeLabels[mode]}`;
      const ok = peer?.backends?.[be];
      if (ok !== true) {
        out.push({ key, label, kind: 'peer', mode, unavailable: ok || 'tfjs not loaded' });
        continue;
      }
      const tf = peer.tf;
      out.push({
        key, label, kind: 'peer', mode,
        // The active backend is global in tfjs: switch before each phase, never per call.
        before: () => tf.setBackend(be),
        async setup() {
          await tf.setBackend(be);
          return make(tf)[mode]();
        },
      });
    }
  }
  return out;
}

/**
 * The vaswani table [L, d] (d even), in the two ways a tfjs user writes it; each backend uses the
 * one that is faster on it (timed once at 512×512, see chooseVariant):
 *   stack: ang = range(L) ⊗ ω; reshape(stack([sin(ang), cos(ang)], 2), [L, d])
 *   phase: sin(range(L) ⊗ ω' + φ) with ω' = each ω twice and φ = [0, π/2, 0, π/2, …]
 *          (cos x = sin(x + π/2): one sin over [L, d] and no interleaving copy)
 */
const TABLE_VARIANTS = {
  stack: (tf, L, d, freqs32) => {
    const freq = tf.tensor2d(freqs32, [1, d / 2]);
    return {
      build: () => tf.tidy(() => {
        const ang = tf.mul(tf.reshape(tf.range(0, L, 1, 'float32'), [L, 1]), freq);
        return tf.reshape(tf.stack([tf.sin(ang), tf.cos(ang)], 2), [L, d]);
      }),
      dispose: () => freq.dispose(),
    };
  },
  phase: (tf, L, d, freqs32) => {
    const freq = tf.tensor2d(Float32Array.from({ length: d }, (_, j) => freqs32[j >> 1]), [1, d]);
    const phase = tf.tensor2d(Float32Array.from({ length: d }, (_, j) => (j & 1 ? Math.PI / 2 : 0)), [1, d]);
    return {
      build: () => tf.tidy(() => tf.sin(tf.add(tf.mul(tf.reshape(tf.range(0, L, 1, 'float32'), [L, 1]), freq), phase))),
      dispose: () => { freq.dispose(); phase.dispose(); },
    };
  },
};

const chosen = new Map();

/** The faster table variant on the active backend (best of 3 calls each at 512×512, cached). */
function chooseVariant(tf, be) {
  let v = chosen.get(be);
  if (v) return v;
  const L = 512;
  const d = 512;
  const f = Float32Array.from({ length: d / 2 }, (_, i) => 1 / Math.pow(10000, (2 * i) / d));
  let best = Infinity;
  for (const [name, make] of Object.entries(TABLE_VARIANTS)) {
    const m = make(tf, L, d, f);
    m.build().dispose();
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const out = m.build();
      out.dataSync();
      const t = performance.now() - t0;
      out.dispose();
      if (t < best) [best, v] = [t, name];
    }
    m.dispose();
  }
  chosen.set(be, v);
  return v;
}

export function tfjsTableImpls(peer, { length: L, dim: d, freqs32 }) {
  return impls(peer, (tf) => {
    const variant = chooseVariant(tf, tf.getBackend());
    const common = () => TABLE_VARIANTS[variant](tf, L, d, freqs32);
    return {
      resident() {
        const { build, dispose } = common();
        return {
          variant,
          run() { build().dispose(); },
          result() { const t = build(); const a = t.dataSync().slice(); t.dispose(); return a; },
          dispose,
        };
      },
      e2e() {
        const { build, dispose } = common();
        let last = null;
        return {
          variant,
          run() { const t = build(); last = t.dataSync(); t.dispose(); },
          result() { return last; },
          dispose,
        };
      },
    };
  }, { resident: 'result stays a tf.Tensor', e2e: 'result → Float32Array (dataSync)' });
}

/** out = scale·x + PE: tf.add(tf.mul(x, scale), pe) with pe [l, d] broadcast over the batch. */
export function tfjsAddImpls(peer, { shape, scale, x, table32 }) {
  const [b, l, d] = shape;
  return impls(peer, (tf) => {
    const consts = () => {
      const pe = tf.tensor2d(table32, [l, d]);
      const s = tf.scalar(scale);
      return { pe, s, dispose: () => { pe.dispose(); s.dispose(); } };
    };
    return {
      resident() {
        const c = consts();
        const xt = tf.tensor3d(x, [b, l, d]);
        const f = () => tf.tidy(() => tf.add(tf.mul(xt, c.s), c.pe));
        return {
          run() { f().dispose(); },
          result() { const t = f(); const a = t.dataSync().slice(); t.dispose(); return a; },
          dispose() { xt.dispose(); c.dispose(); },
        };
      },
      e2e() {
        const c = consts();
        let last = null;
        return {
          run() {
            const t = tf.tidy(() => tf.add(tf.mul(tf.tensor3d(x, [b, l, d]), c.s), c.pe));
            last = t.dataSync();
            t.dispose();
          },
          result() { return last; },
          dispose: c.dispose,
        };
      },
    };
  });
}

/** [x | PE]: tf.concat([x, broadcastTo(pe [1, l, w], [b, l, w])], 2). */
export function tfjsConcatImpls(peer, { shape, width: w, x, table32 }) {
  const [b, l, d] = shape;
  return impls(peer, (tf) => {
    const f = (xt, pe) => tf.tidy(() => tf.concat([xt, tf.broadcastTo(pe, [b, l, w])], 2));
    return {
      resident() {
        const pe = tf.tensor3d(table32, [1, l, w]);
        const xt = tf.tensor3d(x, [b, l, d]);
        return {
          run() { f(xt, pe).dispose(); },
          result() { const t = f(xt, pe); const a = t.dataSync().slice(); t.dispose(); return a; },
          dispose() { xt.dispose(); pe.dispose(); },
        };
      },
      e2e() {
        const pe = tf.tensor3d(table32, [1, l, w]);
        let last = null;
        return {
          run() {
            const t = tf.tidy(() => f(tf.tensor3d(x, [b, l, d]), pe));
            last = t.dataSync();
            t.dispose();
          },
          result() { return last; },
          dispose() { pe.dispose(); },
        };
      },
    };
  });
}
