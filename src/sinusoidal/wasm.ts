// The sinusoidal family's wasm driver: 1-D tables and fused add / concat (encodings generated on
// the fly or streamed from a table), plan → pointer calls into assembly/sinusoidal.ts and
// assembly/combine.ts. Plain JS arrays stream through the core's scratch window in chunks; large
// calls are split by rows over the core's threads.

import type { TablePlan } from '../core/encoding.js';
import type { Operand } from '../runtime/backend.js';
import { Areas, arrayOf, MIN_GENERATE, MIN_STREAM, rangesText, sameMemory, streamTableRows, type Progress, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import { tableF32AnglesWasm } from './angles32-wasm.js';
import type { SinusoidalBackend } from './backend.js';
import type { CombinePlan } from './plan.js';
import { combineSmall } from './combine-small.js';

const align16 = (n: number) => (n + 15) & ~15;

/** The sinusoidal kernels of a wasm backend over `core`. */
export function sinusoidalWasm(core: WasmCoreLike): SinusoidalBackend {
  return {
    table: (plan, out) => table(core, plan, out),
    // Small calls served from rows in module memory take the short path (outside combine, whose
    // closures would be allocated on entry).
    combine: (plan, x, out) => {
      if (!combineSmall(core, plan, x, out)) combine(core, plan, x, out);
    },
  };
}

function table(core: WasmCoreLike, plan: TablePlan, outOp: Operand): void {
  if (plan.enc.f32Angles) return tableF32AnglesWasm(core, plan, outOp);
  if (plan.rows === 0) return;
  const outPtr = core.resident(outOp, 'options.out', 'sinusoidal');
  const ctxs = core.contexts(plan.enc);
  const f = plan.f64 ? 1 : 0;
  const rowBytes = plan.enc.width * (plan.f64 ? 8 : 4);
  streamTableRows(core, plan, outOp, outPtr, (dst, m, r0, pos, progress) => core.split('sinusoidalTable', m, plan.enc.width, MIN_GENERATE,
    (t, a, n) => [ctxs(t), dst + a * rowBytes, n, plan.start, r0 + a, pos && pos + a * 8, f], progress));
}

/**
 * Copies the per-row values (positions, row indices) of rows r0 … r0 + m − 1 into the window through
 * `heap` (the memory's view of their type): every batch element's of b0 … b0 + mb − 1 ([mb][m], a
 * batch stride of m) when perBatch, else the one list's. Returns their byte address.
 */
function stageRows(areas: Areas, heap: Float64Array | Int32Array, values: Float64Array | Int32Array, perBatch: boolean, b0: number, mb: number, length: number, r0: number, m: number): number {
  const size = heap.BYTES_PER_ELEMENT;
  const at = areas.take((perBatch ? mb : 1) * m * size);
  if (!perBatch) {
    heap.set(values.subarray(r0, r0 + m), at / size);
    return at;
  }
  for (let b = 0; b < mb; b++) {
    const s = (b0 + b) * length + r0;
    heap.set(values.subarray(s, s + m), at / size + b * m);
  }
  return at;
}

function combine(core: WasmCoreLike, plan: CombinePlan, xOp: Operand, outOp: Operand): void {
  const { op, batch, length, dimIn, width, f64, scale, src } = plan;
  if (batch === 0 || length === 0) return;
  const fn = op;
  const bytes = f64 ? 8 : 4;
  const add = op === 'add';
  const outW = add ? dimIn : dimIn + width;
  // Addresses of resident operands first: later allocations may grow (and detach) memory.
  const xRes = core.resident(xOp, 'x', fn);
  const oRes = core.resident(outOp, 'options.out', fn);
  const tRes = src.kind === 'table' ? core.resident(src.table, 'options.encoding', fn) : -1;
  const ctxs = src.kind === 'sinusoidal' ? core.contexts(src.enc) : () => 0;
  // One encoding row of scratch per thread.
  const peBytes = align16(width * bytes);
  const pe = src.kind === 'sinusoidal' && add ? core.peRow(peBytes * core.threads) : 0;
  const inPlace = add && xRes < 0 && oRes < 0;
  // Whether the caller passed x as out (what a worker's death leaves in x is then said).
  const dest = (xRes >= 0 ? xRes === oRes : oRes < 0 && sameMemory(xOp, outOp)) ? 'x' : 'out';
  const elements = (lo: number, hi: number) => (hi - lo === 1 ? `batch element ${lo}` : `batch elements ${lo}–${hi - 1}`);

  // Scratch bytes per (row, batch element) and per row shared by the batch.
  let perRB = 0;
  let perR = 0;
  if (xRes < 0) perRB += dimIn * bytes;
  if (oRes < 0 && !inPlace) perRB += outW * bytes;
  if (src.kind === 'sinusoidal') {
    if (src.positions) src.perBatch ? (perRB += 8) : (perR += 8);
  } else if (tRes >= 0) {
    if (src.rowIdx) src.perBatch ? (perRB += 4) : (perR += 4);
  } else {
    src.perBatch ? (perRB += width * bytes) : (perR += width * bytes);
  }
  const slack = 6 * 16;
  const avail = core.windowBytes - slack;
  let nb = batch;
  let n = length;
  const perRowAll = batch * perRB + perR;
  if (perRowAll > 0) {
    if (perRowAll <= avail) n = Math.min(length, Math.floor(avail / perRowAll));
    else {
      nb = Math.max(1, Math.floor((avail - perR) / Math.max(perRB, 1)));
      n = 1;
    }
  }
  const win = perRowAll > 0 ? core.window(n * (nb * perRB + perR) + slack) : 0;
  const xArr = xRes < 0 ? arrayOf(xOp) : null;
  const oArr = oRes < 0 ? arrayOf(outOp) : null;
  const f = f64 ? 1 : 0;

  for (let b0 = 0; b0 < batch; b0 += nb) {
    const mb = Math.min(nb, batch - b0);
    for (let r0 = 0; r0 < length; r0 += n) {
      const m = Math.min(n, length - r0);
      const progress: Progress = {
        dest, direct: oRes >= 0,
        before: [b0 > 0 ? `every position of ${elements(0, b0)}` : '', r0 > 0 ? `positions 0–${r0 - 1} of ${elements(b0, b0 + mb)}` : ''].filter(Boolean).join(' and '),
        rows: (rg) => `positions ${rangesText(rg, r0)} of ${elements(b0, b0 + mb)}`,
      };
      const areas = new Areas(win);
      const h = core.heap(f64);
      let xPtr: number, xBS: number;
      if (xRes >= 0) {
        xPtr = xRes + (b0 * length + r0) * dimIn * bytes;
        xBS = length * dimIn;
      } else {
        xPtr = areas.take(mb * m * dimIn * bytes);
        xBS = m * dimIn;
        for (let b = 0; b < mb; b++) {
          const s = ((b0 + b) * length + r0) * dimIn;
          h.set(xArr!.subarray(s, s + m * dimIn), xPtr / bytes + b * xBS);
        }
      }
      let oPtr: number, oBS: number;
      if (oRes >= 0) {
        oPtr = oRes + (b0 * length + r0) * outW * bytes;
        oBS = length * outW;
      } else if (inPlace) {
        oPtr = xPtr;
        oBS = xBS;
      } else {
        oPtr = areas.take(mb * m * outW * bytes);
        oBS = m * outW;
      }

      if (src.kind === 'sinusoidal') {
        const pos = src.positions ? stageRows(areas, core.f64, src.positions, src.perBatch, b0, mb, length, r0, m) : 0;
        const posBS = src.positions && src.perBatch ? m : 0;
        // Rows split over the threads: row offsets move x, out and positions; batch strides stay.
        const xp = xPtr, op = oPtr;
        if (add) {
          core.split('addSinusoidal', m, mb * width, MIN_GENERATE, (t, a, k) =>
            [ctxs(t), xp + a * dimIn * bytes, op + a * outW * bytes, mb, k, xBS, oBS, src.start, r0 + a, pos && pos + a * 8, posBS, scale, f, pe + t * peBytes], progress);
        } else {
          core.split('concatSinusoidal', m, mb * width, MIN_GENERATE, (t, a, k) =>
            [ctxs(t), xp + a * dimIn * bytes, op + a * outW * bytes, mb, k, dimIn, xBS, oBS, src.start, r0 + a, pos && pos + a * 8, posBS, f], progress);
        }
      } else {
        let tPtr: number;
        let tBS = 0;
        let rowStart = 0;
        let idx = 0;
        let idxBS = 0;
        if (tRes >= 0) {
          tPtr = tRes;
          rowStart = src.rowStart + r0;
          if (src.rowIdx) {
            idx = stageRows(areas, core.i32, src.rowIdx, src.perBatch, b0, mb, length, r0, m);
            idxBS = src.perBatch ? m : 0;
          }
        } else {
          // Gather the rows this chunk needs from the caller's table.
          const t = arrayOf(src.table);
          const nRows = src.perBatch ? mb * m : m;
          tPtr = areas.take(nRows * width * bytes);
          const base = tPtr / bytes;
          if (!src.rowIdx) {
            const s = (src.rowStart + r0) * width;
            h.set(t.subarray(s, s + m * width), base);
          } else {
            tBS = src.perBatch ? m : 0;
            for (let i = 0; i < nRows; i++) {
              const b = src.perBatch ? Math.floor(i / m) : 0;
              const row = src.rowIdx[(src.perBatch ? (b0 + b) * length : 0) + r0 + (i % m)];
              if (row < 0) h.fill(0, base + i * width, base + (i + 1) * width); // outOfRange 'zero'
              else h.set(t.subarray(row * width, (row + 1) * width), base + i * width);
            }
          }
        }
        const tp = tPtr, xp = xPtr, op = oPtr;
        if (add) {
          core.split('addTable', m, mb * dimIn, MIN_STREAM, (_t, a, k) =>
            [tp, tBS, xp + a * dimIn * bytes, op + a * outW * bytes, mb, k, dimIn, xBS, oBS, rowStart + a, idx && idx + a * 4, idxBS, scale, f], progress);
        } else {
          core.split('concatTable', m, mb * outW, MIN_STREAM, (_t, a, k) =>
            [tp, tBS, width, xp + a * dimIn * bytes, op + a * outW * bytes, mb, k, dimIn, xBS, oBS, rowStart + a, idx && idx + a * 4, idxBS, f], progress);
        }
      }

      if (oRes < 0) {
        const hh = core.heap(f64);
        for (let b = 0; b < mb; b++) {
          const s = oPtr / bytes + b * oBS;
          oArr!.set(hh.subarray(s, s + m * outW), ((b0 + b) * length + r0) * outW);
        }
      }
    }
  }
}
