// Benchmark cases of rotary embeddings and 2-D tables, in the case format of
// ./cases/index.mjs: list `...ropeCases(opts), ...grid2dCases(opts)` in allCases and merge
// ROPE_TARGETS into ./targets.mjs TARGETS.
//
// rope: q of a Llama-7B layer, [batch 1, heads 32, length 2048, headDim 128] float32, positions
// 0..2047, both pairings. posenc's rows (module tensors, into a given Float32Array, new array,
// scalar wasm, the js backend) plus a plain-JS rotate_half loop (cos/sin per position, float64
// arithmetic rounded once: the simplest fast JS), onnxruntime-web's RotaryEmbedding (opset 23 and
// com.microsoft; cos/sin caches [L, 64] as initializers, position_ids 0..L−1; resident and end to
// end, as the add peer), the copy and the allocation references.
// sincos2d: ViT position tables (MAE 14×14×768 + cls, timm 32×32×1024).
import { allocImpl, copy2tImpl, copyImpl, posencImpls } from './lib/impls.mjs';
import { randomF32 } from './lib/reference.mjs';
import { onnxRopeImpls, ropeCaches } from './peers/onnx.mjs';

/** ω_i = base^(−2i/rd), float64. */
function ropeFreqs(rd, base = 10000) {
  return Float64Array.from({ length: rd / 2 }, (_, i) => 1 / Math.pow(base, (2 * i) / rd));
}

/** Float64 reference of §7a/§7b for x [b, h, l, d] at positions 0..l−1. */
function ropeReference64(x, [b, h, l, d], layout) {
  const f = ropeFreqs(d);
  const half = d / 2;
  const out = new Float64Array(x.length);
  const c = new Float64Array(half);
  const s = new Float64Array(half);
  for (let p = 0; p < l; p++) {
    for (let i = 0; i < half; i++) {
      c[i] = Math.cos(p * f[i]);
      s[i] = Math.sin(p * f[i]);
    }
    for (let r = 0; r < b * h; r++) {
      const o = (r * l + p) * d;
      for (let i = 0; i < half; i++) {
        const [ja, jb] = layout === 'halves' ? [o + i, o + i + half] : [o + 2 * i, o + 2 * i + 1];
        out[ja] = x[ja] * c[i] - x[jb] * s[i];
        out[jb] = x[jb] * c[i] + x[ja] * s[i];
      }
    }
  }
  return out;
}

/** The plain-JS loop a user would write without posenc (float32 in and out, float64 arithmetic). */
function plainJsRope([b, h, l, d], layout) {
  const f = ropeFreqs(d);
  const half = d / 2;
  const c = new Float64Array(half);
  const s = new Float64Array(half);
  return (x, out) => {
    for (let p = 0; p < l; p++) {
      for (let i = 0; i < half; i++) {
        c[i] = Math.cos(p * f[i]);
        s[i] = Math.sin(p * f[i]);
      }
      for (let r = 0; r < b * h; r++) {
        const o = (r * l + p) * d;
        if (layout === 'halves') {
          for (let i = 0; i < half; i++) {
            const x0 = x[o + i], x1 = x[o + i + half];
            out[o + i] = x0 * c[i] - x1 * s[i];
            out[o + i + half] = x1 * c[i] + x0 * s[i];
          }
        } else {
          for (let i = 0, j = o; i < half; i++, j += 2) {
            const x0 = x[j], x1 = x[j + 1];
            out[j] = x0 * c[i] - x1 * s[i];
            out[j + 1] = x1 * c[i] + x0 * s[i];
          }
        }
      }
    }
  };
}

