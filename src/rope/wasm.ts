// plan → assembly/rope.ts. A block of positions gets its cos/sin rows once (ropeTable), then
// every head (and every batch element when positions are shared) is rotated with them
// (ropeApply); multi-axis rotary builds its rows with ropeTableAxes from one context per axis.
// Operands in module memory are used in place; plain arrays stream through the scratch window in
// chunks of [heads block × positions block] rows. Chunks and threads never change results.

import type { RopePlan } from './plan.js';
import { a32Context } from '../sinusoidal/index.js';
import { Areas, arrayOf, MIN_GENERATE, MIN_STREAM, rangesText, sameMemory, sourceInOut, type Progress, type WasmCoreLike } from '../runtime/wasm-core-like.js';
import type { Operand } from '../runtime/backend.js';
import type { RopeRows } from './backend.js';
import { residentOf, Views } from '../runtime/small-io.js';
import { Tensor } from '../core/tensor.js';

const inView = new Views();
const outView = new Views();

const SLACK = 6 * 16;

const align16 = (n: number) => (n + 15) & ~15;

/** Elements per cos/sin row of ropeTable: [c_0 … c_{h−1} | s_0 … s_{h−1}] for both pairings. */
const rowElements = (plan: RopePlan) => plan.rotaryDim;

/**
 * How a plan's cos/sin rows are made: the contexts of its frequencies (per thread where a context
 * holds state), one f64 scratch row per thread (multi-axis: followed by that thread's context
 * pointers and the column → slot map), and the positions of a block of rows ([axes][m] f64).
 */
interface RowMaker {
  /** Bytes of one thread's scratch. */
  readonly scratchBytes: number;
  /** Position values per row (one per axis). */
  readonly axes: number;
  /** Writes thread t's context pointers into its scratch (multi-axis) and returns the kernel's arguments for rows [first, first + count) of a block. */
  args(t: number, scratch: number, tab: number, first: number, count: number, rowBase: number, pos: number, m: number): number[];
  /** Runs the row kernel over `count` rows (split over the threads). */
  readonly kernel: 'ropeTable' | 'ropeTableAxes';
}

function rowMaker(core: WasmCoreLike, plan: RopePlan): RowMaker {
  const h = plan.rotaryDim / 2;
  const f = plan.f64 ? 1 : 0;
  const af = plan.attentionFactor;
  const tRowBytes = rowElements(plan) * (plan.f64 ? 8 : 4);
  const rowScratch = align16(Math.max(16, 2 * h * 8));
  const axes = plan.axes;
  if (!axes) {
    // The h frequencies as one halves row [sin | cos] of 2h columns (f64 scratch of ropeTable).
    const enc = {
      kind: 'sinusoidal' as const, key: plan.key, freqs: plan.freqs, layout: 0, sinBase: 0, cosBase: h, nCos: h,
      width: 2 * h, zeroFrom: 2 * h, padPos: NaN, start: 0,
    };
    // float32Angles: one context for every thread (it holds only frequencies).
    const a32 = h > 0 && plan.f32Angles ? a32Context(core, enc) : 0;
    const ctx = h > 0 && !plan.f32Angles ? core.contexts(enc) : () => 0;
    return {
      scratchBytes: rowScratch, axes: 1, kernel: 'ropeTable',
      args: (t, scratch, tab, first, count, rowBase, pos) =>
        [ctx(t), a32, h, tab + first * tRowBytes, count, plan.start, rowBase + first, pos && pos + first * 8, af, f, scratch],
    };
  }
  // Multi-axis: one context per axis (per thread), writing its columns at its gathered slots.
  const n = axes.count;
  const inUse = n * core.threads;
  const encs = axes.freqs.map((fr, a) => ({
    kind: 'sinusoidal' as const, key: axes.keys[a], freqs: fr, layout: 0, sinBase: axes.slot[a], cosBase: h + axes.slot[a],
    nCos: fr.length, width: 2 * h, zeroFrom: 2 * h, padPos: NaN, start: 0,
  }));
  const a32 = plan.f32Angles ? encs.map((e, a) => a32Context(core, e, a)) : null;
  const ctxs = a32 ? null : encs.map((e) => core.contexts(e, inUse));
  const ctxBytes = align16(n * 4);
  const permBytes = axes.perm ? align16(h * 4) : 0;
  return {
    scratchBytes: rowScratch + ctxBytes + permBytes, axes: n, kernel: 'ropeTableAxes',
    args: (t, scratch, tab, first, count, rowBase, pos, m) => {
      const cp = scratch + rowScratch;
      core.i32.set(a32 ?? ctxs!.map((c) => c(t)), cp / 4);
      const perm = axes.perm ? cp + ctxBytes : 0;
      if (axes.perm) core.i32.set(axes.perm, perm / 4);
      return [cp, a32 ? 1 : 0, n, h, perm, tab + first * tRowBytes, count, plan.start, rowBase + first, pos && pos + first * 8, m, af, f, scratch];
    },
  };
}

