// The few kernels every backend implements over plans (never over user options).

import type { CombinePlan, MathLib, TablePlan } from '../plan.js';
import type { Grid2dPlan } from '../grid2d.js';
import type { Grid3dPlan } from '../grid3d.js';
import type { RopePlan } from '../rope.js';
import type { SimilarityPlan } from '../similarity.js';
import type { Tensor } from '../tensor.js';
import type { BackendName, Dtype, FloatArray } from '../types.js';

export type Operand = FloatArray | Tensor;

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

export interface Backend {
  readonly name: BackendName;
  /** Threads that kernels run on (1: the calling thread only). */
  readonly threads: number;
  /** Used by the plans to derive frequencies. */
  readonly math: MathLib;
  /** Writes plan.rows rows of plan.enc.width columns into out. */
  table(plan: TablePlan, out: Operand): void;
  /** add or concat: x → out (out may be x for add). */
  combine(plan: CombinePlan, x: Operand, out: Operand): void;
  /** A tensor of `length` elements, zero-filled. */
  alloc(length: number, dtype: Dtype): Tensor;
  /** Bytes of the module's memory (0 for js). */
  memoryBytes(): number;
  /** Writes the 2-D table (plan.rows × plan.dim, cls row included) into out. */
  sincos2d(plan: Grid2dPlan, out: Operand): void;
  /** Writes the 3-D table (plan.rows × plan.dim) into out. */
  sincos3d(plan: Grid3dPlan, out: Operand): void;
  /**
   * Rotary embedding: x → out (out may be x). `rows`: the plan's cos/sin rows made by ropeRows
   * (cached), else they are generated on the fly.
   */
  rope(plan: RopePlan, x: Operand, out: Operand, rows?: RopeRows | null): void;
  /** Elements and dtype of the cos/sin rows of a rope plan (one row per position, per batch element when perBatch). */
  ropeRowsShape(plan: RopePlan): { length: number; dtype: Dtype };
  /** Writes the cos/sin rows of a rope plan into `rows` (a tensor of ropeRowsShape). */
  ropeRows(plan: RopePlan, rows: Operand): void;
  /**
   * Whether an operand is a typed array viewing the module's memory (wasm). Such a view is
   * detached when memory grows, after which it no longer tells where it was: calls given one do
   * not grow cached rows before the backend has taken its address.
   */
  isModuleView?(op: Operand): boolean;
  /** Gram matrix of the table's rows (dot or cosine) into out [rows·rows]. */
  gram(plan: SimilarityPlan, table: Operand, out: Float32Array): void;
}
