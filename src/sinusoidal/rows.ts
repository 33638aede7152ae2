// add/concat rows: float32-angle encodings materialised as tables, and the rows a repeated call
// keeps in the instance's row cache (src/runtime/rowcache.ts), keyed by what determines them.

import type { SinEncoding, TablePlan } from '../core/encoding.js';
import { intern, num, positionsKey, type RowCache } from '../runtime/rowcache.js';
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

const encIds = new WeakMap<SinEncoding, number>();

function encodingId(e: SinEncoding): number {
  let id = encIds.get(e);
  if (id === undefined) {
    // e.key identifies the frequencies exactly (see ropeId).
    id = intern(`${e.layout},${e.sinBase},${e.cosBase},${e.nCos},${e.width},${e.zeroFrom},${num(e.padPos)},${e.f32Angles ? 1 : 0}|${e.key}`);
    encIds.set(e, id);
  }
  return id;
}

/**
 * add/concat: a plan whose sinusoidal encoding is served from cached rows (as a table
 * encoding), or the plan as it was (float32-angle rows are then materialised for this call).
 */
export function cachedCombine(cache: RowCache, backend: SinusoidalBackend, plan: CombinePlan): CombinePlan {
  const src = plan.src;
  if (src.kind !== 'sinusoidal') return plan;
  const rows = src.perBatch ? plan.batch * plan.length : plan.length;
  if (!cache.fits(rows * plan.width, plan.f64)) return materializeF32Angles(plan, backend);
  const where = src.positions ? positionsKey(src.positions) : `o${num(src.start)}+${rows}`;
  const key = `c|${plan.f64 ? 8 : 4}|${where}|${encodingId(src.enc)}`;
  const tp: TablePlan = { enc: src.enc, rows, start: src.start, positions: src.positions, f64: plan.f64 };
  // float32-angle rows are materialised as a table anyway: cache them the first time.
  const e = cache.rows(key, rows * plan.width, plan.f64, src.positions, src.perBatch ? rows : 0, !!src.enc.f32Angles, (t) => backend.table(tp, t));
  if (e === null) return materializeF32Angles(plan, backend);
  return { ...plan, src: { kind: 'table', table: e.rows, rows, rowStart: 0, rowIdx: e.rowIdx, perBatch: src.perBatch } };
}
