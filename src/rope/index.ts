// The rope family's interface to the rest of src/ (other families import only this file); identify
// reads YaRN's correction range from it.

export type * from './types.js';
export { yarnRange } from './plan.js';
