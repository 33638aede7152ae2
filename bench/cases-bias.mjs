// Benchmark cases of attention-bias positions (group 'bias'), in the case format of
// ./cases/index.mjs: `npm run bench -- --only bias`.
//
// alibi: scores of one layer of a 32-head model at 2048 tokens, [1, 32, 2048, 2048] float32
// (512 MiB), BLOOM slopes, positions 0…2047, scale 1 (MPT adds its bias to scores already scaled;
// the kernel multiplies whatever the scale), in place in module memory: posenc on one and two
// threads, scalar WebAssembly, posenc's js backend, and the plain-JS loop a good JS engineer writes
// (the bias row of a head computed once, then one multiply-add per score, in place); the reference
// is copying the same bytes between two module tensors (512 MiB, `dst.array.set(src.array)`).
// Calls repeat in place: the scores grow by the bias each call (no overflow, no subnormals).
//
// relbias: T5's relative attention bias of 12 heads at 512 tokens, [12, 512, 512] float32, from
// relative_attention_bias.weight [32, 12]: posenc in every memory mode, and a plain-JS gather
// from bucket ids computed beforehand (untimed: pe.relativeBuckets) into a given array.
import { copyImpl, posencImpls } from './lib/impls.mjs';
import { randomF32 } from './lib/reference.mjs';

/** The plain-JS loop: per (batch, head) the bias row once, then scale·s + bias in place (float64 math, rounded once on store). */
function plainAlibi([B, H, Q, K], slopes, kp, scale) {
  const bias = new Float64Array(K);
  return (s) => {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const m = slopes[h];
        for (let k = 0; k < K; k++) bias[k] = m * kp[k];
        let o = (b * H + h) * Q * K;
        for (let q = 0; q < Q; q++, o += K) {
          for (let k = 0; k < K; k++) s[o + k] = scale * s[o + k] + bias[k];
        }
      }
    }
  };
}

/** In place on a module tensor of `pe` (or a Float32Array for 'js'); the check starts again from x. */
function inPlace(pe, x, call) {
  const t = pe.alloc(x.length);
  t.array.set(x);
  return {
    run: () => call(pe, t),
    result: () => {
      t.array.set(x);
      call(pe, t);
      return t.array;
    },
    dispose: () => t.free(),
  };
}

function impl(ctx, instance, key, label, make) {
  const pe = ctx.posenc[instance];
  if (typeof pe === 'string' || !pe) return { key, label, kind: 'posenc', mode: 'inplace', unavailable: pe || `${instance} not loaded` };
  return { key, label, kind: key.startsWith('js') ? 'baseline' : 'posenc', mode: 'inplace', setup: () => make(pe) };
}

export function alibiCase([b, h, q, k], { group = 'bias', id = `alibi ${b}x${h}x${q}x${k}` } = {}) {
  const shape = [b, h, q, k];
  const n = b * h * q * k;
  const scale = 1;
  return {
    id, group, title: `addAlibi float32 [${b}, ${h}, ${q}, ${k}], BLOOM slopes, in place`, shape,
    elements: n, bytes: n * 4, reps: 1,
    // float32 products and sum (posenc) against float64 math rounded once (plain JS): an ulp of |s + bias| ≤ 2^11.
    tolerance: 2 ** -12,
    baseline: 'js-inplace',
    build(ctx) {
      const x = randomF32(n, 29);
      const kp = Array.from({ length: k }, (_, i) => i);
      const call = (pe, t) => pe.addAlibi(t, { shape, slopes: pe.alibiSlopes(h), keyPositions: kp, scale, out: t });
      const threads = ctx.posenc['wasm-simd 2t'];
      return {
        reference: null,
        primary: 'posenc-simd-inplace',
        impls: [
          impl(ctx, 'wasm-simd', 'posenc-simd-inplace', 'posenc wasm-simd · module tensor, in place', (pe) => inPlace(pe, x, call)),
          impl(ctx, 'wasm-simd 2t', 'posenc-simd-2t-inplace', `posenc wasm-simd, 2 threads${typeof threads === 'object' ? ` (${threads.threads} in use)` : ''} · module tensor, in place`, (pe) => inPlace(pe, x, call)),
          impl(ctx, 'wasm', 'posenc-wasm-inplace', 'posenc wasm (scalar) · module tensor, in place', (pe) => inPlace(pe, x, call)),
          impl(ctx, 'js', 'js-inplace', 'posenc js (baseline) · Float32Array, in place', (pe) => {
            const s = Float32Array.from(x);
            return { run: () => call(pe, s), result: () => (s.set(x), call(pe, s), s) };
          }),
          {
            key: 'js-plain', label: 'plain JS loop (bias row per head, then scale·s + bias in place)', kind: 'ref', mode: 'inplace',
            setup() {
              const slopes = Float64Array.from(ctx.posenc['wasm-simd'].alibiSlopes(h));
              const loop = plainAlibi(shape, slopes, kp, scale);
              const s = Float32Array.from(x);
              return { run: () => loop(s), result: () => (s.set(x), loop(s), s) };
            },
          },
          moduleCopyImpl(ctx, n),
          ...(ctx.ceiling ?? []),
        ],
        notes: ['in place on 512 MiB of scores; copy = the same bytes between two module tensors'],
      };
    },
  };
}

