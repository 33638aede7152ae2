// plan → assembly/rope.ts. A block of positions gets its cos/sin rows once (ropeTable), then
// every head (and every batch element when positions are shared) is rotated with them
// (ropeApply). Operands in module memory are used in place; plain arrays stream through the
// scratch window in chunks of [heads block × positions block] rows. Chunks never change results.

import type { RopePlan } from '../rope.js';
import { a32Context } from './angles32-wasm.js';
import { Areas, arrayOf, MIN_GENERATE, MIN_STREAM, type WasmCoreLike } from './core-like.js';
import type { Operand } from './types.js';

const SLACK = 6 * 16;

/**
 * The contexts of a plan's frequencies per thread (f64 angles: ctx[t]; float32Angles: a32, one
 * for every thread: it holds only frequencies), 0 when unused.
 */
function ropeContexts(core: WasmCoreLike, plan: RopePlan): { ctx: (thread: number) => number; a32: number } {
  const h = plan.rotaryDim / 2;
  if (h === 0) return { ctx: () => 0, a32: 0 };
  // The h frequencies as one halves row [sin | cos] of 2h columns (f64 scratch of ropeTable).
  const enc = {
    kind: 'sinusoidal' as const, key: plan.key, freqs: plan.freqs, layout: 0, sinBase: 0, cosBase: h, nCos: h,
    width: 2 * h, zeroFrom: 2 * h, padPos: NaN, start: 0,
  };
  if (plan.f32Angles) return { ctx: () => 0, a32: a32Context(core, enc) };
  return { ctx: core.contexts(enc), a32: 0 };
}

/** Elements per cos/sin row of ropeTable (interleaved rows are expanded to [c, c, … | −s, s, …]). */
const rowElements = (plan: RopePlan) => (plan.interleaved ? 2 * plan.rotaryDim : plan.rotaryDim);

/** Elements and dtype of a plan's ropeTable rows (one per position, per batch element when perBatch). */
export function ropeRowsShapeWasm(plan: RopePlan): { length: number; dtype: 'float32' | 'float64' } {
  return { length: (plan.perBatch ? plan.batch : 1) * plan.length * rowElements(plan), dtype: plan.f64 ? 'float64' : 'float32' };
}

/** Writes every ropeTable row of a plan into `rowsOp` (a module tensor of ropeRowsShapeWasm). */
export function ropeRowsWasm(core: WasmCoreLike, plan: RopePlan, rowsOp: Operand): void {
  const tab = core.resident(rowsOp, 'rows', 'rope');
  const { ctx, a32 } = ropeContexts(core, plan);
  const h = plan.rotaryDim / 2;
  const f = plan.f64 ? 1 : 0;
  const il = plan.interleaved ? 1 : 0;
  const tRowBytes = rowElements(plan) * (plan.f64 ? 8 : 4);
  const n = (plan.perBatch ? plan.batch : 1) * plan.length;
  // One f64 scratch row per thread.
  const scratchBytes = align16(Math.max(16, 2 * h * 8));
  const T = core.threads;
  const positions = plan.positions;
  const m = positions ? Math.max(1, Math.min(n, Math.floor((core.windowBytes - T * scratchBytes - SLACK) / 8))) : n;
  const areas = new Areas(core.window((positions ? m * 8 : 0) + T * scratchBytes + SLACK));
  const scratch = areas.take(T * scratchBytes);
  const pos = positions ? areas.take(m * 8) : 0;
  for (let r0 = 0; r0 < n; r0 += m) {
    const mm = Math.min(m, n - r0);
    if (positions) core.f64.set(positions.subarray(r0, r0 + mm), pos / 8);
    core.split('ropeTable', mm, rowElements(plan), MIN_GENERATE, (t, a, k) =>
      [ctx(t), a32, h, tab + (r0 + a) * tRowBytes, k, plan.start, r0 + a, pos && pos + a * 8, plan.attentionFactor, il, f, scratch + t * scratchBytes]);
  }
}

const align16 = (n: number) => (n + 15) & ~15;

