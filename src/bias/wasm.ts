// plan → assembly/bias.ts. ALiBi: the slopes and key positions (in the scores' dtype) go into the
// scratch window, then alibiApply runs over rows of the scores (split over the threads): in place
// on a resident out (x copied into it first when x is a plain array), or chunk by chunk through
// the window for a plain out. Per-batch key positions run one batch element at a time.
// T5 bias: the buckets of the diagonals and the weights (unless resident) go into module memory,
// relBiasDiag gathers each head's diagonal row once, and the rows of the result are slices of it:
// copied by relBiasRows into a resident out (split over the threads), or set row by row into a
// plain one.

import type { AlibiPlan, RelativeBiasPlan } from './plan.js';
import { Areas, arrayOf, MIN_STREAM, SLACK_PER_AREA, sourceInOut, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';

export function addAlibiWasm(core: WasmCoreLike, plan: AlibiPlan, xOp: Operand, outOp: Operand): void {
  const { batch, heads, queryLength: Q, keyLength: K, f64, perBatch, slopes, keyPositions, scale } = plan;
  if (batch === 0 || heads === 0 || Q === 0 || K === 0) return;
  const bytes = f64 ? 8 : 4;
  const f = f64 ? 1 : 0;
  // Addresses of resident operands first: later allocations may grow (and detach) memory.
  const xRes = core.resident(xOp, 'scores', 'addAlibi');
  const oRes = core.resident(outOp, 'options.out', 'addAlibi');
  const rowBytes = K * bytes;
  const fixed = heads * bytes + K * bytes + 3 * SLACK_PER_AREA;
  // One block of rows per distinct key-position row: the whole tensor, or one batch element.
  const nBlocks = perBatch ? batch : 1;
  const blockRows = (perBatch ? 1 : batch) * heads * Q;
  const m = oRes >= 0 ? 0 : Math.max(1, Math.min(blockRows, Math.floor((core.windowBytes - fixed) / rowBytes)));
  const areas = new Areas(core.window(fixed + m * rowBytes));
  const sl = areas.take(heads * bytes);
  const kp = areas.take(K * bytes);
  const data = m ? areas.take(m * rowBytes) : 0;
  core.heap(f64).set(slopes, sl / bytes);
  const run = (x: number, out: number, rows: number, r0: number) =>
    core.split('alibiApply', rows, K, MIN_STREAM, (_t, a, k) => [x + a * rowBytes, out + a * rowBytes, k, r0 + a, Q, K, heads, sl, kp, scale, f]);

  if (oRes >= 0) {
    const src = sourceInOut(core, xOp, xRes, oRes, f64);
    for (let b = 0; b < nBlocks; b++) {
      core.heap(f64).set(keyPositions.subarray(b * K, b * K + K), kp / bytes);
      const e = b * blockRows * rowBytes;
      run(src + e, oRes + e, blockRows, 0);
    }
    return;
  }

  const X = arrayOf(xOp);
  const O = arrayOf(outOp);
  for (let b = 0; b < nBlocks; b++) {
    core.heap(f64).set(keyPositions.subarray(b * K, b * K + K), kp / bytes);
    for (let r0 = 0; r0 < blockRows; r0 += m) {
      const mm = Math.min(m, blockRows - r0);
      const e = (b * blockRows + r0) * K;
      const heap = core.heap(f64);
      if (xRes >= 0) run(xRes + e * bytes, data, mm, r0);
      else {
        heap.set(X.subarray(e, e + mm * K), data / bytes);
        run(data, data, mm, r0);
      }
      O.set(heap.subarray(data / bytes, data / bytes + mm * K), e);
    }
  }
}

export function relativeBiasWasm(core: WasmCoreLike, plan: RelativeBiasPlan, wOp: Operand, outOp: Operand): void {
  const { heads: H, queryLength: Q, keyLength: K, diag, numBuckets } = plan;
  const n = diag.length;
  if (n === 0) return;
  const wRes = core.resident(wOp, 'weights', 'relativeBias');
  const oRes = core.resident(outOp, 'options.out', 'relativeBias');
  const need = (wRes < 0 ? numBuckets * H * 4 : 0) + n * 4 + H * n * 4 + 3 * SLACK_PER_AREA;
  // The diagonals of long sequences may not fit the window: then a block of their own.
  const block = need > core.windowBytes ? core.allocBytes(need, 'relativeBias') : 0;
  try {
    const areas = new Areas(block || core.window(need));
    const w = wRes >= 0 ? wRes : areas.take(numBuckets * H * 4);
    const buckets = areas.take(n * 4);
    const d = areas.take(H * n * 4);
    if (wRes < 0) core.f32.set(arrayOf(wOp), w / 4);
    core.i32.set(diag, buckets / 4);
    core.ex.relBiasDiag(w, H, buckets, n, d);
    if (oRes >= 0) {
      core.split('relBiasRows', H * Q, K, MIN_STREAM, (_t, a, k) => [d, n, oRes + a * K * 4, k, a, Q, K]);
      return;
    }
    const O = arrayOf(outOp);
    const f32 = core.f32;
    for (let h = 0; h < H; h++) {
      const dh = d / 4 + h * n + Q - 1;
      for (let q = 0; q < Q; q++) O.set(f32.subarray(dh - q, dh - q + K), (h * Q + q) * K);
    }
  } finally {
    if (block) core.ex.free(block);
  }
}
