// The short path of add/concat for small calls served from rows in module memory (cached or
// ranged rows, src.kind 'table'): one inline addTable/concatTable, operands used in place when
// they are module tensors, else copied through the scratch window. Threads would not split such
// a call (below MIN_STREAM elements), so the bits are those of the general driver.

import type { CombinePlan } from './plan.js';
import { arrayOf, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';
import { residentOf, Views } from '../runtime/small-io.js';

const inView = new Views();
const outView = new Views();

/** Calls up to this many result elements take the short path. */
export const SMALL_COMBINE = 65536;

const align16 = (n: number) => (n + 15) & ~15;

/** add/concat of a small plan whose table lives in module memory; false when it does not apply. */
export function combineSmall(core: WasmCoreLike, plan: CombinePlan, xOp: Operand, outOp: Operand): boolean {
  const src = plan.src;
  if (src.kind !== 'table') return false;
  const { op, batch, length, dimIn, width, f64, scale } = plan;
  const add = op === 'add';
  const outW = add ? dimIn : dimIn + width;
  const nIn = batch * length * dimIn;
  const nOut = batch * length * outW;
  if (nOut > SMALL_COMBINE || nOut === 0) return false;
  const bytes = f64 ? 8 : 4;
  const idx = src.rowIdx;
  // Addresses first (an allocation may grow memory, after which a view into it is detached and no
  // longer tells where it was), reading the memory's buffer (a getter that is not free) only for
  // plain arrays not met before.
  const tab = residentOf(core, src.table, 'options.encoding', op);
  if (tab < 0) return false;
  const xRes = residentOf(core, xOp, 'x', op);
  const oRes = residentOf(core, outOp, 'options.out', op);
  // Then the window: x's copy, out (add works in place on x's copy), the row indices.
  const xBytes = xRes < 0 ? align16(nIn * bytes) : 0;
  const oBytes = oRes < 0 && !(add && xRes < 0) ? align16(nOut * bytes) : 0;
  const iBytes = idx ? 4 * idx.length : 0;
  const win = xBytes + oBytes + iBytes > 0 ? core.window(xBytes + oBytes + iBytes + 16) : 0;
  let xp = xRes;
  if (xRes < 0) {
    xp = win;
    inView.get(core, win, nIn, f64).set(arrayOf(xOp));
  }
  const op2 = oRes >= 0 ? oRes : oBytes > 0 ? win + xBytes : xp;
  const ix = idx ? win + xBytes + oBytes : 0;
  if (idx) core.i32.set(idx, ix / 4);
  const idxBS = src.perBatch ? length : 0;
  const f = f64 ? 1 : 0;
  if (add) core.ex.addTable(tab, 0, xp, op2, batch, length, dimIn, length * dimIn, length * outW, src.rowStart, ix, idxBS, scale, f);
  else core.ex.concatTable(tab, 0, width, xp, op2, batch, length, dimIn, length * dimIn, length * outW, src.rowStart, ix, idxBS, f);
  if (oRes < 0) arrayOf(outOp).set(outView.get(core, op2, nOut, f64));
  return true;
}