/**
 * Calls up to this many elements with cached rows (decode steps) take the short path: one
 * inline ropeApply (threads would not split them anyway), nothing allocated but the window once.
 */
const SMALL = 65536;

/** Where a small call's operands are: byte addresses of x and out (−1: a plain array). */
interface Placement {
  xRes: number;
  oRes: number;
}

const placement: Placement = { xRes: -1, oRes: -1 };

/**
 * The addresses of x and out, taken before anything is allocated (an allocation may grow memory,
 * after which a view into it is detached and no longer tells where it was). Tensors and plain
 * arrays met before need no look at the memory's buffer (a getter that is not free).
 */
function place(core: WasmCoreLike, xOp: Operand, outOp: Operand): Placement {
  placement.xRes = residentOf(core, xOp, 'x', 'rope');
  placement.oRes = outOp === xOp ? placement.xRes : residentOf(core, outOp, 'options.out', 'rope');
  return placement;
}

/**
 * A small call with cached rows: x (copied into out, or into the window when out is a plain
 * array) rotated by one inline ropeApply. False when the rows are not in module memory.
 */
function ropeSmall(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand, rows: RopeRows): boolean {
  const tab = core.resident(rows.table, 'rows', 'rope');
  if (tab < 0) return false;
  const { batch, heads, length, headDim: D, f64 } = plan;
  if (batch === 0 || heads === 0 || length === 0 || D === 0) return true;
  const { xRes, oRes } = place(core, xOp, outOp);
  // Then the window (it may grow memory): out's data when out is a plain array, row indices.
  const idx = rows.idx;
  const data = oRes < 0 ? align16(batch * heads * length * D * (f64 ? 8 : 4)) : 0;
  const win = data > 0 || idx ? core.window(data + (idx ? 4 * idx.length : 0) + 16) : 0;
  return ropeApplySmall(core, plan, xOp, outOp, xRes, oRes, tab, rows.start, idx, win, data);
}

/**
 * One inline ropeApply of a small plan with its rows at `tab` (from row `start`, or gathered by
 * `idx`): x (copied into out, or into the window when out is a plain array) rotated into out.
 * xRes/oRes: from place(); `win`: the window (0 when neither a data area nor indices are needed),
 * `data`: bytes of its data area (the indices follow it).
 */
function ropeApplySmall(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand, xRes: number, oRes: number, tab: number, start: number, idx: Int32Array | null, win: number, data: number): boolean {
  const { batch, heads, length, headDim: D, rotaryDim: rd, f64, blhd, perBatch } = plan;
  const bytes = f64 ? 8 : 4;
  const n = batch * heads * length * D;
  let src = xRes;
  let dst = oRes;
  if (oRes >= 0) {
    if (xRes < 0) {
      inView.get(core, oRes, n, f64).set(arrayOf(xOp));
      src = oRes;
    }
  } else {
    dst = win;
    if (xRes < 0) {
      inView.get(core, win, n, f64).set(arrayOf(xOp));
      src = win;
    }
  }
  const ix = idx ? win + data : 0;
  if (idx) core.i32.set(idx, ix / 4);
  const BS = heads * length * D;
  const HS = blhd ? D : length * D;
  const LS = blhd ? heads * D : D;
  const t0 = idx ? tab : tab + start * rd * bytes;
  core.ex.ropeApply(t0, idx || !perBatch ? 0 : length, ix, perBatch ? length : 0, src, dst, batch, heads, length, BS, HS, LS, BS, HS, LS, D, rd, plan.interleaved ? 1 : 0, f64 ? 1 : 0);
  if (oRes < 0) arrayOf(outOp).set(outView.get(core, win, n, f64));
  return true;
}

