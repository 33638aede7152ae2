// The kernels the rotary family needs of a backend (wasm.ts and js.ts implement them).

import type { Dtype } from '../core/types.js';
import type { Operand } from '../runtime/backend.js';
import type { RopePlan } from './plan.js';

/**
 * Cached cos/sin rows that serve a rope call (ropeRows layout): the plan's rows are the table's
 * rows `start`, `start + 1`, … (one per plan row: per position, per batch element when perBatch),
 * or, with `idx`, table row idx[i] for plan position i ([length] or [batch·length] like the plan's
 * positions). Rows of a position never depend on the table they are read from.
 */
export interface RopeRows {
  readonly table: Operand;
  readonly start: number;
  readonly idx: Int32Array | null;
}

export interface RopeBackend {
  /**
   * Rotary embedding: x → out (out may be x). `rows`: the plan's cos/sin rows made by ropeRows
   * (cached), else they are generated on the fly.
   */
  rope(plan: RopePlan, x: Operand, out: Operand, rows?: RopeRows | null): void;
  /** Elements and dtype of the cos/sin rows of a rope plan (one row per position, per batch element when perBatch). */
  ropeRowsShape(plan: RopePlan): { length: number; dtype: Dtype };
  /** Writes the cos/sin rows of a rope plan into `rows` (a tensor of ropeRowsShape). */
  ropeRows(plan: RopePlan, rows: Operand): void;
}
