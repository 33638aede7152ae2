// onnxruntime-web peer (its wasm execution provider, single-threaded, in Node, offline: the .wasm
// and its .mjs glue are loaded from node_modules/onnxruntime-web/dist/). The graphs are written
// here in JS with onnx-proto, as a user exporting these ops would get them.
//
// Modes:
//   resident: session.run with OrtTensors made beforehand (ORT-web's wasm EP copies inputs into
//             and outputs out of its heap inside run(): there is no way to keep them there).
//   e2e:      a new OrtTensor wrapping the JS Float32Array, run, and the output's .data.
// add and concat hold a PE table precomputed once (float64 → float32) as an initializer; rotary
// runs ONNX opset 23 `RotaryEmbedding` and `com.microsoft.RotaryEmbedding` with cos_cache/sin_cache
// [maxS, H/2] (float64 cos/sin → float32, as Hugging Face exports them) held as initializers and
// position_ids [B, S] (int64) as an input.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Loads onnxruntime-web and onnx-proto. Returns { ort, onnx } or { reason }; never throws. */
export async function loadOnnx() {
  let ort;
  let onnx;
  try {
    ort = await import('onnxruntime-web');
    ort = ort.default?.InferenceSession ? ort.default : ort;
  } catch (e) {
    return { reason: `onnxruntime-web not loadable: ${e.message}` };
  }
  try {
    onnx = require('onnx-proto').onnx;
  } catch (e) {
    return { reason: `onnx-proto not loadable: ${e.message}` };
  }
  try {
    const dir = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm')) + path.sep;
    ort.env.wasm.wasmPaths = dir;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    // Compile the runtime once, with a trivial graph, so that no case pays for it.
    const g = new Graph(onnx);
    g.input('x', ['n']);
    g.node('Sin', ['x'], ['y']);
    g.output('y', ['n']);
    const s = await ort.InferenceSession.create(g.bytes(), { executionProviders: ['wasm'] });
    const r = await s.run({ x: new ort.Tensor('float32', Float32Array.of(1), [1]) });
    if (Math.abs(r.y.data[0] - Math.sin(1)) > 1e-6) throw new Error('wrong sin(1)');
    await s.release();
  } catch (e) {
    return { reason: `onnxruntime-web wasm backend failed in Node: ${e.message}` };
  }
  return { ort, onnx, version: ort.env.versions?.web ?? null };
}

/** A tiny ONNX graph builder over onnx-proto. */
class Graph {
  constructor(onnx, opsets = [{ domain: '', version: 17 }], irVersion = 8) {
    this.onnx = onnx;
    this.opsets = opsets;
    this.irVersion = irVersion;
    this.nodes = [];
    this.inputs = [];
    this.outputs = [];
    this.inits = [];
  }
  #vi(name, dims, elemType) {
    const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
    return { name, type: { tensorType: { elemType, shape: { dim } } } };
  }
  input(name, dims, type = this.onnx.TensorProto.DataType.FLOAT) {
    this.inputs.push(this.#vi(name, dims, type));
  }
  output(name, dims) {
    this.outputs.push(this.#vi(name, dims, this.onnx.TensorProto.DataType.FLOAT));
  }
  node(opType, input, output, attribute = [], domain = '') {
    this.nodes.push({ opType, input, output, attribute, domain, name: `${opType}_${this.nodes.length}` });
  }
  /** An initializer from a Float32Array, BigInt64Array or number list (float). */
  init(name, dims, data) {
    const T = this.onnx.TensorProto.DataType;
    const arr = data instanceof BigInt64Array || data instanceof Float32Array ? data : Float32Array.from(data);
    this.inits.push({
      name, dims, dataType: arr instanceof BigInt64Array ? T.INT64 : T.FLOAT,
      rawData: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength),
    });
  }
  bytes() {
    const model = this.onnx.ModelProto.create({
      irVersion: this.irVersion,
      opsetImport: this.opsets,
      producerName: 'posenc-bench',
      graph: { name: 'g', node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.inits },
    });
    return this.onnx.ModelProto.encode(model).finish();
  }
}

const i64 = (...v) => BigInt64Array.from(v.map(BigInt));

