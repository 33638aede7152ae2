// Every benchmark case, in run order. A case is
//   { id, group, title, shape, elements, bytes (of the result), reps, tolerance,
//     numpyShape?, build(ctx) → { reference (Float64Array), impls, notes, primary? } }
// and an impl is described in ../lib/impls.mjs. To add a group, write a module that returns cases
// and list it here.
import { biasCases } from '../cases-bias.mjs';
import { modelCases } from '../cases-model.mjs';
import { mropeCases } from '../cases-mrope.mjs';
import { grid2dCases, ropeCases } from '../cases-rope.mjs';
import { grid3dCases } from '../cases-grid3d.mjs';
import { decodeCases } from '../cases-decode.mjs';
import { addCases, concatCases } from './combine.mjs';
import { identifyCases } from './identify.mjs';
import { overheadCases } from './overhead.mjs';
import { tableCases } from './table.mjs';

export function allCases(opts) {
  return [
    ...overheadCases(opts), ...tableCases(opts), ...addCases(opts), ...concatCases(opts),
    ...ropeCases(opts), ...grid2dCases(opts), // in ../cases-rope.mjs
    ...grid3dCases(opts), // in ../cases-grid3d.mjs
    ...mropeCases(opts), // in ../cases-mrope.mjs
    ...identifyCases(opts), // in ./identify.mjs
    ...biasCases(opts), // in ../cases-bias.mjs
    ...modelCases(opts), // in ../cases-model.mjs
    ...decodeCases(opts), // in ../cases-decode.mjs
  ];
}
