// The kernels the analysis functions need of a backend (gram-wasm.ts and gram-js.ts implement them).

import type { Operand } from '../runtime/backend.js';
import type { SimilarityPlan } from './similarity.js';

export interface AnalysisBackend {
  /** Gram matrix of the table's rows (dot or cosine) into out [rows·rows]. */
  gram(plan: SimilarityPlan, table: Operand, out: Float32Array): void;
}
