// float32Angles: the frequency chains of the float32 references, primitive by primitive.
//
// PyTorch, TensorFlow and JAX compute these tables in float32: every tensor op rounds its result
// to float32, and a Python scalar meeting a float32 tensor is itself rounded to float32 first. The
// chains below apply Math.fround after each primitive in the reference's own order
// (docs/conventions.md §9b), with exp/pow/log from the backend's math (WebAssembly's NativeMath for the
// wasm backends, so the bits do not depend on the engine). The kernels then form the float32 angle
// fl32(fl32(p)·ω32) and round sin/cos of it to float32. A float32 libm may differ from the
// correctly rounded value by 1 ulp: given the reference's own ω (option `frequencies`) a table
// differs from torch's by that rounding of sin/cos only; with these derived ω, torch's expf/powf
// may put some ω one ulp away, and the difference then grows as p·ulp(ω) (README, npm run parity).

import { typeError } from './options.js';
import type { CombinePlan, MathLib, SinEncoding, TablePlan } from './plan.js';
import type { Backend } from './backends/types.js';
import type { Preset, Schedule } from './types.js';
import { diedBeforeWriting } from './threads.js';

const fr = Math.fround;

/** A boolean option. */
export function checkBool(fn: string, param: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw typeError(fn, param, 'true or false', v);
  return v;
}

/**
 * Overwrites `freqs` with the float32 frequencies of a 1-D preset:
 * - 'vaswani' (PyTorch tutorial): exp(arange(0, d, 2) · (−ln(base)/d)) in float32;
 * - other 'paper' presets (GPT-NeoX, GPT-J, HF RoFormer in torch): 1 / base^(arange(0, d, 2)/d);
 * - 'timescale' with the guard (tensor2tensor, TensorFlow): inc = fl32(ln(max/min)) / max(n − 1, 1),
 *   ω = min · exp(i · −inc);
 * - 'timescale' without it (fairseq, Whisper): exp(i · −fl32(ln(max/min)/(n − 1))), times min if ≠ 1.
 */
export function float32Freqs(freqs: Float64Array, preset: Preset, schedule: Schedule, dim: number, half: number, base: number, minTs: number, maxTs: number, guard: boolean, math: MathLib): void {
  const n = freqs.length;
  if (schedule === 'paper') {
    if (preset === 'vaswani') {
      const c = fr(-math.log(base) / dim);
      for (let i = 0; i < n; i++) freqs[i] = fr(math.exp(fr(2 * i * c)));
    } else {
      const b = fr(base);
      for (let i = 0; i < n; i++) freqs[i] = fr(1 / fr(math.pow(b, fr((2 * i) / dim))));
    }
  } else if (guard) {
    const inc = fr(fr(math.log(maxTs / minTs)) / Math.max(half - 1, 1));
    const m = fr(minTs);
    for (let i = 0; i < n; i++) freqs[i] = fr(m * fr(math.exp(fr(i * -inc))));
  } else {
    const inc = fr(-(math.log(maxTs / minTs) / (half - 1)));
    const m = fr(minTs);
    for (let i = 0; i < n; i++) freqs[i] = m === 1 ? fr(math.exp(fr(i * inc))) : fr(m * fr(math.exp(fr(i * inc))));
  }
}

/** The seed preset's one frequency in float32. */
export function float32Omega(omega: number): number {
  return fr(omega);
}

/**
 * add/concat with a float32-angle encoding: the rows it needs are materialised once with the
 * backend's table kernel and combined as a table (shared positions: [length] rows; per-batch
 * positions: [batch·length] rows). Other plans are returned unchanged.
 */
export function materializeF32Angles(plan: CombinePlan, backend: Backend): CombinePlan {
  const src = plan.src;
  if (src.kind !== 'sinusoidal' || !src.enc.f32Angles) return plan;
  const enc: SinEncoding = src.enc;
  const rows = src.perBatch ? plan.batch * plan.length : plan.length;
  const table = plan.f64 ? new Float64Array(rows * enc.width) : new Float32Array(rows * enc.width);
  const tp: TablePlan = { enc, rows, start: src.start, positions: src.positions, f64: plan.f64 };
  try {
    if (rows > 0) backend.table(tp, table);
  } catch (e) {
    throw diedBeforeWriting(e);
  }
  let rowIdx: Int32Array | null = null;
  if (src.perBatch) {
    rowIdx = new Int32Array(rows);
    for (let i = 0; i < rows; i++) rowIdx[i] = i;
  }
  return { ...plan, src: { kind: 'table', table, rows, rowStart: 0, rowIdx, perBatch: src.perBatch } };
}
