// plan → assembly/angles32.ts: float32-angle contexts (cached per core) and the table driver for
// float32Angles encodings (the same chunking as the wasm backend's table()).

import type { SinEncoding, TablePlan } from '../plan.js';
import { streamTableRows, type WasmCoreLike } from './core-like.js';
import type { Operand } from './types.js';

const MAX_CONTEXTS = 32;
/** Bytes of cached contexts kept beyond the two most recent (as the exact contexts' cache). */
const MAX_CONTEXT_BYTES = 64 * 2 ** 20;
const KEEP_RECENT = 2;

interface Cache {
  /** enc.key → [context address, bytes], least recently used first. */
  readonly m: Map<string, [number, number]>;
  bytes: number;
}
const caches = new WeakMap<object, Cache>();

/** The fields of an encoding that a float32-angle context holds. */
export type A32Layout = Pick<SinEncoding, 'key' | 'freqs' | 'layout' | 'sinBase' | 'cosBase' | 'nCos' | 'width' | 'zeroFrom' | 'padPos'>;

/** Frees least recently used contexts beyond `keep` while over the count or byte limit. */
function evict(core: WasmCoreLike, c: Cache, keep: number, maxBytes: number): void {
  while (c.m.size > keep && (c.m.size > MAX_CONTEXTS || c.bytes > maxBytes)) {
    const [oldKey, [oldCtx, oldBytes]] = c.m.entries().next().value as [string, [number, number]];
    c.m.delete(oldKey);
    c.bytes -= oldBytes;
    core.ex.ctxFree(oldCtx);
  }
}

/** The compiled float32-angle context of an encoding (least recently used evicted). */
export function a32Context(core: WasmCoreLike, enc: A32Layout): number {
  let c = caches.get(core);
  if (!c) caches.set(core, (c = { m: new Map(), bytes: 0 }));
  const hit = c.m.get(enc.key);
  if (hit !== undefined) {
    c.m.delete(enc.key);
    c.m.set(enc.key, hit);
    return hit[0];
  }
  const ex = core.ex;
  let ctx: number;
  try {
    ctx = ex.a32New(enc.freqs.length);
  } catch {
    // Memory is full: drop the cached contexts and retry once.
    evict(core, c, 0, 0);
    try {
      ctx = ex.a32New(enc.freqs.length);
    } catch {
      throw new RangeError(`posenc: the module's memory cannot hold the frequencies of dim ${enc.width}`);
    }
  }
  core.f64.set(enc.freqs, ex.ctxOmega(ctx) / 8);
  ex.ctxLayout(ctx, enc.layout, enc.sinBase, enc.cosBase, enc.nCos, enc.width, enc.zeroFrom, enc.padPos);
  const bytes = 96 + Math.max(enc.freqs.length, 1) * 8;
  c.m.set(enc.key, [ctx, bytes]);
  c.bytes += bytes;
  evict(core, c, KEEP_RECENT, MAX_CONTEXT_BYTES);
  return ctx;
}

/** The wasm backends' table() for a float32-angle encoding. */
export function tableF32AnglesWasm(core: WasmCoreLike, plan: TablePlan, outOp: Operand): void {
  if (plan.rows === 0) return;
  const outPtr = core.resident(outOp, 'options.out', 'sinusoidal');
  const ctx = a32Context(core, plan.enc);
  const f = plan.f64 ? 1 : 0;
  streamTableRows(core, plan, outOp, outPtr, (dst, m, r0, pos) => core.ex.a32Table(ctx, dst, m, plan.start, r0, pos, f));
}