function unavailable(key, label, mode, reason) {
  return { key, label, kind: 'peer', mode, unavailable: reason };
}

/**
 * Two impls (resident, e2e) around one session. `feedsOf(ort, e2e)` returns the feeds for one call
 * (e2e: wraps the caller's arrays anew each call); `outName` is the graph output.
 */
const LABELS = { resident: 'onnxruntime-web · pre-made OrtTensors', e2e: 'onnxruntime-web · Float32Array in/out' };

function sessionImpls(peer, graphOf, feedsOf, { modes = ['resident', 'e2e'], choose = async () => undefined, labels = LABELS, prefix = 'ort', graph = (onnx) => new Graph(onnx) } = {}) {
  return modes.map((mode) => {
    const key = `${prefix}-${mode}`;
    if (!peer?.ort) return unavailable(key, labels[mode], mode, peer?.reason ?? 'onnxruntime-web not loaded');
    const { ort, onnx } = peer;
    return {
      key, label: labels[mode], kind: 'peer', mode,
      async setup() {
        const variant = await choose(peer);
        const g = graph(onnx);
        graphOf(g, variant);
        const session = await ort.InferenceSession.create(g.bytes(), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
        const fixed = feedsOf(ort);
        let last = null;
        const run = mode === 'resident'
          ? async () => { last = (await session.run(fixed)).y; }
          : async () => { last = (await session.run(feedsOf(ort))).y.data; };
        return {
          run,
          variant,
          result: () => (mode === 'resident' ? last.data : last),
          dispose: () => session.release(),
        };
      },
    };
  });
}

/**
 * The vaswani table [L, d] (d even). L is a graph input (a scalar), so that the runtime cannot
 * fold the table into a constant. Two ways to write it; the faster one here is used (timed once
 * at 512×512, see chooseTableVariant):
 *   interleave: Range(0, L) ⊗ ω → Sin, Cos → Unsqueeze, Concat on a new last axis, Reshape
 *   phase:      Sin(Range(0, L) ⊗ ω' + φ), ω' = each ω twice, φ = [0, π/2, …] (cos x = sin(x + π/2))
 */
function tableGraph(g, d, freqs32, variant) {
  g.input('limit', []);
  g.init('start', [], [0]);
  g.init('delta', [], [1]);
  g.init('ax1', [1], i64(1));
  g.node('Range', ['start', 'limit', 'delta'], ['pos']);
  g.node('Unsqueeze', ['pos', 'ax1'], ['pos2']);
  if (variant === 'phase') {
    g.init('freq', [1, d], Float32Array.from({ length: d }, (_, j) => freqs32[j >> 1]));
    g.init('phase', [1, d], Float32Array.from({ length: d }, (_, j) => (j & 1 ? Math.PI / 2 : 0)));
    g.node('Mul', ['pos2', 'freq'], ['ang']);
    g.node('Add', ['ang', 'phase'], ['ang2']);
    g.node('Sin', ['ang2'], ['y']);
  } else {
    g.init('freq', [1, d / 2], freqs32);
    g.init('ax2', [1], i64(2));
    g.init('shape', [2], i64(-1, d));
    g.node('Mul', ['pos2', 'freq'], ['ang']);
    g.node('Sin', ['ang'], ['s']);
    g.node('Cos', ['ang'], ['c']);
    g.node('Unsqueeze', ['s', 'ax2'], ['s3']);
    g.node('Unsqueeze', ['c', 'ax2'], ['c3']);
    g.node('Concat', ['s3', 'c3'], ['sc'], [{ name: 'axis', type: 2, i: 2 }]);
    g.node('Reshape', ['sc', 'shape'], ['y']);
  }
  g.output('y', ['L', d]);
}

let tableVariant = null;

/** Best of 3 session.run calls per variant at 512×512 (once per process). */
async function chooseTableVariant({ ort, onnx }) {
  if (tableVariant) return tableVariant;
  const d = 512;
  const f = Float32Array.from({ length: d / 2 }, (_, i) => 1 / Math.pow(10000, (2 * i) / d));
  const feeds = { limit: new ort.Tensor('float32', Float32Array.of(512), []) };
  let best = Infinity;
  for (const variant of ['interleave', 'phase']) {
    const g = new Graph(onnx);
    tableGraph(g, d, f, variant);
    const s = await ort.InferenceSession.create(g.bytes(), { executionProviders: ['wasm'] });
    await s.run(feeds);
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await s.run(feeds);
      const t = performance.now() - t0;
      if (t < best) [best, tableVariant] = [t, variant];
    }
    await s.release();
  }
  return tableVariant;
}