export function ropeCase([b, h, l, d], layout = 'halves', { reps = 1, group = 'rope', id = `rope ${b}x${h}x${l}x${d} ${layout}`, alloc = true } = {}) {
  const shape = [b, h, l, d];
  const n = b * h * l * d;
  return {
    id, group, title: `rope float32 [${b}, ${h}, ${l}, ${d}], ${layout}`, shape,
    elements: n, bytes: n * 4, reps,
    // float32 cos/sin and products (the documented rounding): a few float32 ulps of |x| ≤ 1.
    tolerance: 2 ** -20,
    build(ctx) {
      const x = randomF32(n, 13);
      const call = (pe, xv, out) => pe.rope(xv, { shape, layout, out });
      const plain = plainJsRope(shape, layout);
      return {
        reference: ropeReference64(x, shape, layout),
        impls: [
          ...posencImpls(ctx, { x, outLength: n, call, cold: true }),
          {
            key: 'js-plain', label: 'plain JS loop (cos/sin per position, float64 math) · into out', kind: 'ref', mode: 'into out',
            setup() {
              const out = new Float32Array(n);
              return { run: () => plain(x, out), result: () => out };
            },
          },
          ...onnxRopeImpls(ctx.onnx, { shape, layout, x, caches: ropeCaches(l, ropeFreqs(d)), maxS: l, positions: Array.from({ length: b * l }, (_, i) => i % l) }),
          copyImpl(n),
          ...(alloc ? [allocImpl(n)] : []),
          ...(ctx.ceiling ? [...ctx.ceiling, copy2tImpl(n)] : []),
        ],
        notes: [
          'cos/sin computed once per position and reused across the 32 heads by every row',
          'onnxruntime-web rows: RotaryEmbedding with float32 cos/sin caches [L, 64] precomputed in float64 (untimed initializers) and position_ids 0..L−1',
        ],
      };
    },
  };
}

export function ropeCases({ quick }) {
  const shape = quick ? [1, 32, 512, 128] : [1, 32, 2048, 128];
  return [ropeCase(shape, 'halves'), ropeCase(shape, 'interleaved')];
}

/** Float64 MAE / timm 2-D table (§6) for the reference column. */
function grid2dReference64(preset, H, W, D, cls) {
  const K = D / 4;
  const w = Float64Array.from({ length: K }, (_, k) => 1 / Math.pow(10000, k / K));
  const out = new Float64Array(((cls ? 1 : 0) + H * W) * D);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const o = ((cls ? 1 : 0) + r * W + c) * D;
      for (let k = 0; k < K; k++) {
        const [sr, cr, sc, cc] = [Math.sin(r * w[k]), Math.cos(r * w[k]), Math.sin(c * w[k]), Math.cos(c * w[k])];
        const v = preset === 'mae' ? [sc, cc, sr, cr] : [sr, sc, cr, cc];
        for (let q = 0; q < 4; q++) out[o + q * K + k] = v[q];
      }
    }
  }
  return out;
}

export function grid2dCase(preset, H, W, D, cls, { reps = 1, group = 'sincos2d', id = `sincos2d ${preset} ${H}x${W}x${D}` } = {}) {
  const rows = (cls ? 1 : 0) + H * W;
  return {
    id, group, title: `sincos2d ${preset} float32 ${H}×${W} grid, dim ${D}${cls ? ', cls row' : ''}`, shape: [rows, D],
    elements: rows * D, bytes: rows * D * 4, reps,
    tolerance: 2 ** -22,
    build(ctx) {
      const call = (pe, _x, out) => pe.sincos2d({ height: H, width: W, dim: D, preset, clsToken: cls, out });
      return {
        reference: grid2dReference64(preset, H, W, D, cls),
        impls: [...posencImpls(ctx, { x: null, outLength: rows * D, call }), copyImpl(rows * D), allocImpl(rows * D)],
        notes: [],
      };
    },
  };
}

export function grid2dCases({ quick }) {
  return quick
    ? [grid2dCase('mae', 14, 14, 768, true, { reps: 8 })]
    : [grid2dCase('mae', 14, 14, 768, true, { reps: 8 }), grid2dCase('timm', 32, 32, 1024, false)];
}

/** Targets of rotary embeddings and 2-D tables, in the format of ./targets.mjs. */
export const ROPE_TARGETS = [
  {
    title: 'rope f32 [1, 32, 2048, 128]: ≥ 4× the js baseline',
    cases: ['rope 1x32x2048x128 halves', 'rope 1x32x2048x128 interleaved'],
    row: 'posenc-simd-resident', than: 'js-out', min: 4,
    info: ['posenc-simd-out', { row: 'posenc-simd-resident', than: 'js-plain' }],
  },
];
