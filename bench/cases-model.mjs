// Benchmark cases of pe.model(config), in the case format of ./cases/index.mjs (`--only model`).
//
// - 'model plan corpus': pe.model(config) for every config of test/fixtures/models/ (61), one row
//   each, on wasm-simd after init (a repeated call: the frequencies of a config are derived with
//   the backend once and cached by pe.rope's schedule cache, the plan itself is rebuilt). Target:
//   every row ≤ 1 ms. The notes give the first call of each config (cold).
// - 'model rope …': model.rope against the pe.rope call with model.options on the same module
//   tensors (Llama-3.1-8B, llama3 scaling), a large and a small shape. Target: model.rope within
//   1.1× of pe.rope (median of per-round ratios of interleaved rounds); the results are checked
//   bit-identical first.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODELS = path.join(ROOT, 'test/fixtures/models');
const ENC_DEC = new Set(['whisper', 't5', 'mt5', 'umt5', 'switch_transformers', 'bart', 'mbart', 'marian', 'pegasus', 'm2m_100', 'speech_to_text', 'fsmt']);

function corpus() {
  return readdirSync(MODELS).filter((f) => f.endsWith('.json') && f !== 'index.json').sort()
    .map((file) => ({ file, cfg: JSON.parse(readFileSync(path.join(MODELS, file), 'utf8')) }));
}

const partOf = (cfg) => (ENC_DEC.has(cfg.model_type) ? { part: 'decoder' } : undefined);

function planCase() {
  const configs = corpus();
  return {
    id: 'model plan corpus', group: 'model', title: `pe.model(config) for each of the ${configs.length} corpus configs (wasm-simd, after init)`,
    shape: [configs.length], elements: configs.length, bytes: 0, reps: 20, tolerance: 0,
    primary: `model-${configs[0].file.replace(/\.json$/, '')}`,
    build(ctx) {
      const pe = ctx.posenc['wasm-simd'];
      const cold = [];
      const notes = ['one row per config; each sample is 20 calls (the time shown is per call)'];
      const impls = configs.map(({ file, cfg }) => {
        const key = `model-${file.replace(/\.json$/, '')}`;
        if (typeof pe === 'string' || !pe) return { key, label: file, kind: 'posenc', mode: 'plan', unavailable: pe || 'wasm-simd not loaded' };
        return {
          key, label: `pe.model(${file.replace(/\.json$/, '')})`, kind: 'posenc', mode: 'plan',
          setup() {
            const t0 = performance.now();
            pe.model(cfg, partOf(cfg));
            cold.push([file, performance.now() - t0]);
            if (cold.length === configs.length) {
              const ms = cold.map(([, t]) => t).sort((a, b) => a - b);
              const [worst, wt] = cold.reduce((a, c) => (c[1] > a[1] ? c : a));
              notes.push(`first call of each config (cold, once): median ${ms[ms.length >> 1].toFixed(3)} ms, max ${wt.toFixed(3)} ms (${worst})`);
            }
            return { run: () => pe.model(cfg, partOf(cfg)) };
          },
        };
      });
      return { reference: null, impls, primary: impls[0].key, notes };
    },
  };
}

function ropeCase([b, h, l, d], { reps = 1, id }) {
  const n = b * h * l * d;
  return {
    id, group: 'model', title: `model.rope vs pe.rope with model.options, Llama-3.1-8B, float32 [${b}, ${h}, ${l}, ${d}], module tensors`,
    shape: [b, h, l, d], elements: n, bytes: n * 4, reps, tolerance: 0,
    primary: 'pe-rope-options',
    build(ctx) {
      const pe = ctx.posenc['wasm-simd'];
      const cfg = JSON.parse(readFileSync(path.join(MODELS, 'meta-llama--Llama-3.1-8B-Instruct.json'), 'utf8'));
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37));
      const shape = [b, h, l, d];
      const offset = 4000;
      const make = (call) => () => {
        const xt = pe.alloc(n);
        xt.array.set(x);
        const ot = pe.alloc(n);
        return { run: () => call(xt, ot), result: () => ot.array, dispose: () => { xt.free(); ot.free(); } };
      };
      if (typeof pe === 'string' || !pe) return { reference: null, impls: [{ key: 'pe-rope-options', label: 'pe.rope', kind: 'posenc', mode: 'resident', unavailable: pe || 'wasm-simd not loaded' }] };
      const model = pe.model(cfg);
      const options = model.options;
      return {
        reference: null,
        primary: 'pe-rope-options',
        impls: [
          { key: 'pe-rope-options', label: 'pe.rope(x, { shape, ...model.options, offset, out }) · module tensors', kind: 'posenc', mode: 'resident', setup: make((xt, ot) => pe.rope(xt, { shape, ...options, offset, out: ot })) },
          { key: 'model-rope', label: 'model.rope(x, { shape, offset, out }) · module tensors', kind: 'posenc', mode: 'resident', setup: make((xt, ot) => model.rope(xt, { shape, offset, out: ot })) },
        ],
        notes: ['model.rope spreads shape/offset/out into its memoized pe.rope options and calls pe.rope; results bit-identical (tolerance 0)'],
      };
    },
  };
}

export function modelCases({ quick }) {
  return [
    planCase(),
    ropeCase(quick ? [1, 8, 512, 128] : [1, 32, 2048, 128], { id: `model rope ${quick ? '1x8x512x128' : '1x32x2048x128'}` }),
    ropeCase([1, 8, 16, 128], { reps: quick ? 20 : 100, id: 'model rope 1x8x16x128' }),
  ];
}

/** Targets of pe.model, in the format of ./targets.mjs (allRows: every timed row of the case). */
export const MODEL_TARGETS = [
  { title: 'pe.model(config) ≤ 1 ms after init, every corpus config (wasm-simd)', cases: ['model plan corpus'], allRows: true, maxMs: 1 },
  {
    title: 'model.rope within 1.1× of the pe.rope call with model.options (module tensors, wasm-simd)',
    cases: ['model rope 1x32x2048x128', 'model rope 1x8x512x128', 'model rope 1x8x16x128'], row: 'model-rope', than: 'pe-rope-options', max: 1.1,
  },
];
