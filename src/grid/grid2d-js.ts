// js twin of assembly/grid2d.ts: per-axis sin/cos computed once per row index and per column
// index (Math.sin/Math.cos in f64, rounded once on store), then laid out token by token.

import type { Grid2dPlan } from './grid2d.js';
import type { SinEncoding } from '../core/encoding.js';
import type { FloatArray } from '../core/types.js';
import { encodeRowF32Angles } from '../sinusoidal/index.js';

/** sin/cos of p·ω for the positions p = positions[i] (default i), i < count: [i][k] in two arrays. */
export function axisValues(enc: SinEncoding, count: number, positions?: Float64Array): { s: Float64Array; c: Float64Array } {
  const K = enc.freqs.length;
  const s = new Float64Array(count * K);
  const c = new Float64Array(count * K);
  for (let i = 0; i < count; i++) {
    const p = positions ? positions[i] : i;
    for (let k = 0; k < K; k++) {
      const a = p * enc.freqs[k];
      s[i * K + k] = Math.sin(a);
      c[i * K + k] = Math.cos(a);
    }
  }
  return { s, c };
}

export function sincos2dJs(plan: Grid2dPlan, out: FloatArray): void {
  const { height: H, width: W, dim, cls, axisR, axisC } = plan;
  if (cls) out.fill(0, 0, dim);
  const first = cls ? dim : 0;
  if (plan.f32Angles) {
    for (let r = 0, o = first; r < H; r++) {
      for (let c = 0; c < W; c++, o += dim) {
        encodeRowF32Angles(axisC, c, out, o);
        encodeRowF32Angles(axisR, r, out, o);
      }
    }
    return;
  }
  const K = axisR.freqs.length;
  const vr = axisValues(axisR, H);
  const vc = axisValues(axisC, W);
  for (let r = 0, o = first; r < H; r++) {
    for (let c = 0; c < W; c++, o += dim) {
      for (let k = 0; k < K; k++) {
        out[o + axisC.sinBase + k] = vc.s[c * K + k];
        out[o + axisC.cosBase + k] = vc.c[c * K + k];
        out[o + axisR.sinBase + k] = vr.s[r * K + k];
        out[o + axisR.cosBase + k] = vr.c[r * K + k];
      }
      if (4 * K < dim) out.fill(0, o + 4 * K, o + dim);
    }
  }
}
