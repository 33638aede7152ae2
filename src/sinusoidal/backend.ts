// The kernels the sinusoidal family needs of a backend (wasm.ts and js.ts implement them).

import type { TablePlan } from '../core/encoding.js';
import type { Operand } from '../runtime/backend.js';
import type { CombinePlan } from './plan.js';

export interface SinusoidalBackend {
  /** Writes plan.rows rows of plan.enc.width columns into out. */
  table(plan: TablePlan, out: Operand): void;
  /** add or concat: x → out (out may be x for add). */
  combine(plan: CombinePlan, x: Operand, out: Operand): void;
}