/** The sinusoidal-context layout of a 1-D plan's frequencies (one object per frequency array: the context cache's key lookup stays cheap). */
const encodings = new WeakMap<Float64Array, { kind: 'sinusoidal'; key: string; freqs: Float64Array; layout: number; sinBase: number; cosBase: number; nCos: number; width: number; zeroFrom: number; padPos: number; start: number }>();

/**
 * A small 1-D call without cached rows (a position beyond the ranged rows, a fractional one, no
 * cache): its rows are generated by one inline ropeTable into the window (the kernel of the
 * general path, hence the same bits), then rotated by ropeSmall's short path.
 */
function ropeSmallGenerated(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand): boolean {
  if (plan.axes || plan.rotaryDim === 0) return false;
  const { batch, heads, length, headDim: D, rotaryDim: rd, f64, perBatch, positions } = plan;
  if (batch === 0 || heads === 0 || length === 0 || D === 0) return true;
  const { xRes, oRes } = place(core, xOp, outOp);
  // Then what may allocate (grow memory): the frequency context, the window.
  const h = rd / 2;
  let enc = encodings.get(plan.freqs);
  if (!enc || enc.key !== plan.key) {
    enc = { kind: 'sinusoidal', key: plan.key, freqs: plan.freqs, layout: 0, sinBase: 0, cosBase: h, nCos: h, width: 2 * h, zeroFrom: 2 * h, padPos: NaN, start: 0 };
    encodings.set(plan.freqs, enc);
  }
  const a32 = plan.f32Angles ? a32Context(core, enc) : 0;
  const ctx = plan.f32Angles ? 0 : core.context(enc);
  const bytes = f64 ? 8 : 4;
  const nRows = perBatch ? batch * length : length;
  // Window: [out's data when out is a plain array | rows | positions | scratch].
  const data = oRes < 0 ? align16(batch * heads * length * D * bytes) : 0;
  const rowsBytes = align16(nRows * rd * bytes);
  const posBytes = positions ? align16(nRows * 8) : 0;
  const scratchBytes = align16(Math.max(16, 2 * h * 8));
  const win = core.window(data + rowsBytes + posBytes + scratchBytes + 16);
  const tab = win + data;
  const pos = positions ? tab + rowsBytes : 0;
  if (positions) core.f64.set(positions.subarray(0, nRows), pos / 8);
  core.ex.ropeTable(ctx, a32, h, tab, nRows, plan.start, 0, pos, plan.attentionFactor, f64 ? 1 : 0, tab + rowsBytes + posBytes);
  return ropeApplySmall(core, plan, xOp, outOp, xRes, oRes, tab, 0, null, win, data);
}

/** Copies the positions of rows [r0, r0 + mm) (row = b·length + l, or l) of every axis to pos ([axes][m] f64). */
function copyPositions(core: WasmCoreLike, plan: RopePlan, pos: number, m: number, r0: number, mm: number): void {
  const positions = plan.positions;
  if (!positions) return;
  const n = plan.axes ? plan.axes.count : 1;
  const stride = plan.axes ? plan.axes.stride : 0;
  for (let a = 0; a < n; a++) core.f64.set(positions.subarray(a * stride + r0, a * stride + r0 + mm), pos / 8 + a * m);
}

/** Elements and dtype of a plan's ropeTable rows (one per position, per batch element when perBatch). */
export function ropeRowsShapeWasm(plan: RopePlan): { length: number; dtype: 'float32' | 'float64' } {
  return { length: (plan.perBatch ? plan.batch : 1) * plan.length * rowElements(plan), dtype: plan.f64 ? 'float64' : 'float32' };
}

