// add/concat with float32-angle encodings: their rows are materialised as a table.

import type { SinEncoding, TablePlan } from '../core/encoding.js';
import { diedBeforeWriting } from '../runtime/threads.js';
import type { SinusoidalBackend } from './backend.js';
import type { CombinePlan } from './plan.js';

/**
 * add/concat with a float32-angle encoding: the rows it needs are materialised once with the
 * backend's table kernel and combined as a table (shared positions: [length] rows; per-batch
 * positions: [batch·length] rows). Other plans are returned unchanged.
 */
export function materializeF32Angles(plan: CombinePlan, backend: SinusoidalBackend): CombinePlan {
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
