// Public types of the options and results, gathered from every layer (src/index.ts re-exports them).
// Shapes are row-major; sizes are element counts.

export type * from '../core/types.js';
export type * from '../sinusoidal/types.js';
export type * from '../grid/types.js';
export type * from '../positions/types.js';
export type * from '../rope/types.js';
export type * from '../analysis/types.js';
export type * from '../bias/types.js';

import type { Sincos2dOptions } from '../grid/types.js';
import type { SinusoidalOptions } from '../sinusoidal/types.js';

export type FrequenciesOptions =
  | Omit<SinusoidalOptions, 'out'>
  | (Omit<Sincos2dOptions, 'out' | 'height' | 'width'> & { height?: number; width?: number });