export function onnxTableImpls(peer, { length: L, dim: d, freqs32 }) {
  return sessionImpls(peer, (g, variant) => tableGraph(g, d, freqs32, variant),
    (ort) => ({ limit: new ort.Tensor('float32', Float32Array.of(L), []) }),
    { modes: ['e2e'], choose: chooseTableVariant, labels: { e2e: 'onnxruntime-web · session.run → Float32Array' } });
}

/** out = scale·x + PE: Add(Mul(x, scale), pe), pe [l, d] an initializer broadcast over the batch. */
export function onnxAddImpls(peer, { shape, scale, x, table32 }) {
  const [b, l, d] = shape;
  return sessionImpls(peer, (g) => {
    g.input('x', [b, l, d]);
    g.init('scale', [], [scale]);
    g.init('pe', [l, d], table32);
    g.node('Mul', ['x', 'scale'], ['sx']);
    g.node('Add', ['sx', 'pe'], ['y']);
    g.output('y', [b, l, d]);
  }, (ort) => ({ x: new ort.Tensor('float32', x, [b, l, d]) }));
}

/** [x | PE]: Concat(x, Expand(pe [1, l, w], [b, l, w]), axis 2). */
export function onnxConcatImpls(peer, { shape, width: w, x, table32 }) {
  const [b, l, d] = shape;
  return sessionImpls(peer, (g) => {
    g.input('x', [b, l, d]);
    g.init('pe', [1, l, w], table32);
    g.init('shape', [3], i64(b, l, w));
    g.node('Expand', ['pe', 'shape'], ['pe3']);
    g.node('Concat', ['x', 'pe3'], ['y'], [{ name: 'axis', type: 2, i: 2 }]);
    g.output('y', [b, l, d + w]);
  }, (ort) => ({ x: new ort.Tensor('float32', x, [b, l, d]) }));
}

// ---- rotary: ONNX RotaryEmbedding (opset 23) and com.microsoft.RotaryEmbedding ------------------

/** The two rotary ops: key prefix, label, how to build the graph's node. */
const ROPE_OPS = [
  {
    prefix: 'ort', label: 'onnxruntime-web RotaryEmbedding (opset 23)',
    graph: (onnx) => new Graph(onnx, [{ domain: '', version: 23 }], 10),
    // RotaryEmbedding(X, cos_cache, sin_cache, position_ids)
    node: (g, x, y, interleaved) => g.node('RotaryEmbedding', [x, 'cos', 'sin', 'pos'], [y], [{ name: 'interleaved', type: 2, i: interleaved ? 1 : 0 }]),
  },
  {
    prefix: 'ort-ms', label: 'onnxruntime-web com.microsoft.RotaryEmbedding',
    graph: (onnx) => new Graph(onnx, [{ domain: '', version: 23 }, { domain: 'com.microsoft', version: 1 }], 10),
    // com.microsoft.RotaryEmbedding(input, position_ids, cos_cache, sin_cache)
    node: (g, x, y, interleaved) => g.node('RotaryEmbedding', [x, 'pos', 'cos', 'sin'], [y], [{ name: 'interleaved', type: 2, i: interleaved ? 1 : 0 }], 'com.microsoft'),
  },
];

/** cos_cache and sin_cache [maxS, h] in float32 from float64 cos/sin of p·freqs[i]. */
export function ropeCaches(maxS, freqs) {
  const h = freqs.length;
  const cos = new Float32Array(maxS * h);
  const sin = new Float32Array(maxS * h);
  for (let p = 0; p < maxS; p++) {
    for (let i = 0; i < h; i++) {
      cos[p * h + i] = Math.cos(p * freqs[i]);
      sin[p * h + i] = Math.sin(p * freqs[i]);
    }
  }
  return { cos, sin };
}

