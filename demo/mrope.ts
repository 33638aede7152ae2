// The demo's multi-axis rotary panel: the T/H/W position rows of a text + image + text prompt
// (pe.mropePositions, Qwen2-VL's get_rope_index) and pe.rope of a vector of ones with those
// positions, for the three ways of splitting the pairs among axes (Qwen2-VL chunks, Qwen3-VL
// cycle, per-axis frequencies). main.ts calls renderMrope on every redraw.
import type { Posenc, RopeAxes } from 'posenc';
import { cycleAxes } from '../src/rope/plan.js';

/** The control ids of this panel (main.ts redraws when one changes). */
export const MROPE_CONTROLS = ['mrope-variant', 'mrope-text', 'mrope-height', 'mrope-width', 'mrope-after'];

/** Head dim of the panel's q (Qwen2-VL's) and the axes of each variant. */
export const MROPE_HEAD_DIM = 128;
export const MROPE_VARIANTS: Record<string, { label: string; base: number; axes: RopeAxes }> = {
  'qwen2-vl': { label: 'Qwen2-VL chunks [16, 24, 24]', base: 1e6, axes: { sections: [16, 24, 24] } },
  'qwen3-vl': { label: 'Qwen3-VL cycle [24, 20, 20]', base: 5e6, axes: { sections: [24, 20, 20], assign: 'cycle' } },
  'per-axis': { label: 'per-axis [16, 24, 24]', base: 1e4, axes: { sections: [16, 24, 24], frequencies: 'per-axis' } },
};

/** Axis of each of the headDim features ('halves': feature f and f + headDim/2 share pair f mod headDim/2). */
export function featureAxes(axes: RopeAxes, headDim: number): Int32Array {
  const s = Array.from(axes.sections);
  const h = headDim / 2;
  const cycle = axes.assign === 'cycle' ? cycleAxes(s, h) : null;
  const pair = (j: number) => {
    if (cycle) return cycle[j];
    let a = 0;
    for (let at = s[0]; j >= at; at += s[++a]);
    return a;
  };
  return Int32Array.from({ length: headDim }, (_, f) => pair(f % h));
}

/** Position rows scaled to [−1, 1] for the colour map: −1 at 0, +1 at the largest position. */
export function scaledPositions(positions: Int32Array): Float32Array {
  const max = Math.max(1, ...positions);
  return Float32Array.from(positions, (p) => (2 * p) / max - 1);
}

export interface MropeHooks {
  draw(canvas: HTMLCanvasElement, values: ArrayLike<number>, rows: number, cols: number): void;
  status(id: string, text: string, error?: boolean): void;
  message(e: unknown): string;
}

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function renderMrope(pe: Posenc, hooks: MropeHooks): void {
  const canvases = ['mrope-positions', 'mrope-axes', 'mrope-rotated'].map((id) => el<HTMLCanvasElement>(id));
  try {
    const num = (id: string) => Number(el<HTMLInputElement>(id).value);
    const name = el<HTMLSelectElement>('mrope-variant').value;
    const v = MROPE_VARIANTS[name];
    const segments = [{ text: num('mrope-text') }, { image: [1, num('mrope-height'), num('mrope-width')] }, { text: num('mrope-after') }];
    const { positions, delta } = pe.mropePositions({ segments });
    const L = positions.length / 3;
    const D = MROPE_HEAD_DIM;
    const rotated = pe.rope(new Float32Array(L * D).fill(1), { shape: [1, 1, L, D], base: v.base, positions, axes: v.axes });
    hooks.draw(canvases[0], scaledPositions(positions), 3, L);
    hooks.draw(canvases[1], Float32Array.from(featureAxes(v.axes, D), (a) => a - 1), 1, D);
    hooks.draw(canvases[2], rotated, L, D);
    canvases.forEach((c) => (c.hidden = false));
    hooks.status('mrope-status', `${v.label} · ${L} tokens (text, ${num('mrope-height') / 2} × ${num('mrope-width') / 2} merged image tokens, text) · largest position ${Math.max(...positions)} · next token at ${L + delta}`);
  } catch (e) {
    canvases.forEach((c) => (c.hidden = true));
    hooks.status('mrope-status', hooks.message(e), true);
  }
}
