// js twin of assembly/rope.ts: the same rounding (cos·af and sin·af in float64, rounded once to
// x's dtype; products and sum in x's dtype, i.e. with Math.fround for float32), with Math.cos and
// Math.sin. One cos/sin row per position, reused across heads (and the batch when shared).

import type { RopePlan } from '../rope.js';
import type { FloatArray } from '../types.js';

const fr = Math.fround;

/** c[i] = cos(θ_i)·af, s[i] = sin(θ_i)·af for position p, rounded to the plan's dtype. */
function fillRow(plan: RopePlan, p: number, c: Float64Array, s: Float64Array): void {
  const { freqs, attentionFactor: af } = plan;
  const h = freqs.length;
  if (plan.f32Angles) {
    const p32 = fr(p);
    for (let i = 0; i < h; i++) {
      const a = fr(p32 * freqs[i]);
      c[i] = fr(fr(Math.cos(a)) * af);
      s[i] = fr(fr(Math.sin(a)) * af);
    }
  } else if (plan.f64) {
    for (let i = 0; i < h; i++) {
      const a = p * freqs[i];
      c[i] = Math.cos(a) * af;
      s[i] = Math.sin(a) * af;
    }
  } else {
    for (let i = 0; i < h; i++) {
      const a = p * freqs[i];
      c[i] = fr(Math.cos(a) * af);
      s[i] = fr(Math.sin(a) * af);
    }
  }
}

/** Rotates one row at o (x → out; out may be x), then copies the pass-through features. */
function rotate(plan: RopePlan, x: FloatArray, out: FloatArray, o: number, c: Float64Array, s: Float64Array): void {
  const h = plan.freqs.length;
  if (plan.f64) {
    if (plan.interleaved) {
      for (let i = 0, j = o; i < h; i++, j += 2) {
        const a = x[j], b = x[j + 1], ci = c[i], si = s[i];
        out[j] = a * ci - b * si;
        out[j + 1] = b * ci + a * si;
      }
    } else {
      for (let i = 0, j = o; i < h; i++, j++) {
        const a = x[j], b = x[j + h], ci = c[i], si = s[i];
        out[j] = a * ci - b * si;
        out[j + h] = b * ci + a * si;
      }
    }
  } else if (plan.interleaved) {
    for (let i = 0, j = o; i < h; i++, j += 2) {
      const a = x[j], b = x[j + 1], ci = c[i], si = s[i];
      out[j] = fr(a * ci) - fr(b * si);
      out[j + 1] = fr(b * ci) + fr(a * si);
    }
  } else {
    for (let i = 0, j = o; i < h; i++, j++) {
      const a = x[j], b = x[j + h], ci = c[i], si = s[i];
      out[j] = fr(a * ci) - fr(b * si);
      out[j + h] = fr(b * ci) + fr(a * si);
    }
  }
  if (out !== x && plan.rotaryDim < plan.headDim) {
    for (let j = o + plan.rotaryDim; j < o + plan.headDim; j++) out[j] = x[j];
  }
}

export function ropeJs(plan: RopePlan, x: FloatArray, out: FloatArray): void {
  const { batch, heads, length, headDim, start, positions, perBatch } = plan;
  const h = plan.freqs.length;
  const c = new Float64Array(h);
  const s = new Float64Array(h);
  // Element strides of a row (b, head, l).
  const bS = heads * length * headDim;
  const hS = plan.blhd ? headDim : length * headDim;
  const lS = plan.blhd ? heads * headDim : headDim;
  for (let b0 = 0; b0 < (perBatch ? batch : 1); b0++) {
    for (let l = 0; l < length; l++) {
      fillRow(plan, positions ? positions[(perBatch ? b0 * length : 0) + l] : start + l, c, s);
      for (let b = perBatch ? b0 : 0; b < (perBatch ? b0 + 1 : batch); b++) {
        for (let hh = 0; hh < heads; hh++) rotate(plan, x, out, b * bS + hh * hS + l * lS, c, s);
      }
    }
  }
}
