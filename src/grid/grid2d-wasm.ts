// plan → assembly/grid2d.ts: into module memory directly, or through the scratch window in chunks.

import type { Grid2dPlan } from './grid2d.js';
import { a32Context } from '../sinusoidal/index.js';
import { Areas, arrayOf, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';

export function sincos2dWasm(core: WasmCoreLike, plan: Grid2dPlan, outOp: Operand): void {
  const { height: H, width: W, dim, cls, f64 } = plan;
  if (plan.rows === 0) return;
  const ex = core.ex;
  const bytes = f64 ? 8 : 4;
  const rowBytes = dim * bytes;
  const f = f64 ? 1 : 0;
  const outPtr = core.resident(outOp, 'options.out', 'sincos2d');
  const f32 = plan.f32Angles;
  const ctxR = f32 ? a32Context(core, plan.axisR) : core.context(plan.axisR);
  const ctxC = f32 ? a32Context(core, plan.axisC, 1) : core.context(plan.axisC, 0, 1);
  const tokens = H * W;
  const first = cls ? 1 : 0;
  if (outPtr >= 0) {
    if (cls) core.heap(f64).fill(0, outPtr / bytes, outPtr / bytes + dim);
    if (tokens > 0) ex.grid2dTable(ctxR, ctxC, f32 ? 1 : 0, outPtr + first * rowBytes, 0, tokens, W, dim, f);
    return;
  }
  const out = arrayOf(outOp);
  if (cls) out.fill(0, 0, dim);
  if (tokens === 0) return;
  const n = Math.max(1, Math.min(tokens, Math.floor((core.windowBytes - 32) / rowBytes)));
  const win = core.window(n * rowBytes + 32);
  const data = new Areas(win).take(n * rowBytes);
  for (let t0 = 0; t0 < tokens; t0 += n) {
    const m = Math.min(n, tokens - t0);
    ex.grid2dTable(ctxR, ctxC, f32 ? 1 : 0, data, t0, m, W, dim, f);
    const h = core.heap(f64);
    out.set(h.subarray(data / bytes, data / bytes + m * dim), (first + t0) * dim);
  }
}