/** Copying the same bytes between two module tensors of the wasm-simd instance (`dst.array.set(src.array)`). */
function moduleCopyImpl(ctx, elements) {
  const pe = ctx.posenc['wasm-simd'];
  const label = 'module-memory copy (same bytes, dst.array.set(src.array))';
  if (typeof pe !== 'object') return { key: 'copy', label, kind: 'ref', mode: 'into out', unavailable: String(pe) };
  return {
    key: 'copy', label, kind: 'ref', mode: 'into out',
    setup() {
      const src = pe.alloc(elements);
      const dst = pe.alloc(elements);
      src.array.fill(1.5);
      return { run: () => dst.array.set(src.array), dispose: () => { src.free(); dst.free(); } };
    },
  };
}

export function relBiasCase([h, q, k], { group = 'bias', id = `relbias ${h}x${q}x${k}` } = {}) {
  const n = h * q * k;
  const options = { heads: h, queryLength: q, keyLength: k };
  return {
    id, group, title: `relativeBias float32 [${h}, ${q}, ${k}] (T5, 32 buckets)`, shape: [h, q, k],
    elements: n, bytes: n * 4, reps: 1,
    tolerance: 0,
    build(ctx) {
      const weights = randomF32(32 * h, 31);
      const call = (pe, w, out) => pe.relativeBias(w, { ...options, out });
      return {
        reference: null,
        impls: [
          ...posencImpls(ctx, { x: weights, outLength: n, call }),
          {
            key: 'js-gather', label: 'plain JS gather from precomputed bucket ids · into out', kind: 'ref', mode: 'into out',
            setup() {
              const ids = ctx.posenc['wasm-simd'].relativeBuckets({ queryLength: q, keyLength: k });
              const out = new Float32Array(n);
              const m = q * k;
              const run = () => {
                for (let hh = 0; hh < h; hh++) {
                  const o = hh * m;
                  for (let i = 0; i < m; i++) out[o + i] = weights[ids[i] * h + hh];
                }
              };
              return { run, result: () => out };
            },
          },
          copyImpl(n),
        ],
        notes: ['bucket ids of the plain-JS gather computed once, untimed'],
      };
    },
  };
}

export function biasCases({ quick }) {
  return quick
    ? [alibiCase([1, 32, 1024, 1024]), relBiasCase([12, 512, 512])]
    : [alibiCase([1, 32, 2048, 2048]), relBiasCase([12, 512, 512])];
}

const ALIBI = ['alibi 1x32x2048x2048'];
const RELBIAS = ['relbias 12x512x512'];

/** Targets of the bias family, in the format of ./targets.mjs. */
export const BIAS_TARGETS = [
  {
    title: 'addAlibi f32 [1, 32, 2048, 2048], module tensor in place: within 1.3× of copying the same bytes',
    cases: ALIBI, row: 'posenc-simd-inplace', than: 'copy', max: 1.3, info: ['posenc-simd-2t-inplace'],
  },
  {
    title: 'addAlibi f32 [1, 32, 2048, 2048], module tensor in place: ≥ 4× a plain-JS loop',
    cases: ALIBI, row: 'posenc-simd-inplace', than: 'js-plain', min: 4, info: [{ row: 'posenc-simd-2t-inplace', than: 'js-plain' }, { row: 'posenc-simd-inplace', than: 'js-inplace' }],
  },
  {
    title: 'relativeBias [12, 512, 512] into a Float32Array: ≥ 4× a plain-JS gather from precomputed bucket ids',
    cases: RELBIAS, row: 'posenc-simd-out', than: 'js-gather', min: 4, info: [{ row: 'posenc-simd-resident', than: 'js-gather' }, { row: 'posenc-simd-new', than: 'js-gather' }],
  },
];
