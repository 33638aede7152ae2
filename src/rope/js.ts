// js twin of assembly/rope.ts, with Math.cos and Math.sin. One cos/sin row per position, reused
// across heads (and the batch when shared).
// Rounding: float64 x and float32Angles exactly as the wasm kernels (c, s rounded to x's dtype;
// products and sum in x's dtype, Math.fround for float32: PyTorch's float32 arithmetic). Default
// float32 x: c, s, the products and the sum in float64, rounded once to float32 on the store, the
// fastest plain JS; it is within ½ ulp of the float64 rotation, inside the same bound as the wasm
// kernels' float32 arithmetic (so the backends may differ by an ulp or two there).

import type { RopePlan } from './plan.js';
import type { FloatArray } from '../core/types.js';

const fr = Math.fround;

/**
 * cs[t + i] = cos(θ_i)·af, cs[t + h + i] = sin(θ_i)·af for position p, rounded to the plan's
 * dtype. Multi-axis: pair i takes the position pa[colAxis[i]] instead.
 */
function fillRow(plan: RopePlan, p: number, cs: Float64Array, t: number, pa: Float64Array | null): void {
  const { freqs, attentionFactor: af } = plan;
  const h = freqs.length;
  const colAxis = pa ? plan.axes!.colAxis : null;
  if (plan.f32Angles) {
    const p32 = fr(p);
    for (let i = 0; i < h; i++) {
      const a = fr((colAxis ? fr(pa![colAxis[i]]) : p32) * freqs[i]);
      cs[t + i] = fr(fr(Math.cos(a)) * af);
      cs[t + h + i] = fr(fr(Math.sin(a)) * af);
    }
  } else {
    for (let i = 0; i < h; i++) {
      const a = (colAxis ? pa![colAxis[i]] : p) * freqs[i];
      cs[t + i] = Math.cos(a) * af;
      cs[t + h + i] = Math.sin(a) * af;
    }
  }
}

/** Row `row` (b·length + l when perBatch, else l) of sequence position l: its cos/sin into cs at t. */
function fillPlanRow(plan: RopePlan, row: number, l: number, cs: Float64Array, t: number, pa: Float64Array | null): void {
  const { positions, start } = plan;
  if (pa) for (let a = 0; a < pa.length; a++) pa[a] = positions ? positions[a * plan.axes!.stride + row] : start + l;
  fillRow(plan, positions ? positions[row] : start + l, cs, t, pa);
}

// One row at o (x → out; out may be x). Separate functions per dtype and layout keep every loop
// monomorphic (one array type, no per-element branch).
function halves64(x: FloatArray, out: FloatArray, o: number, h: number, cs: Float64Array, t: number): void {
  for (let i = 0; i < h; i++) {
    const a = x[o + i], b = x[o + i + h], ci = cs[t + i], si = cs[t + h + i];
    out[o + i] = a * ci - b * si;
    out[o + i + h] = b * ci + a * si;
  }
}
function interleaved64(x: FloatArray, out: FloatArray, o: number, h: number, cs: Float64Array, t: number): void {
  for (let i = 0, j = o; i < h; i++, j += 2) {
    const a = x[j], b = x[j + 1], ci = cs[t + i], si = cs[t + h + i];
    out[j] = a * ci - b * si;
    out[j + 1] = b * ci + a * si;
  }
}
function halves32(x: FloatArray, out: FloatArray, o: number, h: number, cs: Float64Array, t: number): void {
  for (let i = 0; i < h; i++) {
    const a = x[o + i], b = x[o + i + h], ci = cs[t + i], si = cs[t + h + i];
    out[o + i] = fr(a * ci) - fr(b * si);
    out[o + i + h] = fr(b * ci) + fr(a * si);
  }
}
function interleaved32(x: FloatArray, out: FloatArray, o: number, h: number, cs: Float64Array, t: number): void {
  for (let i = 0, j = o; i < h; i++, j += 2) {
    const a = x[j], b = x[j + 1], ci = cs[t + i], si = cs[t + h + i];
    out[j] = fr(a * ci) - fr(b * si);
    out[j + 1] = fr(b * ci) + fr(a * si);
  }
}

/** The cos/sin rows of a plan: [c_0 … c_{h−1} | s_0 … s_{h−1}] (float64) per position (per batch element when perBatch). */
export function ropeRowsJs(plan: RopePlan, cs: Float64Array): void {
  const { batch, length, perBatch } = plan;
  const h = plan.freqs.length;
  const n = perBatch ? batch * length : length;
  const pa = plan.axes ? new Float64Array(plan.axes.count) : null;
  for (let i = 0; i < n; i++) fillPlanRow(plan, i, i % length, cs, 2 * h * i, pa);
}

/**
 * `rows`: cached cos/sin rows (ropeRowsJs layout) serving the plan: plan row i is table row
 * start + i, or idx[i] (see RopeRows); else one row is computed per position.
 */
export function ropeJs(plan: RopePlan, x: FloatArray, out: FloatArray, rows: { table: Float64Array; start: number; idx: Int32Array | null } | null = null): void {
  const { batch, heads, length, headDim, rotaryDim, perBatch } = plan;
  const h = plan.freqs.length;
  const cs = rows ? rows.table : new Float64Array(2 * h);
  const start = rows ? rows.start : 0;
  const idx = rows ? rows.idx : null;
  // float64 arithmetic (rounded once on a float32 store) unless float32Angles asks for float32's.
  const f32math = !plan.f64 && plan.f32Angles;
  const rotate = f32math ? (plan.interleaved ? interleaved32 : halves32) : plan.interleaved ? interleaved64 : halves64;
  const pass = out !== x && rotaryDim < headDim;
  // Element strides of a row (b, head, l).
  const bS = heads * length * headDim;
  const hS = plan.blhd ? headDim : length * headDim;
  const lS = plan.blhd ? heads * headDim : headDim;
  const nb = perBatch ? batch : 1;
  const pa = plan.axes ? new Float64Array(plan.axes.count) : null;
  for (let b0 = 0; b0 < nb; b0++) {
    const b1 = perBatch ? b0 + 1 : batch;
    for (let l = 0; l < length; l++) {
      const row = (perBatch ? b0 * length : 0) + l;
      let t = 2 * h * (idx ? idx[row] : start + row);
      if (!rows) {
        fillPlanRow(plan, row, l, cs, 0, pa);
        t = 0;
      }
      for (let b = perBatch ? b0 : 0; b < b1; b++) {
        for (let hh = 0, o = b * bS + l * lS; hh < heads; hh++, o += hS) {
          rotate(x, out, o, h, cs, t);
          if (pass) out.set(x.subarray(o + rotaryDim, o + headDim), o + rotaryDim);
        }
      }
    }
  }
}