/**
 * Rotary of x [B, N, S, H] (halves or interleaved) at position_ids `positions` ([B·S], int),
 * caches [maxS, H/2] as initializers: resident and end-to-end rows for each of the two ops.
 */
export function onnxRopeImpls(peer, { shape, layout, x, caches, maxS, positions }) {
  const [B, N, S, H] = shape;
  const pos = BigInt64Array.from(positions, (p) => BigInt(p));
  return ROPE_OPS.flatMap((op) => sessionImpls(peer, (g) => {
    g.input('x', [B, N, S, H]);
    g.input('pos', [B, S], peer.onnx.TensorProto.DataType.INT64);
    g.init('cos', [maxS, H / 2], caches.cos);
    g.init('sin', [maxS, H / 2], caches.sin);
    op.node(g, 'x', 'y', layout === 'interleaved');
    g.output('y', [B, N, S, H]);
  }, (ort) => ({ x: new ort.Tensor('float32', x, [B, N, S, H]), pos: new ort.Tensor('int64', pos, [B, S]) }), {
    prefix: op.prefix, graph: op.graph,
    labels: { resident: `${op.label} · pre-made OrtTensors`, e2e: `${op.label} · Float32Array in/out` },
  }));
}

/**
 * A decode step of q [B, Nq, 1, H] and k [B, Nk, 1, H] in one session (two rotary nodes sharing the
 * caches and position_ids [B, 1]): `run(p)` rotates at positions p (a number, or one per sequence)
 * and writes the results back into q and k (in place, as posenc's rows do). Resident: the input
 * OrtTensors are made once (their position data updated in place; ORT copies inputs into its heap
 * inside run()); e2e: wrapped anew each call. Returns impls for both ops, each with
 * setup() → { run(p), q, k }.
 */
export function onnxRopeStepImpls(peer, { qShape, kShape, caches, maxS }) {
  const [B, Nq, S, H] = qShape;
  const Nk = kShape[1];
  return ROPE_OPS.flatMap((op) => ['resident', 'e2e'].map((mode) => {
    const key = `${op.prefix}-${mode}`;
    const label = `${op.label} · ${mode === 'resident' ? 'pre-made OrtTensors' : 'Float32Array in/out'}`;
    if (!peer?.ort) return unavailable(key, label, mode, peer?.reason ?? 'onnxruntime-web not loaded');
    const { ort, onnx } = peer;
    return {
      key, label, kind: 'peer', mode,
      async session() {
        const g = op.graph(onnx);
        g.input('q', [B, Nq, S, H]);
        g.input('k', [B, Nk, S, H]);
        g.input('pos', [B, S], onnx.TensorProto.DataType.INT64);
        g.init('cos', [maxS, H / 2], caches.cos);
        g.init('sin', [maxS, H / 2], caches.sin);
        op.node(g, 'q', 'qo', false);
        op.node(g, 'k', 'ko', false);
        g.output('qo', [B, Nq, S, H]);
        g.output('ko', [B, Nk, S, H]);
        const session = await ort.InferenceSession.create(g.bytes(), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
        const q = new Float32Array(B * Nq * S * H);
        const k = new Float32Array(B * Nk * S * H);
        const posData = new BigInt64Array(B * S);
        const feeds = { q: new ort.Tensor('float32', q, qShape), k: new ort.Tensor('float32', k, kShape), pos: new ort.Tensor('int64', posData, [B, S]) };
        const setPos = (p) => {
          for (let i = 0; i < B * S; i++) posData[i] = BigInt(typeof p === 'number' ? p : p[i]);
        };
        const run = mode === 'resident'
          ? async (p) => {
            setPos(p);
            const r = await session.run(feeds);
            q.set(r.qo.data);
            k.set(r.ko.data);
          }
          : async (p) => {
            setPos(p);
            const r = await session.run({ q: new ort.Tensor('float32', q, qShape), k: new ort.Tensor('float32', k, kShape), pos: new ort.Tensor('int64', posData, [B, S]) });
            q.set(r.qo.data);
            k.set(r.ko.data);
          };
        return { run, q, k, dispose: () => session.release() };
      },
    };
  }));
}
