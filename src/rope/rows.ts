// Rotary rows: the cos/sin rows a repeated call keeps in the instance's row cache
// (src/runtime/rowcache.ts), keyed by what determines them.

import type { Operand } from '../runtime/backend.js';
import { intern, num, positionsKey, type RowCache } from '../runtime/rowcache.js';
import type { RopeBackend } from './backend.js';
import type { RopePlan } from './plan.js';

/**
 * Rotary frequencies → id. The plan's key identifies its frequencies exactly (it is the key of
 * their compiled contexts: derived ones by what derives them, given ones by their bits), so it
 * stands for them; hashing the bits again on every call would cost given or per-axis frequencies,
 * which are fresh arrays each call, microseconds.
 */
const ropeIds = new Map<string, number>();
function ropeId(key: string): number {
  let id = ropeIds.get(key);
  if (id === undefined) {
    if (ropeIds.size >= 4096) ropeIds.clear();
    id = intern(`rope|${key}`);
    ropeIds.set(key, id);
  }
  return id;
}

/** Multi-axis rotary: which axis each pair takes its position from (the axes plan's arrays are cached objects). */
const axesIds = new WeakMap<Int32Array, number>();

function axesId(plan: RopePlan): string {
  const axes = plan.axes;
  if (!axes) return '';
  let id = axesIds.get(axes.colAxis);
  if (id === undefined) {
    id = intern(`axes|${axes.colAxis.join(',')}|${axes.perm ? axes.perm.join(',') : ''}`);
    axesIds.set(axes.colAxis, id);
  }
  return `|a${id}`;
}

/** rope: the cached cos/sin rows of the plan (the backend's ropeRows layout), or null. */
export function cachedRopeRows(cache: RowCache, backend: RopeBackend, plan: RopePlan): Operand | null {
  if (plan.rotaryDim === 0 || plan.length === 0 || plan.batch === 0) return null;
  const { length, dtype } = backend.ropeRowsShape(plan);
  if (!cache.fits(length, dtype === 'float64')) return null;
  const where = plan.positions ? positionsKey(plan.positions) + (plan.perBatch ? 'b' : '') : `o${num(plan.start)}+${plan.length}`;
  const key = `r|${dtype}|${plan.interleaved ? 'i' : 'h'}|${num(plan.attentionFactor)}|${plan.f32Angles ? 1 : 0}|${where}|${ropeId(plan.key)}${axesId(plan)}`;
  const e = cache.rows(key, length, dtype === 'float64', plan.positions, 0, false, (t) => backend.ropeRows(plan, t));
  return e === null ? null : e.rows;
}
