// plan → assembly/rope.ts. A block of positions gets its cos/sin rows once (ropeTable), then
// every head (and every batch element when positions are shared) is rotated with them
// (ropeApply); multi-axis rotary builds its rows with ropeTableAxes from one context per axis.
// Operands in module memory are used in place; plain arrays stream through the
// scratch window in chunks of [heads block × positions block] rows. Chunks never change results.

import type { RopePlan } from '../rope.js';
import { a32Context } from './angles32-wasm.js';
import { Areas, arrayOf, type WasmCoreLike } from './core-like.js';
import type { Operand } from './types.js';

const SLACK = 6 * 16;

export function ropeWasm(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand): void {
  const { batch, heads, length, headDim: D, rotaryDim: rd, f64, blhd, perBatch, positions, start } = plan;
  if (batch === 0 || heads === 0 || length === 0 || D === 0) return;
  const ex = core.ex;
  const bytes = f64 ? 8 : 4;
  const f = f64 ? 1 : 0;
  const il = plan.interleaved ? 1 : 0;
  const h = rd / 2;
  const af = plan.attentionFactor;
  // Addresses of resident operands first: later allocations may grow (and detach) memory.
  const xRes = core.resident(xOp, 'x', 'rope');
  const oRes = core.resident(outOp, 'options.out', 'rope');
  let ctx = 0;
  let a32 = 0;
  const axes = plan.axes;
  const nAx = axes ? axes.count : 1;
  // Multi-axis: one context per axis, writing its columns at its gathered slots of the scratch row.
  const axisCtx: number[] = [];
  if (axes) {
    for (let a = 0; a < nAx; a++) {
      const n = axes.freqs[a].length;
      const enc = {
        kind: 'sinusoidal' as const, key: axes.keys[a], freqs: axes.freqs[a], layout: 0, sinBase: axes.slot[a], cosBase: h + axes.slot[a],
        nCos: n, width: 2 * h, zeroFrom: 2 * h, padPos: NaN, start: 0,
      };
      axisCtx.push(plan.f32Angles ? a32Context(core, enc, a) : core.context(enc, a));
    }
  } else if (h > 0) {
    // The h frequencies as one halves row [sin | cos] of 2h columns (f64 scratch of ropeTable).
    const enc = {
      kind: 'sinusoidal' as const, key: plan.key, freqs: plan.freqs, layout: 0, sinBase: 0, cosBase: h, nCos: h,
      width: 2 * h, zeroFrom: 2 * h, padPos: NaN, start: 0,
    };
    if (plan.f32Angles) a32 = a32Context(core, enc);
    else ctx = core.context(enc);
  }
  const tRowBytes = (plan.interleaved ? 2 * rd : rd) * bytes;
  // Positions of a chunk of m rows: [axes][m] f64.
  const posBytes = positions ? 8 * nAx : 0;
  // Scratch: the f64 row, then (multi-axis) the context pointers and the column → slot map.
  const scratchBytes = Math.max(16, 2 * h * 8) + (axes ? 16 + nAx * 4 + (axes.perm ? h * 4 : 0) : 0);
  const axesArgs = (scratch: number) => {
    if (!axes) return { ctxs: 0, perm: 0 };
    const ctxs = scratch + Math.max(16, 2 * h * 8);
    const perm = ctxs + ((nAx * 4 + 15) & ~15);
    core.i32.set(axisCtx, ctxs / 4);
    if (axes.perm) core.i32.set(axes.perm, perm / 4);
    return { ctxs, perm: axes.perm ? perm : 0 };
  };
  const posStride = axes ? axes.stride : 0;
  /** Copies the positions of rows [l0, l0 + mm) of batch row b (every axis) to pos ([axes][m]). */
  const copyPositions = (pos: number, m: number, b: number, l0: number, mm: number) => {
    if (!positions) return;
    for (let a = 0; a < nAx; a++) {
      const s = a * posStride + posAt(b, l0);
      core.f64.set(positions.subarray(s, s + mm), pos / 8 + a * m);
    }
  };
  const table = (tab: number, mm: number, l0: number, pos: number, m: number, scratch: number, ax: { ctxs: number; perm: number }) => {
    if (axes) ex.ropeTableAxes(ax.ctxs, plan.f32Angles ? 1 : 0, nAx, h, ax.perm, tab, mm, start, l0, pos, m, af, il, f, scratch);
    else ex.ropeTable(ctx, a32, h, tab, mm, start, l0, pos, af, il, f, scratch);
  };
  // Element strides of the whole tensor.
  const BS = heads * length * D;
  const HS = blhd ? D : length * D;
  const LS = blhd ? heads * D : D;
  const budget = core.windowBytes - SLACK - scratchBytes;
  const nB = perBatch ? batch : 1;
  const posAt = (b: number, l: number) => (perBatch ? b * length : 0) + l;

  if (oRes >= 0) {
    // out lives in module memory: rotate x (or a copy of it in out) straight into it.
    const m = Math.max(1, Math.min(length, Math.floor(budget / (tRowBytes + posBytes))));
    const win = core.window(m * (tRowBytes + posBytes) + scratchBytes + SLACK);
    const areas = new Areas(win);
    const tab = areas.take(m * tRowBytes);
    const pos = positions ? areas.take(m * posBytes) : 0;
    const scratch = areas.take(scratchBytes);
    const ax = axesArgs(scratch);
    let src = xRes;
    if (xRes < 0) {
      core.heap(f64).set(arrayOf(xOp), oRes / bytes);
      src = oRes;
    }
    for (let b0 = 0; b0 < nB; b0++) {
      for (let l0 = 0; l0 < length; l0 += m) {
        const mm = Math.min(m, length - l0);
        copyPositions(pos, m, b0, l0, mm);
        table(tab, mm, l0, pos, m, scratch, ax);
        const e = (perBatch ? b0 * BS : 0) + l0 * LS;
        ex.ropeApply(tab, 0, src + e * bytes, oRes + e * bytes, perBatch ? 1 : batch, heads, mm, BS, HS, LS, BS, HS, LS, D, rd, il, f);
      }
    }
    return;
  }

  // out is a plain array: chunks of one batch element × hh heads × m positions through the window.
  const rowB = D * bytes;
  let m = Math.max(1, Math.min(length, Math.floor(budget / 4 / (tRowBytes + posBytes))));
  let hh = Math.min(heads, Math.floor((budget - m * (tRowBytes + posBytes)) / (m * rowB)));
  if (hh < 1) {
    hh = 1;
    m = Math.max(1, Math.min(length, Math.floor(budget / (rowB + tRowBytes + posBytes))));
  }
  const win = core.window(m * (hh * rowB + tRowBytes + posBytes) + scratchBytes + SLACK);
  const areas = new Areas(win);
  const data = areas.take(hh * m * rowB);
  const tab = areas.take(m * tRowBytes);
  const pos = positions ? areas.take(m * posBytes) : 0;
  const scratch = areas.take(scratchBytes);
  const ax = axesArgs(scratch);
  const heap = core.heap(f64);
  const X = xRes >= 0 ? heap : arrayOf(xOp);
  const xBase = xRes >= 0 ? xRes / bytes : 0;
  const O = arrayOf(outOp);
  const d0 = data / bytes;
  for (let l0 = 0; l0 < length; l0 += m) {
    const mm = Math.min(m, length - l0);
    for (let b = 0; b < batch; b++) {
      if (b === 0 || perBatch) {
        copyPositions(pos, m, b, l0, mm);
        table(tab, mm, l0, pos, m, scratch, ax);
      }
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
        ex.ropeApply(tab, 0, data, data, 1, hc, mm, 0, wHS, wLS, 0, wHS, wLS, D, rd, il, f);
        if (blhd) {
          for (let r = 0; r < mm; r++) O.set(heap.subarray(d0 + r * wLS, d0 + r * wLS + hc * D), base + r * LS);
        } else {
          for (let j = 0; j < hc; j++) O.set(heap.subarray(d0 + j * wHS, d0 + j * wHS + mm * D), base + j * HS);
        }
      }
    }
  }
}