/** Writes every ropeTable row of a plan into `rowsOp` (a module tensor of ropeRowsShapeWasm). */
export function ropeRowsWasm(core: WasmCoreLike, plan: RopePlan, rowsOp: Operand): void {
  const tab = core.resident(rowsOp, 'rows', 'rope');
  const maker = rowMaker(core, plan);
  const n = (plan.perBatch ? plan.batch : 1) * plan.length;
  const T = core.threads;
  const positions = plan.positions;
  const posRow = 8 * maker.axes;
  const m = positions ? Math.max(1, Math.min(n, Math.floor((core.windowBytes - T * maker.scratchBytes - SLACK) / posRow))) : n;
  const areas = new Areas(core.window((positions ? m * posRow : 0) + T * maker.scratchBytes + SLACK));
  const scratch = areas.take(T * maker.scratchBytes);
  const pos = positions ? areas.take(m * posRow) : 0;
  for (let r0 = 0; r0 < n; r0 += m) {
    const mm = Math.min(m, n - r0);
    copyPositions(core, plan, pos, m, r0, mm);
    core.split(maker.kernel, mm, rowElements(plan), MIN_GENERATE, (t, a, k) =>
      maker.args(t, scratch + t * maker.scratchBytes, tab + r0 * rowElements(plan) * (plan.f64 ? 8 : 4), a, k, r0, pos, m));
  }
}

/**
 * `rows`: cached rows serving the plan (contiguous from rows.start, or gathered by rows.idx), else
 * they are generated block by block.
 */
export function ropeWasm(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand, rows: RopeRows | null = null): void {
  // The short paths first, outside ropeGeneral (whose closures would be allocated on entry).
  if (plan.batch * plan.heads * plan.length * plan.headDim <= SMALL) {
    if (rows ? ropeSmall(core, plan, xOp, outOp, rows) : ropeSmallGenerated(core, plan, xOp, outOp)) return;
  }
  ropeGeneral(core, plan, xOp, outOp, rows);
}

