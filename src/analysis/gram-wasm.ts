// plan → assembly/gram.ts. Rows are taken in blocks that fit the scratch window (a table in module
// memory is read in place); each block pair's tile is computed once and mirrored.

import type { SimilarityPlan } from './similarity.js';
import { Areas, arrayOf, SLACK_PER_AREA, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';

export function gramWasm(core: WasmCoreLike, plan: SimilarityPlan, tableOp: Operand, out: Float32Array): void {
  const { rows, dim, f64, cosine } = plan;
  const ex = core.ex;
  const bytes = f64 ? 8 : 4;
  const rowBytes = dim * bytes;
  const resident = core.resident(tableOp, 'table', 'similarity');
  // Per block row: a row of A and of B (unless resident), two scales, a tile row of out.
  const perRow = (resident >= 0 ? 0 : 2 * rowBytes) + 16;
  const fixed = 32 + 6 * SLACK_PER_AREA;
  let bs = Math.max(1, Math.min(rows, Math.floor((core.windowBytes - fixed) / perRow)));
  while (bs > 1 && bs * perRow + bs * bs * 4 + fixed > core.windowBytes) bs--;
  const areas = new Areas(core.window(bs * perRow + bs * bs * 4 + fixed));
  const acc = areas.take(32);
  const aBuf = resident >= 0 ? 0 : areas.take(bs * rowBytes);
  const bBuf = resident >= 0 ? 0 : areas.take(bs * rowBytes);
  const sa = areas.take(bs * 8);
  const sb = areas.take(bs * 8);
  const tile = areas.take(bs * bs * 4);
  const src = resident >= 0 ? null : arrayOf(tableOp);
  const load = (buf: number, r0: number, n: number): number => {
    if (resident >= 0) return resident + r0 * rowBytes;
    core.heap(f64).set(src!.subarray(r0 * dim, (r0 + n) * dim), buf / bytes);
    return buf;
  };
  for (let i0 = 0; i0 < rows; i0 += bs) {
    const na = Math.min(bs, rows - i0);
    const a = load(aBuf, i0, na);
    if (cosine) ex.gramInvNorms(a, na, dim, f64 ? 1 : 0, sa);
    for (let j0 = i0; j0 < rows; j0 += bs) {
      const nb = Math.min(bs, rows - j0);
      const b = j0 === i0 ? a : load(bBuf, j0, nb);
      const sbj = j0 === i0 ? sa : sb;
      if (cosine && j0 !== i0) ex.gramInvNorms(b, nb, dim, f64 ? 1 : 0, sb);
      ex.gramBlock(a, na, b, nb, dim, f64 ? 1 : 0, cosine ? sa : 0, cosine ? sbj : 0, tile, nb, acc);
      const t = core.f32;
      const t0 = tile / 4;
      for (let i = 0; i < na; i++) {
        const row = t.subarray(t0 + i * nb, t0 + (i + 1) * nb);
        out.set(row, (i0 + i) * rows + j0);
        if (j0 !== i0) for (let j = 0; j < nb; j++) out[(j0 + j) * rows + i0 + i] = row[j];
      }
    }
  }
}
