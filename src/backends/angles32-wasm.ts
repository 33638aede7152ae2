// plan → assembly/angles32.ts: float32-angle contexts (cached per core) and the table driver for
// float32Angles encodings (the same chunking as the wasm backend's table()).

import type { SinEncoding, TablePlan } from '../plan.js';
import { Areas, arrayOf, type WasmCoreLike } from './core-like.js';
import type { Operand } from './types.js';

const MAX_CONTEXTS = 32;
const caches = new WeakMap<object, Map<string, number>>();

/** The fields of an encoding that a float32-angle context holds. */
export type A32Layout = Pick<SinEncoding, 'key' | 'freqs' | 'layout' | 'sinBase' | 'cosBase' | 'nCos' | 'width' | 'zeroFrom' | 'padPos'>;

/** The compiled float32-angle context of an encoding (least recently used evicted). */
export function a32Context(core: WasmCoreLike, enc: A32Layout): number {
  let m = caches.get(core);
  if (!m) caches.set(core, (m = new Map()));
  let ctx = m.get(enc.key);
  if (ctx !== undefined) {
    m.delete(enc.key);
    m.set(enc.key, ctx);
    return ctx;
  }
  const ex = core.ex;
  try {
    ctx = ex.a32New(enc.freqs.length);
  } catch {
    throw new RangeError(`posenc: the module's memory cannot hold the frequencies of dim ${enc.width}`);
  }
  core.f64.set(enc.freqs, ex.a32Freqs(ctx) / 8);
  ex.a32Layout(ctx, enc.layout, enc.sinBase, enc.cosBase, enc.nCos, enc.width, enc.zeroFrom, enc.padPos);
  m.set(enc.key, ctx);
  if (m.size > MAX_CONTEXTS) {
    const [oldKey, oldCtx] = m.entries().next().value as [string, number];
    m.delete(oldKey);
    ex.a32Free(oldCtx);
  }
  return ctx;
}

/** The wasm backends' table() for a float32-angle encoding. */
export function tableF32AnglesWasm(core: WasmCoreLike, plan: TablePlan, outOp: Operand): void {
  const { enc, rows, start, positions, f64 } = plan;
  if (rows === 0) return;
  const ex = core.ex;
  const bytes = f64 ? 8 : 4;
  const rowBytes = enc.width * bytes;
  const outPtr = core.resident(outOp, 'options.out', 'sinusoidal');
  const ctx = a32Context(core, enc);
  const f = f64 ? 1 : 0;
  if (outPtr >= 0 && !positions) {
    ex.a32Table(ctx, outPtr, rows, start, 0, 0, f);
    return;
  }
  const perRow = (outPtr >= 0 ? 0 : rowBytes) + (positions ? 8 : 0);
  const n = Math.max(1, Math.min(rows, Math.floor((core.windowBytes - 32) / perRow)));
  const win = core.window(n * perRow + 32);
  const areas = new Areas(win);
  const data = outPtr >= 0 ? 0 : areas.take(n * rowBytes);
  const pos = positions ? areas.take(n * 8) : 0;
  for (let r0 = 0; r0 < rows; r0 += n) {
    const m = Math.min(n, rows - r0);
    if (positions) core.f64.set(positions.subarray(r0, r0 + m), pos / 8);
    if (outPtr >= 0) {
      ex.a32Table(ctx, outPtr + r0 * rowBytes, m, start, r0, pos, f);
    } else {
      ex.a32Table(ctx, data, m, start, r0, pos, f);
      const h = core.heap(f64);
      arrayOf(outOp).set(h.subarray(data / bytes, data / bytes + m * enc.width), r0 * enc.width);
    }
  }
}
