// Benchmark cases of multi-axis rotary, in the case format of ./cases/index.mjs.
//
// q of a Qwen2-VL-7B-sized layer, [batch 1, heads 16, length 2048, headDim 128] float32, base
// 10^6, positions of a text + image + text prompt (T/H/W rows: 100 text tokens, a 32×56 merged
// image grid, 156 text tokens), M-RoPE sections [16, 24, 24] ('chunks', Qwen2-VL) and [24, 20, 20]
// ('cycle', Qwen3-VL). Next to posenc's usual rows, the plain 1-D rope of the same tensor
// (positions 0..L−1, module tensors, wasm-simd; not checked against the multi-axis output, which
// it does not compute): the target is the multi-axis call within 1.1× of its time.
import { copyImpl, posencImpls } from './lib/impls.mjs';
import { randomF32 } from './lib/reference.mjs';

const BASE = 1e6;

/** T/H/W rows (axis-major, 3·L) of text (t0 tokens), one image of gh×gw merged tokens, then text up to L. */
export function promptPositions(L, t0 = 100, gh = 32, gw = 56) {
  const p = new Float64Array(3 * L);
  let k = 0;
  const put = (t, h, w) => {
    p[k] = t;
    p[L + k] = h;
    p[2 * L + k] = w;
    k++;
  };
  for (let i = 0; i < t0 && k < L; i++) put(i, i, i);
  for (let r = 0; r < gh && k < L; r++) for (let c = 0; c < gw && k < L; c++) put(t0, t0 + r, t0 + c);
  const next = t0 + Math.max(gh, gw);
  for (let i = 0; k < L; i++) put(next + i, next + i, next + i);
  return p;
}

/** Axis of pair j (chunks, or HF Qwen3-VL's interleaving). */
function axisOf(sections, cycle) {
  const h = sections.reduce((a, b) => a + b, 0);
  if (cycle) return Array.from({ length: h }, (_, j) => (j % 3 === 1 && j < 3 * sections[1] ? 1 : j % 3 === 2 && j < 3 * sections[2] ? 2 : 0));
  return sections.flatMap((s, a) => Array(s).fill(a));
}

/** Float64 halves rotation with per-pair axes. */
function mropeReference64(x, [b, h, l, d], positions, axes) {
  const half = d / 2;
  const f = Float64Array.from({ length: half }, (_, i) => 1 / Math.pow(BASE, (2 * i) / d));
  const ax = axisOf(axes.sections, axes.assign === 'cycle');
  const out = new Float64Array(x.length);
  const c = new Float64Array(half);
  const s = new Float64Array(half);
  for (let p = 0; p < l; p++) {
    for (let i = 0; i < half; i++) {
      const th = positions[ax[i] * l + p] * f[i];
      c[i] = Math.cos(th);
      s[i] = Math.sin(th);
    }
    for (let r = 0; r < b * h; r++) {
      const o = (r * l + p) * d;
      for (let i = 0; i < half; i++) {
        out[o + i] = x[o + i] * c[i] - x[o + i + half] * s[i];
        out[o + i + half] = x[o + i + half] * c[i] + x[o + i] * s[i];
      }
    }
  }
  return out;
}

export function mropeCase([b, h, l, d], name, axes, { group = 'mrope', id = `mrope ${b}x${h}x${l}x${d} ${name}` } = {}) {
  const shape = [b, h, l, d];
  const n = b * h * l * d;
  return {
    id, group, title: `multi-axis rope float32 [${b}, ${h}, ${l}, ${d}], ${name} sections [${axes.sections.join(', ')}]`, shape,
    elements: n, bytes: n * 4, reps: 1,
    tolerance: 2 ** -20,
    build(ctx) {
      const x = randomF32(n, 17);
      const positions = promptPositions(l);
      const call = (pe, xv, out) => pe.rope(xv, { shape, base: BASE, positions, axes, out });
      const oneD = ctx.posenc['wasm-simd'];
      return {
        reference: mropeReference64(x, shape, positions, axes),
        impls: [
          ...posencImpls(ctx, { x, outLength: n, call }),
          {
            key: 'rope1d-simd-resident', label: '1-D rope (positions 0..L−1), same tensor (posenc wasm-simd · module tensors)', kind: 'ref', mode: 'resident',
            ...(typeof oneD === 'string' || !oneD ? { unavailable: oneD || 'wasm-simd not loaded' } : {
              setup() {
                const xt = oneD.alloc(n);
                xt.array.set(x);
                const ot = oneD.alloc(n);
                return {
                  run: () => oneD.rope(xt, { shape, base: BASE, out: ot }),
                  dispose: () => { xt.free(); ot.free(); },
                };
              },
            }),
          },
          copyImpl(n),
        ],
        notes: ['one cos/sin row per token from one frequency context per axis, reused across the 16 heads'],
      };
    },
  };
}

export function mropeCases({ quick }) {
  const shape = quick ? [1, 16, 512, 128] : [1, 16, 2048, 128];
  return [
    mropeCase(shape, 'qwen2-vl chunks', { sections: [16, 24, 24] }),
    mropeCase(shape, 'qwen3-vl cycle', { sections: [24, 20, 20], assign: 'cycle' }),
  ];
}

/** Target of multi-axis rotary, in the format of ./targets.mjs. */
export const MROPE_TARGETS = [
  {
    title: 'multi-axis rope f32 [1, 16, 2048, 128]: ≤ 1.1× the time of the 1-D rope of the same shape',
    cases: ['mrope 1x16x2048x128 qwen2-vl chunks', 'mrope 1x16x2048x128 qwen3-vl cycle'],
    row: 'posenc-simd-resident', than: 'rope1d-simd-resident', max: 1.1,
  },
];