function ropeGeneral(core: WasmCoreLike, plan: RopePlan, xOp: Operand, outOp: Operand, rows: RopeRows | null): void {
  const { batch, heads, length, headDim: D, rotaryDim: rd, f64, blhd, perBatch, positions } = plan;
  if (batch === 0 || heads === 0 || length === 0 || D === 0) return;
  const bytes = f64 ? 8 : 4;
  const f = f64 ? 1 : 0;
  const il = plan.interleaved ? 1 : 0;
  // Addresses of resident operands first: later allocations may grow (and detach) memory.
  const xRes = core.resident(xOp, 'x', 'rope');
  const oRes = core.resident(outOp, 'options.out', 'rope');
  // What a worker's death leaves in the output (see Progress): x when the caller passed x as out.
  const dest = (xRes >= 0 ? xRes === oRes : oRes < 0 && sameMemory(xOp, outOp)) ? 'x' : 'out';
  const elements = (lo: number, hi: number) => (hi - lo === 1 ? `batch element ${lo}` : `batch elements ${lo}–${hi - 1}`);
  const join = (...parts: string[]) => parts.filter(Boolean).join(' and ');
  /** Progress of a block: its rows are positions l0 + split row of `of`; its cos/sin rows are made first (scratch). */
  const progress = (before: string, l0: number, of: string, direct: boolean): Progress => ({
    dest, direct, before, rows: (rg) => `positions ${rangesText(rg, l0)} of ${of}`,
  });
  const cached = rows ? core.resident(rows.table, 'rows', 'rope') : -1;
  const idx = cached >= 0 ? rows!.idx : null;
  const maker = cached >= 0 ? null : rowMaker(core, plan);
  const tRowBytes = rowElements(plan) * bytes;
  // The first cached row (contiguous rows) and the table stride of a batch element.
  const t0 = cached >= 0 ? cached + rows!.start * tRowBytes : 0;
  const idxBS = perBatch ? length : 0;
  // Per position in the window: its table row and positions (one per axis), unless the rows are
  // cached; its row index when they are gathered.
  const posRow = maker ? 8 * maker.axes : 0;
  const tBlock = maker ? tRowBytes + (positions ? posRow : 0) : idx ? 4 * (perBatch ? batch : 1) : 0;
  // One scratch per thread.
  const sBytes = maker ? maker.scratchBytes : 0;
  const scratchBytes = core.threads * sBytes;
  // Element strides of the whole tensor.
  const BS = heads * length * D;
  const HS = blhd ? D : length * D;
  const LS = blhd ? heads * D : D;
  const budget = core.windowBytes - SLACK - scratchBytes;
  const nB = perBatch ? batch : 1;
  const posAt = (b: number, l: number) => (perBatch ? b * length : 0) + l;
  /** The table rows of positions l0 … l0 + mm − 1 of batch element b (cached, or made in `tab`). */
  const rowsAt = (b: number, l0: number, mm: number, tab: number, pos: number, m: number, scratch: number, before: string) => {
    if (!maker) return t0 + posAt(b, l0) * tRowBytes;
    copyPositions(core, plan, pos, m, posAt(b, l0), mm);
    core.split(maker.kernel, mm, rowElements(plan), MIN_GENERATE, (t, a, k) => maker.args(t, scratch + t * sBytes, tab, a, k, l0, pos, m), progress(before, l0, '', false));
    return tab;
  };
  /** Row indices of positions l0 … l0 + mm − 1 (every batch element's when perBatch, [b][mm]) into `at`. */
  const idxAt = (l0: number, mm: number, at: number) => {
    const i32 = core.i32;
    for (let b = 0; b < nB; b++) i32.set(idx!.subarray(b * length + l0, b * length + l0 + mm), at / 4 + b * mm);
  };

  if (oRes >= 0) {
    // out lives in module memory: rotate x (or a copy of it in out) straight into it.
    const src = sourceInOut(core, xOp, xRes, oRes, f64);
    // Positions split over the threads: a row offset moves x, out and the table; strides stay.
    const apply = (tt: number, tBS: number, ix: number, ixBS: number, s0: number, o0: number, nb: number, rows: number, p: Progress) =>
      core.split('ropeApply', rows, nb * heads * D, MIN_STREAM, (_t, a, k) =>
        [ix ? tt : tt + a * tRowBytes, tBS, ix && ix + a * 4, ixBS, s0 + a * LS * bytes, o0 + a * LS * bytes, nb, heads, k, BS, HS, LS, BS, HS, LS, D, rd, il, f], p);
    if (cached >= 0 && !idx) {
      apply(t0, perBatch ? length : 0, 0, 0, src, oRes, batch, length, progress('', 0, 'every head and batch element', true));
      return;
    }
    if (idx && idx.length * 4 <= budget) {
      const at = core.window(idx.length * 4 + SLACK);
      core.i32.set(idx, at / 4);
      apply(cached, 0, at, idxBS, src, oRes, batch, length, progress('', 0, 'every head and batch element', true));
      return;
    }
    const m = Math.max(1, Math.min(length, Math.floor(budget / tBlock)));
    const areas = new Areas(core.window(m * tBlock + scratchBytes + SLACK));
    const tab = maker ? areas.take(m * tRowBytes) : 0;
    const pos = maker && positions ? areas.take(m * posRow) : 0;
    const ix = idx ? areas.take(m * 4 * nB) : 0;
    const scratch = areas.take(scratchBytes);
    for (let l0 = 0; l0 < length; l0 += m) {
      const mm = Math.min(m, length - l0);
      if (idx) {
        idxAt(l0, mm, ix);
        const e = l0 * LS;
        apply(cached, 0, ix, perBatch ? mm : 0, src + e * bytes, oRes + e * bytes, batch, mm,
          progress(l0 > 0 ? `positions 0–${l0 - 1} of every head and batch element` : '', l0, 'every head and batch element', true));
        continue;
      }
      for (let b0 = 0; b0 < nB; b0++) {
        const of = `every head of ${perBatch ? elements(b0, b0 + 1) : 'every batch element'}`;
        const before = join(l0 > 0 ? `positions 0–${l0 - 1} of every head and batch element` : '', b0 > 0 ? `positions ${l0}–${l0 + mm - 1} of ${elements(0, b0)}` : '');
        const t = rowsAt(b0, l0, mm, tab, pos, m, scratch, before);
        const e = (perBatch ? b0 * BS : 0) + l0 * LS;
        apply(t, 0, 0, 0, src + e * bytes, oRes + e * bytes, perBatch ? 1 : batch, mm, progress(before, l0, of, true));
      }
    }
    return;
  }

  // out is a plain array: chunks of one batch element × hh heads × m positions through the window.
  const rowB = D * bytes;
  let m = Math.max(1, Math.min(length, Math.floor(budget / 4 / (tBlock > 0 ? tBlock : rowB))));
  let hh = Math.min(heads, Math.floor((budget - m * tBlock) / (m * rowB)));
  if (hh < 1) {
    hh = 1;
    m = Math.max(1, Math.min(length, Math.floor(budget / (rowB + tBlock))));
  }
  const win = core.window(m * (hh * rowB + tBlock) + scratchBytes + SLACK);
  const areas = new Areas(win);
  const data = areas.take(hh * m * rowB);
  const tab = maker ? areas.take(m * tRowBytes) : 0;
  const pos = maker && positions ? areas.take(m * posRow) : 0;
  const ix = idx ? areas.take(m * 4 * nB) : 0;
  const scratch = maker ? areas.take(scratchBytes) : 0;
  const heap = core.heap(f64);
  const X = xRes >= 0 ? heap : arrayOf(xOp);
  const xBase = xRes >= 0 ? xRes / bytes : 0;
  const O = arrayOf(outOp);
  const d0 = data / bytes;
  let t = 0;
  for (let l0 = 0; l0 < length; l0 += m) {
    const mm = Math.min(m, length - l0);
    if (idx) idxAt(l0, mm, ix);
    for (let b = 0; b < batch; b++) {
      const done = (h0: number) => join(
        l0 > 0 ? `positions 0–${l0 - 1} of every head and batch element` : '',
        b > 0 ? `positions ${l0}–${l0 + mm - 1} of every head of ${elements(0, b)}` : '',
        h0 > 0 ? `positions ${l0}–${l0 + mm - 1} of heads 0–${h0 - 1} of ${elements(b, b + 1)}` : '');
      if (!idx && (b === 0 || perBatch)) t = rowsAt(b, l0, mm, tab, pos, m, scratch, done(0));
      // Gathered rows: this batch element's indices.
      const ib = idx ? ix + (perBatch ? b * mm * 4 : 0) : 0;
      for (let h0 = 0; h0 < heads; h0 += hh) {
        const hc = Math.min(hh, heads - h0);
        const base = b * BS + h0 * HS + l0 * LS;
        // Window layout: [hc][mm][D] for 'bhld', [mm][hc][D] for 'blhd'.
        const wHS = blhd ? D : mm * D;
        const wLS = blhd ? hc * D : D;
        if (blhd) {
          for (let r = 0; r < mm; r++) {
            const s = base + r * LS;
            heap.set(X.subarray(xBase + s, xBase + s + hc * D), d0 + r * wLS);
          }
        } else {
          for (let j = 0; j < hc; j++) {
            const s = base + j * HS;
            heap.set(X.subarray(xBase + s, xBase + s + mm * D), d0 + j * wHS);
          }
        }
        const tt = idx ? cached : t;
        core.split('ropeApply', mm, hc * D, MIN_STREAM, (_t, a, k) =>
          [ib ? tt : tt + a * tRowBytes, 0, ib && ib + a * 4, 0, data + a * wLS * bytes, data + a * wLS * bytes, 1, hc, k, 0, wHS, wLS, 0, wHS, wLS, D, rd, il, f], progress(done(h0), l0, '', false));
        if (blhd) {
          for (let r = 0; r < mm; r++) O.set(heap.subarray(d0 + r * wLS, d0 + r * wLS + hc * D), base + r * LS);
        } else {
          for (let j = 0; j < hc; j++) O.set(heap.subarray(d0 + j * wHS, d0 + j * wHS + mm * D), base + j * HS);
        }
      }
    }
  }
}
