// js twin of assembly/gram.ts: f64 sums, rounded once to f32 (the symmetric half mirrored).

import type { SimilarityPlan } from './similarity.js';
import type { FloatArray } from '../core/types.js';

export function gramJs(plan: SimilarityPlan, a: FloatArray, out: Float32Array): void {
  const { rows, dim, cosine } = plan;
  const scale = new Float64Array(rows).fill(1);
  if (cosine) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let k = 0, o = i * dim; k < dim; k++) s += a[o + k] * a[o + k];
      scale[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
    }
  }
  for (let i = 0; i < rows; i++) {
    const oi = i * dim;
    for (let j = i; j < rows; j++) {
      const oj = j * dim;
      let s = 0;
      for (let k = 0; k < dim; k++) s += a[oi + k] * a[oj + k];
      const v = s * scale[i] * scale[j];
      out[i * rows + j] = v;
      out[j * rows + i] = v;
    }
  }
}
