// plan → assembly/angles32.ts: float32-angle contexts (cached per core) and the table driver for
// float32Angles encodings (the same chunking as the wasm backend's table()).

import type { SinEncoding, TablePlan } from '../core/encoding.js';
import { ContextCache, MIN_GENERATE, streamTableRows, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';

const caches = new WeakMap<object, ContextCache>();

/** The fields of an encoding that a float32-angle context holds. */
export type A32Layout = Pick<SinEncoding, 'key' | 'freqs' | 'layout' | 'sinBase' | 'cosBase' | 'nCos' | 'width' | 'zeroFrom' | 'padPos'>;

/**
 * The compiled float32-angle context of an encoding (least recently used evicted; never the
 * `inUse` contexts the call took just before this one).
 */
export function a32Context(core: WasmCoreLike, enc: A32Layout, inUse = 0): number {
  const ex = core.ex;
  let c = caches.get(core);
  if (!c) caches.set(core, (c = new ContextCache((ctx) => ex.ctxFree(ctx))));
  const hit = c.get(enc.key);
  if (hit !== undefined) return hit;
  let ctx: number;
  try {
    ctx = ex.a32New(enc.freqs.length);
  } catch {
    // Memory is full: drop the cached contexts (but those in use) and retry once.
    c.evict(inUse, 0);
    try {
      ctx = ex.a32New(enc.freqs.length);
    } catch {
      throw new RangeError(`posenc: the module's memory cannot hold the frequencies of dim ${enc.width}`);
    }
  }
  core.f64.set(enc.freqs, ex.ctxOmega(ctx) / 8);
  ex.ctxLayout(ctx, enc.layout, enc.sinBase, enc.cosBase, enc.nCos, enc.width, enc.zeroFrom, enc.padPos);
  c.add(enc.key, ctx, 96 + Math.max(enc.freqs.length, 1) * 8, inUse + 1);
  return ctx;
}

/** The wasm backends' table() for a float32-angle encoding. */
export function tableF32AnglesWasm(core: WasmCoreLike, plan: TablePlan, outOp: Operand): void {
  if (plan.rows === 0) return;
  const outPtr = core.resident(outOp, 'options.out', 'sinusoidal');
  const ctx = a32Context(core, plan.enc);
  const f = plan.f64 ? 1 : 0;
  const rowBytes = plan.enc.width * (plan.f64 ? 8 : 4);
  // A float32-angle context only holds frequencies and layout: the threads share it.
  streamTableRows(core, plan, outOp, outPtr, (dst, m, r0, pos, progress) => core.split('a32Table', m, plan.enc.width, MIN_GENERATE,
    (_t, a, n) => [ctx, dst + a * rowBytes, n, plan.start, r0 + a, pos && pos + a * 8, f], progress));
}
