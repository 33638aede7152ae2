// The kernels the grid family needs of a backend (grid2d-/grid3d-wasm.ts and -js.ts implement them).

import type { Operand } from '../runtime/backend.js';
import type { Grid2dPlan } from './grid2d.js';
import type { Grid3dPlan } from './grid3d.js';

export interface GridBackend {
  /** Writes the 2-D table (plan.rows × plan.dim, cls row included) into out. */
  sincos2d(plan: Grid2dPlan, out: Operand): void;
  /** Writes the 3-D table (plan.rows × plan.dim) into out. */
  sincos3d(plan: Grid3dPlan, out: Operand): void;
}
