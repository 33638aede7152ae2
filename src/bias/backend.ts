// The kernels the attention-bias family needs of a backend (wasm.ts and js.ts implement them).

import type { Operand } from '../runtime/backend.js';
import type { AlibiPlan, RelativeBiasPlan } from './plan.js';

export interface BiasBackend {
  /** out = scale·scores + slope·keyPosition over [batch, heads, queryLength, keyLength] (out may be scores). */
  addAlibi(plan: AlibiPlan, scores: Operand, out: Operand): void;
  /** out [heads, queryLength, keyLength] gathered from weights [numBuckets, heads] (float32). */
  relativeBias(plan: RelativeBiasPlan, weights: Operand, out: Operand): void;
}
