// The model family's interface to the rest of src/ (other families import only this file).

export type * from './types.js';
