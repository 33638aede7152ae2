// A backend: the runtime's family-independent half and every family's kernels, over plans (never
// over user options). src/api/backends.ts puts them together.

import type { AnalysisBackend } from '../analysis/backend.js';
import type { BiasBackend } from '../bias/backend.js';
import type { GridBackend } from '../grid/backend.js';
import type { RopeBackend } from '../rope/backend.js';
import type { BackendBase } from '../runtime/backend.js';
import type { SinusoidalBackend } from '../sinusoidal/backend.js';

export interface Backend extends BackendBase, SinusoidalBackend, GridBackend, RopeBackend, AnalysisBackend, BiasBackend {}
