// The few kernels every backend implements over plans (never over user options).

import type { CombinePlan, MathLib, TablePlan } from '../sinusoidal/plan.js';
import type { Grid2dPlan } from '../grid/grid2d.js';
import type { Grid3dPlan } from '../grid/grid3d.js';
import type { RopePlan } from '../rope/plan.js';
import type { SimilarityPlan } from '../analysis/similarity.js';
import type { Tensor } from '../core/tensor.js';
import type { BackendName, Dtype, FloatArray } from '../api/types.js';

export type Operand = FloatArray | Tensor;

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
  rope(plan: RopePlan, x: Operand, out: Operand, rows?: Operand | null): void;
  /** Elements and dtype of the cos/sin rows of a rope plan (one row per position, per batch element when perBatch). */
  ropeRowsShape(plan: RopePlan): { length: number; dtype: Dtype };
  /** Writes the cos/sin rows of a rope plan into `rows` (a tensor of ropeRowsShape). */
  ropeRows(plan: RopePlan, rows: Operand): void;
  /** Gram matrix of the table's rows (dot or cosine) into out [rows·rows]. */
  gram(plan: SimilarityPlan, table: Operand, out: Float32Array): void;
}