/** `rowsOp`: the plan's rows from ropeRowsWasm (cached), else they are generated block by block. */
export function ropeWasm(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand, rowsOp: Operand | null = null): void {
  const { batch, heads, length, headDim: D, rotaryDim: rd, f64, blhd, perBatch, positions, start } = plan;
  if (batch === 0 || heads === 0 || length === 0 || D === 0) return;
  const bytes = f64 ? 8 : 4;
  const f = f64 ? 1 : 0;
  const il = plan.interleaved ? 1 : 0;
  const h = rd / 2;
  const af = plan.attentionFactor;
  // Addresses of resident operands first: later allocations may grow (and detach) memory.
  const xRes = core.resident(xOp, 'x', 'rope');
  const oRes = core.resident(outOp, 'options.out', 'rope');
  const cached = rowsOp ? core.resident(rowsOp, 'rows', 'rope') : -1;
  const { ctx, a32 } = cached >= 0 ? { ctx: () => 0, a32: 0 } : ropeContexts(core, plan);
  const tRowBytes = rowElements(plan) * bytes;
  // Per position in the window: its table row and position, unless the rows are cached.
  const tBlock = cached >= 0 ? 0 : tRowBytes + (positions ? 8 : 0);
  // One f64 scratch row per thread.
  const sBytes = align16(Math.max(16, 2 * h * 8));
  const scratchBytes = cached >= 0 ? 0 : core.threads * sBytes;
  // Element strides of the whole tensor.
  const BS = heads * length * D;
  const HS = blhd ? D : length * D;
  const LS = blhd ? heads * D : D;
  const budget = core.windowBytes - SLACK - scratchBytes;
  const nB = perBatch ? batch : 1;
  const posAt = (b: number, l: number) => (perBatch ? b * length : 0) + l;
  /** The table rows of positions l0 … l0 + mm − 1 of batch element b (cached, or made in `tab`). */
  const rowsAt = (b: number, l0: number, mm: number, tab: number, pos: number, scratch: number) => {
    if (cached >= 0) return cached + posAt(b, l0) * tRowBytes;
    if (positions) core.f64.set(positions.subarray(posAt(b, l0), posAt(b, l0) + mm), pos / 8);
    core.split('ropeTable', mm, rowElements(plan), MIN_GENERATE, (t, a, k) =>
      [ctx(t), a32, h, tab + a * tRowBytes, k, start, l0 + a, pos && pos + a * 8, af, il, f, scratch + t * sBytes]);
    return tab;
  };

  if (oRes >= 0) {
    // out lives in module memory: rotate x (or a copy of it in out) straight into it.
    let src = xRes;
    if (xRes < 0) {
      core.heap(f64).set(arrayOf(xOp), oRes / bytes);
      src = oRes;
    }
    // Positions split over the threads: a row offset moves x, out and the table; strides stay.
    const apply = (t0: number, tBS: number, s0: number, o0: number, nb: number, rows: number) =>
      core.split('ropeApply', rows, nb * heads * D, MIN_STREAM, (_t, a, k) =>
        [t0 + a * tRowBytes, tBS, s0 + a * LS * bytes, o0 + a * LS * bytes, nb, heads, k, BS, HS, LS, BS, HS, LS, D, rd, il, f]);
    if (cached >= 0) {
      apply(cached, perBatch ? length : 0, src, oRes, batch, length);
      return;
    }
    const m = Math.max(1, Math.min(length, Math.floor(budget / tBlock)));
    const areas = new Areas(core.window(m * tBlock + scratchBytes + SLACK));
    const tab = areas.take(m * tRowBytes);
    const pos = positions ? areas.take(m * 8) : 0;
    const scratch = areas.take(scratchBytes);
    for (let b0 = 0; b0 < nB; b0++) {
      for (let l0 = 0; l0 < length; l0 += m) {
        const mm = Math.min(m, length - l0);
        const t = rowsAt(b0, l0, mm, tab, pos, scratch);
        const e = (perBatch ? b0 * BS : 0) + l0 * LS;
        apply(t, 0, src + e * bytes, oRes + e * bytes, perBatch ? 1 : batch, mm);
      }
    }
    return;
  }

  // out is a plain array: chunks of one batch element × hh heads × m positions through the window.
  const rowB = D * bytes;
  let m = Math.max(1, Math.min(length, Math.floor(budget / 4 / (tBlock > 0 ? tBlock : rowB))));
  let hh = Math.min(heads, Math.floor((budget - m * tBlock) / (m * rowB)));
  if (hh < 1) {
    hh = 1;
    m = Math.max(1, Math.min(length, Math.floor(budget / (rowB + tBlock))));
  }
  const win = core.window(m * (hh * rowB + tBlock) + scratchBytes + SLACK);
  const areas = new Areas(win);
  const data = areas.take(hh * m * rowB);
  const tab = cached >= 0 ? 0 : areas.take(m * tRowBytes);
  const pos = cached < 0 && positions ? areas.take(m * 8) : 0;
  const scratch = cached >= 0 ? 0 : areas.take(scratchBytes);
  const heap = core.heap(f64);
  const X = xRes >= 0 ? heap : arrayOf(xOp);
  const xBase = xRes >= 0 ? xRes / bytes : 0;
  const O = arrayOf(outOp);
  const d0 = data / bytes;
  let t = 0;
  for (let l0 = 0; l0 < length; l0 += m) {
    const mm = Math.min(m, length - l0);
    for (let b = 0; b < batch; b++) {
      if (b === 0 || perBatch) t = rowsAt(b, l0, mm, tab, pos, scratch);
      for (let h0 = 0; h0 < heads; h0 += hh) {
        const hc = Math.min(hh, heads - h0);
        const base = b * BS + h0 * HS + l0 * LS;
        // Window layout: [hc][mm][D] for 'bhld', [mm][hc][D] for 'blhd'.
        const wHS = blhd ? D : mm * D;
        const wLS = blhd ? hc * D : D;
        if (blhd) {
          for (let r = 0; r < mm; r++) {
            const s = base + r * LS;
            heap.set(X.subarray(xBase + s, xBase + s + hc * D), d0 + r * wLS);
          }
        } else {
          for (let j = 0; j < hc; j++) {
            const s = base + j * HS;
            heap.set(X.subarray(xBase + s, xBase + s + mm * D), d0 + j * wHS);
          }
        }
        const tt = t;
        core.split('ropeApply', mm, hc * D, MIN_STREAM, (_t, a, k) =>
          [tt + a * tRowBytes, 0, data + a * wLS * bytes, data + a * wLS * bytes, 1, hc, k, 0, wHS, wLS, 0, wHS, wLS, D, rd, il, f]);
        if (blhd) {
          for (let r = 0; r < mm; r++) O.set(heap.subarray(d0 + r * wLS, d0 + r * wLS + hc * D), base + r * LS);
        } else {
          for (let j = 0; j < hc; j++) O.set(heap.subarray(d0 + j * wHS, d0 + j * wHS + mm * D), base + j * HS);
        }
      }
    }
  }
}
