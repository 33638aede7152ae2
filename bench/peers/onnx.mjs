// onnxruntime-web peer (its wasm execution provider, single-threaded, in Node, offline: the .wasm
// and its .mjs glue are loaded from node_modules/onnxruntime-web/dist/). The graphs are written
// here in JS with onnx-proto, as a user exporting these ops would get them.
//
// Modes:
//   resident: session.run with OrtTensors made beforehand (ORT-web's wasm EP copies inputs into
//             and outputs out of its heap inside run(): there is no way to keep them there).
//   e2e:      a new OrtTensor wrapping the JS Float32Array, run, and the output's .data.
// add and concat hold a PE table precomputed once (float64 → float32) as an initializer.
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
  constructor(onnx) {
    this.onnx = onnx;
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
  node(opType, input, output, attribute = []) {
    this.nodes.push({ opType, input, output, attribute, name: `${opType}_${this.nodes.length}` });
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
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
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

function sessionImpls(peer, graphOf, feedsOf, { modes = ['resident', 'e2e'], choose = async () => undefined, labels = LABELS } = {}) {
  return modes.map((mode) => {
    const key = `ort-${mode}`;
    if (!peer?.ort) return unavailable(key, labels[mode], mode, peer?.reason ?? 'onnxruntime-web not loaded');
    const { ort, onnx } = peer;
    return {
      key, label: labels[mode], kind: 'peer', mode,
      async setup() {
        const variant = await choose(peer);
        const g = new Graph(onnx);
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
