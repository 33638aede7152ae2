// frequencies(options): the ω a 1-D or 2-D encoding uses, through the same planning as
// sinusoidal/sincos2d (same validation, same derivation, same float32 chains), so what it returns
// is exactly what the tables are computed from.

import { SINCOS2D_KEYS, PRESETS_2D, planSincos2d } from '../grid/grid2d.js';
import { checkObject, rangeError } from '../core/options.js';
import { SINUSOIDAL_KEYS, planSinusoidal } from '../sinusoidal/plan.js';
import type { MathLib } from '../core/encoding.js';
import { PRESET_NAMES } from '../sinusoidal/presets.js';

const KEYS_1D = SINUSOIDAL_KEYS.filter((k) => k !== 'out');
const KEYS_2D = SINCOS2D_KEYS.filter((k) => k !== 'out');
/** Options only a 2-D table has. */
const ONLY_2D = ['height', 'width', 'temperature', 'clsToken'] as const;

/** Validates `frequencies(options)`; a new array (Float32Array with float32Angles). */
export function planFrequencies(options: unknown, math: MathLib): Float64Array | Float32Array {
  const fn = 'frequencies';
  checkObject(fn, 'options', options);
  const o = options;
  const preset = o.preset;
  if (typeof preset === 'string' && !(PRESET_NAMES as string[]).includes(preset) && !(PRESETS_2D as readonly string[]).includes(preset)) {
    const all = [...new Set([...PRESET_NAMES, ...PRESETS_2D])].map((k) => `'${k}'`).join(', ');
    throw rangeError(fn, 'options.preset', `a 1-D or 2-D preset: one of ${all}`, preset);
  }
  const twoD = ONLY_2D.some((k) => o[k] !== undefined) ||
    (typeof preset === 'string' && preset !== 'tensor2tensor' && (PRESETS_2D as readonly string[]).includes(preset));
  let freqs: Float64Array;
  let f32: boolean;
  if (twoD) {
    const { plan } = planSincos2d({ ...o, height: o.height ?? 0, width: o.width ?? 0 }, math, fn, KEYS_2D);
    freqs = plan.axisR.freqs;
    f32 = plan.f32Angles;
  } else {
    const { plan } = planSinusoidal(o.length === undefined && o.positions === undefined ? { ...o, length: 0 } : o, math, fn, KEYS_1D);
    freqs = plan.enc.freqs;
    f32 = plan.enc.f32Angles === true;
  }
  // Resolved encodings are cached and shared: hand out a copy.
  return f32 ? Float32Array.from(freqs) : freqs.slice();
}
