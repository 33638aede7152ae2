// plan → assembly/grid3d.ts: the three per-axis tables are written once (sinusoidalTable, with the
// plan's float32 positions) into a temporary block of module memory, then tokens are assembled into
// a resident `out` directly or through the scratch window in chunks.

import type { Grid3dPlan } from './grid3d.js';
import type { SinEncoding } from '../core/encoding.js';
import { Areas, arrayOf, SLACK_PER_AREA, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';

export function sincos3dWasm(core: WasmCoreLike, plan: Grid3dPlan, outOp: Operand): void {
  const { height: H, width: W, dim, rows, f64 } = plan;
  if (rows === 0) return;
  const ex = core.ex;
  const bytes = f64 ? 8 : 4;
  const f = f64 ? 1 : 0;
  const wT = plan.axisT.width;
  const wS = plan.axisS.width;
  // The resident address first: allocations below may grow (and detach) memory.
  const outPtr = core.resident(outOp, 'options.out', 'sincos3d');
  const axes: [SinEncoding, Float64Array][] = [[plan.axisT, plan.posT], [plan.axisS, plan.posC], [plan.axisS, plan.posR]];
  let need = 0;
  for (const [enc, pos] of axes) need += pos.length * (8 + enc.width * bytes) + 2 * SLACK_PER_AREA;
  const block = core.allocBytes(need, 'sincos3d');
  try {
    const areas = new Areas(block);
    const tabs = axes.map(([enc, pos]) => {
      const p = areas.take(pos.length * 8);
      const tab = areas.take(pos.length * enc.width * bytes);
      // The context may be compiled (and memory grow) here: views are taken afterwards.
      const ctx = core.context(enc);
      core.f64.set(pos, p / 8);
      ex.sinusoidalTable(ctx, tab, pos.length, 0, 0, p, f);
      return tab;
    });
    const [tT, tC, tR] = tabs;
    if (outPtr >= 0) {
      ex.grid3dTable(tT, tC, tR, outPtr, 0, rows, H, W, wT, wS, f);
      return;
    }
    const out = arrayOf(outOp);
    const rowBytes = dim * bytes;
    const n = Math.max(1, Math.min(rows, Math.floor((core.windowBytes - 32) / rowBytes)));
    const data = core.window(n * rowBytes + 32);
    for (let t0 = 0; t0 < rows; t0 += n) {
      const m = Math.min(n, rows - t0);
      ex.grid3dTable(tT, tC, tR, data, t0, m, H, W, wT, wS, f);
      const h = core.heap(f64);
      out.set(h.subarray(data / bytes, data / bytes + m * dim), t0 * dim);
    }
  } finally {
    ex.free(block);
  }
}
