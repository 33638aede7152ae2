// The sinusoidal family's interface to the rest of src/: other families import only this file.
// The grids and rotary reuse its float32-angle row kernels (a float32 angle fl32(fl32(p)·ω32)
// and its sin/cos rounded to float32, the same bits in every family); identify reads its presets.

export type * from './types.js';
export { a32Context } from './angles32-wasm.js';
export { encodeRowF32Angles } from './angles32-js.js';
export { PRESETS, PRESET_NAMES, type PresetDef } from './presets.js';
