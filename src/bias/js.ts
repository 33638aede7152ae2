// js twin of assembly/bias.ts, bit-identical to it: for float32 scores each row's bias
// fl32(slope·kp) is computed once per (batch, head) and out = fl32(fl32(scale·s) + bias) (the sum
// of two float32 values computed in float64 and rounded once is the float32 sum); float64 the
// same in float64. The T5 bias gathers one diagonal row per head and copies slices of it.

import type { FloatArray } from '../core/types.js';
import type { AlibiPlan, RelativeBiasPlan } from './plan.js';

const fr = Math.fround;

export function addAlibiJs(plan: AlibiPlan, scores: FloatArray, out: FloatArray): void {
  const { batch, heads, queryLength: Q, keyLength: K, f64, slopes, keyPositions: kp, perBatch, scale } = plan;
  const bias = new Float64Array(K);
  for (let b = 0; b < batch; b++) {
    const k0 = perBatch ? b * K : 0;
    for (let h = 0; h < heads; h++) {
      const m = slopes[h];
      if (f64) for (let k = 0; k < K; k++) bias[k] = m * kp[k0 + k];
      else for (let k = 0; k < K; k++) bias[k] = fr(m * kp[k0 + k]);
      let o = (b * heads + h) * Q * K;
      if (f64) {
        for (let q = 0; q < Q; q++, o += K) for (let k = 0; k < K; k++) out[o + k] = scale * scores[o + k] + bias[k];
      } else {
        for (let q = 0; q < Q; q++, o += K) for (let k = 0; k < K; k++) out[o + k] = fr(scale * scores[o + k]) + bias[k];
      }
    }
  }
}

export function relativeBiasJs(plan: RelativeBiasPlan, weights: FloatArray, out: FloatArray): void {
  const { heads: H, queryLength: Q, keyLength: K, diag } = plan;
  const n = diag.length;
  if (n === 0) return;
  const d = new Float32Array(n);
  for (let h = 0; h < H; h++) {
    for (let j = 0; j < n; j++) d[j] = weights[diag[j] * H + h];
    for (let q = 0; q < Q; q++) out.set(d.subarray(Q - 1 - q, Q - 1 - q + K), (h * Q + q) * K);
  }
}
