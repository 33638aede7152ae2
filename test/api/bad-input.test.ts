// Bad input across every public function (extends test/errors.test.ts, which has the first 79
// cases): each wrong call throws the documented TypeError/RangeError with the parameter in the
// message, every array the caller owns (plain, SharedArrayBuffer, module tensors) is
// byte-identical afterwards, and the instance keeps working (same bits as before the call).
// Then a fuzz property: random malformed calls never throw anything else, never write into the
// caller's arrays when they throw, and never break the instance. Finally, sizes that no backend
// can compute must be refused at once, in a child process (they must not hang or exhaust memory).
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initSync, type FloatArray, type ModuleTensor, type Posenc } from '../../src/index.js';
import type { BackendName } from '../../src/api/types.js';
import { describeBackends, firstByteDiff } from '../support/backends.js';
import { bundlePosenc, type Bundle } from '../support/bundle.js';

function detach<T extends ArrayBufferView>(a: T): T {
  structuredClone(a.buffer, { transfer: [a.buffer as ArrayBuffer] });
  return a;
}

/** Everything a case may pass; all of it must be byte-identical after a rejected call. */
interface Arena {
  x: Float32Array; // [2, 3, 4]
  x64: Float64Array; // [2, 3, 4]
  out: Float32Array; // 10: the wrong size for everything
  table: Float32Array; // 16 × 4
  shared: Float32Array; // 24, in a SharedArrayBuffer, at byteOffset 8
  positions: Float64Array; // 3
  tokens: Int32Array; // [2, 3]
  q: Float32Array; // rope [1, 2, 3, 4]
  t24: ModuleTensor; // module tensor of 24 float32
  t64: ModuleTensor; // module tensor of 24 float64
  freed: ModuleTensor; // freed
  /** A view into a freed tensor's memory (wasm: refused; js: an ordinary array). */
  stale: Float32Array;
}

function makeArena(pe: Posenc): Arena {
  const fill = <A extends FloatArray>(a: A, k: number): A => {
    for (let i = 0; i < a.length; i++) a[i] = (i + k) / 7 - 1;
    return a;
  };
  const sharedBuf = new SharedArrayBuffer(4 * 30);
  const t24 = pe.alloc(24);
  fill(t24.array, 3);
  const t64 = pe.alloc(24, 'float64');
  fill(t64.array, 4);
  const freed = pe.alloc(24);
  const stale = freed.array as Float32Array;
  freed.free();
  return {
    x: fill(new Float32Array(24), 0),
    x64: fill(new Float64Array(24), 1),
    out: fill(new Float32Array(10), 2),
    table: fill(new Float32Array(64), 5),
    shared: fill(new Float32Array(sharedBuf, 8, 24), 6),
    positions: Float64Array.of(0, 1, 2),
    tokens: Int32Array.of(5, 6, 1, 7, 1, 1),
    q: fill(new Float32Array(24), 7),
    t24,
    t64,
    freed,
    stale,
  };
}

/** Copies of every array's bytes (module tensors through fresh views). */
function snapshot(a: Arena): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(a)) {
    if (k === 'freed' || k === 'stale') continue;
    const view = ArrayBuffer.isView(v) ? v : (v as ModuleTensor).array;
    m.set(k, new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice());
  }
  return m;
}

function changed(a: Arena, before: Map<string, Uint8Array>): string[] {
  const now = snapshot(a);
  return [...before].filter(([k, bytes]) => firstByteDiff(bytes, now.get(k)!) !== -1).map(([k]) => k);
}

interface Case {
  name: string;
  type: typeof TypeError | typeof RangeError;
  /** Text the message must contain: the parameter's name. */
  param: string;
  call: (pe: Posenc, a: Arena) => unknown;
  /** Only on these backends (e.g. views into freed module memory are refused by wasm only). */
  only?: BackendName[];
}

const S = [2, 3, 4];
const SEQ = { shape: [2, 3] };
const cases: Case[] = [
  // ---- sinusoidal
  { name: 'options null', type: TypeError, param: 'options', call: (pe) => pe.sinusoidal(null as never) },
  { name: 'length NaN', type: RangeError, param: 'options.length', call: (pe) => pe.sinusoidal({ length: NaN, dim: 4 }) },
  { name: 'length Infinity', type: RangeError, param: 'options.length', call: (pe) => pe.sinusoidal({ length: Infinity, dim: 4 }) },
  { name: 'length a string', type: TypeError, param: 'options.length', call: (pe) => pe.sinusoidal({ length: '3' as never, dim: 4 }) },
  { name: 'length a bigint', type: TypeError, param: 'options.length', call: (pe) => pe.sinusoidal({ length: 3n as never, dim: 4 }) },
  { name: 'dim -Infinity', type: RangeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: -Infinity }) },
  { name: 'float64 table of 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.sinusoidal({ length: 2 ** 29, dim: 1, dtype: 'float64' }) },
  { name: 'offset Infinity', type: RangeError, param: 'options.offset', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, offset: Infinity }) },
  { name: 'offset a string', type: TypeError, param: 'options.offset', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, offset: '1' as never }) },
  { name: 'positions with NaN', type: RangeError, param: 'options.positions[2]', call: (pe) => pe.sinusoidal({ dim: 4, positions: [0, 1, NaN] }) },
  { name: 'positions with -Infinity (typed)', type: RangeError, param: 'options.positions[0]', call: (pe) => pe.sinusoidal({ dim: 4, positions: Float64Array.of(-Infinity) }) },
  { name: 'positions a BigInt64Array', type: TypeError, param: 'options.positions', call: (pe) => pe.sinusoidal({ dim: 4, positions: new BigInt64Array(2) as never }) },
  { name: 'positions detached', type: TypeError, param: 'options.positions', call: (pe) => pe.sinusoidal({ dim: 4, positions: detach(new Float64Array(2)) }) },
  { name: 'positions a freed module tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.sinusoidal({ dim: 4, positions: a.freed as never }) },
  { name: 'positions a string', type: TypeError, param: 'options.positions', call: (pe) => pe.sinusoidal({ dim: 4, positions: '012' as never }) },
  { name: 'minTimescale 0', type: RangeError, param: 'options.minTimescale', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, preset: 'tensor2tensor', minTimescale: 0 }) },
  { name: 'maxTimescale Infinity', type: RangeError, param: 'options.maxTimescale', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, preset: 'tensor2tensor', maxTimescale: Infinity }) },
  { name: 'base negative', type: RangeError, param: 'options.base', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, base: -10000 }) },
  { name: 'paddingIdx negative', type: RangeError, param: 'options.paddingIdx', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, preset: 'fairseq', paddingIdx: -1 }) },
  { name: 'paddingIdx a string', type: TypeError, param: 'options.paddingIdx', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, preset: 'fairseq', paddingIdx: '1' as never }) },
  { name: 'omega NaN on seed', type: RangeError, param: 'options.omega', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, preset: 'seed', omega: NaN }) },
  { name: 'layout a number', type: TypeError, param: 'options.layout', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, layout: 1 as never }) },
  { name: 'unknown odd policy', type: RangeError, param: 'options.odd', call: (pe) => pe.sinusoidal({ length: 3, dim: 7, odd: 'even' as never }) },
  { name: 'dtype a number', type: TypeError, param: 'options.dtype', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, dtype: 64 as never }) },
  { name: 'float32Angles a string', type: TypeError, param: 'options.float32Angles', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, float32Angles: 'yes' as never }) },
  { name: 'paddingIdx on seed', type: TypeError, param: 'options.paddingIdx', call: (pe) => pe.sinusoidal({ length: 3, dim: 8, preset: 'seed', paddingIdx: 1 }) },
  { name: 'out in a SharedArrayBuffer, wrong size', type: RangeError, param: 'options.out', call: (pe, a) => pe.sinusoidal({ length: 2, dim: 4, out: a.shared }) },
  { name: 'out a module tensor of the wrong dtype', type: TypeError, param: 'options.out', call: (pe, a) => pe.sinusoidal({ length: 6, dim: 4, out: a.t64 }) },
  { name: 'out a freed module tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.sinusoidal({ length: 6, dim: 4, out: a.freed }) },
  { name: 'out a view into freed module memory', type: TypeError, param: 'options.out', only: ['wasm-simd', 'wasm'], call: (pe, a) => pe.sinusoidal({ length: 6, dim: 4, out: a.stale }) },
  { name: 'out an Int32Array', type: TypeError, param: 'options.out', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, out: new Int32Array(8) as never }) },
  { name: 'out a DataView', type: TypeError, param: 'options.out', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, out: new DataView(new ArrayBuffer(32)) as never }) },
  // frequencies: checked before the table is written, out included
  { name: 'frequencies of the wrong length', type: RangeError, param: 'options.frequencies.length', call: (pe, a) => pe.sinusoidal({ length: 2, dim: 4, frequencies: [1, 0.1, 0.01], out: a.x.subarray(0, 8) }) },
  { name: 'frequencies with NaN', type: RangeError, param: 'options.frequencies[1]', call: (pe, a) => pe.sinusoidal({ length: 2, dim: 4, frequencies: [1, NaN], out: a.x.subarray(0, 8) }) },
  { name: 'frequencies with Infinity (typed)', type: RangeError, param: 'options.frequencies[0]', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, frequencies: Float32Array.of(Infinity, 1) }) },
  { name: 'frequencies beyond float32 with float32Angles', type: RangeError, param: 'options.frequencies[0]', call: (pe, a) => pe.sinusoidal({ length: 2, dim: 4, frequencies: [1e39, 1], float32Angles: true, out: a.x.subarray(0, 8) }) },
  { name: 'frequencies a string', type: TypeError, param: 'options.frequencies', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, frequencies: '1,2' as never }) },
  { name: 'frequencies an Int32Array', type: TypeError, param: 'options.frequencies', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, frequencies: Int32Array.of(1, 2) as never }) },
  { name: 'frequencies a module tensor', type: TypeError, param: 'options.frequencies', call: (pe, a) => pe.sinusoidal({ length: 2, dim: 48, frequencies: a.t24 as never }) },
  { name: 'frequencies detached', type: TypeError, param: 'options.frequencies', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, frequencies: detach(new Float64Array(2)) }) },
  { name: 'frequencies with a string entry', type: TypeError, param: 'options.frequencies[1]', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, frequencies: [1, '2'] as never }) },
  { name: 'frequencies beside base', type: TypeError, param: 'options.base cannot be combined with options.frequencies', call: (pe, a) => pe.sinusoidal({ length: 2, dim: 4, base: 100, frequencies: [1, 0.1], out: a.x.subarray(0, 8) }) },
  { name: 'frequencies beside schedule', type: TypeError, param: 'options.schedule cannot be combined with options.frequencies', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, schedule: 'paper', frequencies: [1, 0.1] }) },
  { name: 'frequencies beside minTimescale', type: TypeError, param: 'options.minTimescale cannot be combined with options.frequencies', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, preset: 'tensor2tensor', minTimescale: 2, frequencies: [1, 0.1] }) },
  { name: 'frequencies beside omega (seed)', type: TypeError, param: 'options.omega cannot be combined with options.frequencies', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, preset: 'seed', omega: 2, frequencies: [1] }) },
  { name: 'frequencies of seed of length 2', type: RangeError, param: 'options.frequencies.length', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, preset: 'seed', frequencies: [1, 2] }) },
  // ---- add
  { name: 'add: options null', type: TypeError, param: 'options', call: (pe, a) => pe.add(a.x, null as never) },
  { name: 'add: x a DataView', type: TypeError, param: 'x', call: (pe) => pe.add(new DataView(new ArrayBuffer(96)) as never, { shape: S }) },
  { name: 'add: x a BigInt64Array', type: TypeError, param: 'x', call: (pe) => pe.add(new BigInt64Array(24) as never, { shape: S }) },
  { name: 'add: x a Uint8Array', type: TypeError, param: 'x', call: (pe) => pe.add(new Uint8Array(24) as never, { shape: S }) },
  { name: 'add: x null', type: TypeError, param: 'x', call: (pe) => pe.add(null as never, { shape: S }) },
  { name: 'add: x a freed module tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.add(a.freed, { shape: S }) },
  { name: 'add: x a view into freed module memory', type: TypeError, param: 'x', only: ['wasm-simd', 'wasm'], call: (pe, a) => pe.add(a.stale, { shape: S }) },
  { name: 'add: shared x, shape disagrees', type: RangeError, param: 'options.shape', call: (pe, a) => pe.add(a.shared, { shape: [2, 3, 5] }) },
  { name: 'add: module tensor x, shape disagrees', type: RangeError, param: 'options.shape', call: (pe, a) => pe.add(a.t24, { shape: [5, 5] }) },
  { name: 'add: shape a number', type: TypeError, param: 'options.shape', call: (pe, a) => pe.add(a.x, { shape: 24 as never }) },
  { name: 'add: shape with a fraction', type: RangeError, param: 'options.shape[2]', call: (pe, a) => pe.add(a.x, { shape: [2, 3, 4.5] }) },
  { name: 'add: shape with Infinity', type: RangeError, param: 'options.shape[0]', call: (pe, a) => pe.add(a.x, { shape: [Infinity, 3, 4] }) },
  { name: 'add: shape typed, with NaN', type: RangeError, param: 'options.shape[1]', call: (pe, a) => pe.add(a.x, { shape: Float64Array.of(2, NaN, 4) as never }) },
  { name: 'add: shape a detached typed array', type: TypeError, param: 'options.shape', call: (pe, a) => pe.add(a.x, { shape: detach(Int32Array.of(2, 3, 4)) as never }) },
  { name: 'add: shape a BigInt64Array', type: TypeError, param: 'options.shape[0]', call: (pe, a) => pe.add(a.x, { shape: BigInt64Array.of(2n, 3n, 4n) as never }) },
  { name: 'add: shape of rank 0', type: RangeError, param: 'options.shape', call: (pe, a) => pe.add(a.x, { shape: [] }) },
  { name: 'add: float64 shape of 2^32 bytes', type: RangeError, param: '2^32', call: (pe, a) => pe.add(a.x64, { shape: [2 ** 15, 2 ** 14, 1] }) },
  { name: 'add: scale -Infinity', type: RangeError, param: 'options.scale', call: (pe, a) => pe.add(a.x, { shape: S, scale: -Infinity }) },
  { name: 'add: scale null', type: TypeError, param: 'options.scale', call: (pe, a) => pe.add(a.x, { shape: S, scale: null as never }) },
  { name: 'add: out a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.add(a.x, { shape: S, out: a.freed }) },
  { name: 'add: out partially overlapping a shared x', type: RangeError, param: 'overlaps', call: (pe, a) => pe.add(a.shared.subarray(0, 12), { shape: [1, 3, 4], out: a.shared.subarray(2, 14) }) },
  { name: 'add: out partially overlapping a module-tensor x', type: RangeError, param: 'overlaps', call: (pe, a) => pe.add(a.t24.array.subarray(0, 12), { shape: [1, 3, 4], out: a.t24.array.subarray(4, 16) }) },
  { name: 'add: out a float64 tensor for float32 x', type: TypeError, param: 'options.out', call: (pe, a) => pe.add(a.t24, { shape: S, out: a.t64 }) },
  { name: 'add: positions with NaN', type: RangeError, param: 'options.positions[1]', call: (pe, a) => pe.add(a.x, { shape: S, positions: [0, NaN, 2] }) },
  { name: 'add: per-batch positions of the wrong length', type: RangeError, param: 'options.positions', call: (pe, a) => pe.add(a.x, { shape: S, positions: [0, 1, 2, 3, 4] }) },
  { name: 'add: positions in options and encoding', type: TypeError, param: 'positions', call: (pe, a) => pe.add(a.x, { shape: S, positions: a.positions, encoding: { positions: [1, 2, 3] } }) },
  { name: 'add: offset and positions in encoding', type: TypeError, param: 'offset', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { offset: 1, positions: [1, 2, 3] } }) },
  { name: 'add: unknown encoding option', type: TypeError, param: 'options.encoding.lenght', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { lenght: 3 } as never }) },
  { name: 'add: encoding dtype disagrees with x', type: TypeError, param: 'options.encoding.dtype', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { dtype: 'float64' } }) },
  { name: 'add: encoding null', type: TypeError, param: 'options.encoding', call: (pe, a) => pe.add(a.x, { shape: S, encoding: null as never }) },
  { name: 'add: table position negative', type: RangeError, param: 'options.positions[0]', call: (pe, a) => pe.add(a.x, { shape: S, encoding: a.table, positions: [-1, 0, 1] }) },
  { name: 'add: table position Infinity', type: RangeError, param: 'options.positions[2]', call: (pe, a) => pe.add(a.x, { shape: S, encoding: a.table, positions: [0, 1, Infinity] }) },
  { name: 'add: table offset fractional', type: RangeError, param: 'options.offset', call: (pe, a) => pe.add(a.x, { shape: S, encoding: a.table, offset: 0.5 }) },
  { name: 'add: table past its last row (per-batch positions)', type: RangeError, param: 'options.positions[5]', call: (pe, a) => pe.add(a.x, { shape: S, encoding: a.table, positions: [0, 1, 2, 3, 4, 16] }) },
  { name: 'add: { table, dim } disagreeing with x', type: RangeError, param: 'options.encoding.dim', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: a.table, dim: 8 } }) },
  { name: 'add: { table } with an unknown key', type: TypeError, param: 'options.encoding.rows', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: a.table, rows: 16 } as never }) },
  { name: 'add: { table } a plain array', type: TypeError, param: 'options.encoding.table', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: [1, 2, 3, 4] as never } }) },
  { name: 'add: { table } a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: a.freed } }) },
  { name: 'add: { table } detached', type: TypeError, param: 'options.encoding.table', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: detach(new Float32Array(16)) } }) },
  { name: 'add: unknown outOfRange', type: RangeError, param: 'options.encoding.outOfRange', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: a.table, outOfRange: 'clip' as never } }) },
  { name: 'add: module-tensor table of the wrong dtype', type: TypeError, param: 'options.encoding', call: (pe, a) => pe.add(a.x, { shape: S, encoding: a.t64 }) },
  // Found by this file: an out overlapping the table it reads was not refused; the js backend then
  // read rows it had already overwritten (wasm read a chunk before writing it: the result depended
  // on chunking).
  { name: 'add: out overlapping the table', type: RangeError, param: 'overlaps the encoding table', call: (pe, a) => pe.add(a.x, { shape: S, encoding: a.table, out: a.table.subarray(4, 28) }) },
  { name: 'add: out a module tensor that is the table', type: RangeError, param: 'overlaps the encoding table', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { table: a.t24, dim: 4 }, out: a.t24 }) },
  { name: 'add: in place, encoding frequencies of the wrong length', type: RangeError, param: 'options.encoding.frequencies.length', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { frequencies: [1] }, out: a.x }) },
  { name: 'add: in place on a module tensor, float32Angles frequencies with NaN', type: RangeError, param: 'options.encoding.frequencies[1]', call: (pe, a) => pe.add(a.t24, { shape: S, encoding: { float32Angles: true, frequencies: [1, NaN] }, out: a.t24 }) },
  { name: 'add: encoding frequencies beside maxTimescale', type: TypeError, param: 'options.encoding.maxTimescale cannot be combined with options.encoding.frequencies', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { preset: 'whisper', maxTimescale: 10, frequencies: [1, 0.1] }, out: a.x }) },
  { name: 'add: encoding frequencies null', type: TypeError, param: 'options.encoding.frequencies', call: (pe, a) => pe.add(a.x, { shape: S, encoding: { frequencies: null as never } }) },
  // ---- concat
  { name: 'concat: encoding.dim 0', type: RangeError, param: 'options.encoding.dim', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { dim: 0 } }) },
  { name: 'concat: encoding.dim fractional', type: RangeError, param: 'options.encoding.dim', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { dim: 2.5 } }) },
  { name: 'concat: out === x', type: RangeError, param: 'overlaps', call: (pe, a) => pe.concat(a.x.subarray(0, 4), { shape: [1, 1, 4], encoding: { dim: 4 }, out: a.x.subarray(0, 8) }) },
  { name: 'concat: out of another dtype', type: TypeError, param: 'options.out', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { dim: 1 }, out: new Float64Array(30) }) },
  { name: 'concat: per-batch positions of the wrong length', type: RangeError, param: 'options.positions', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { dim: 2 }, positions: [1, 2, 3, 4] }) },
  { name: 'concat: unknown option', type: TypeError, param: 'options.scale', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { dim: 2 }, scale: 2 } as never) },
  { name: 'concat: seed with a base', type: TypeError, param: 'options.encoding.base', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { preset: 'seed', base: 2 } }) },
  { name: 'concat: table rows exceeded by offset', type: RangeError, param: 'options.offset', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { table: a.table, dim: 4 }, offset: 14 }) },
  { name: 'concat: x a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.concat(a.freed, { shape: S, encoding: { dim: 2 } }) },
  { name: 'concat: out overlapping the table', type: RangeError, param: 'overlaps the encoding table', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { table: a.table, dim: 2 }, out: a.table.subarray(0, 36) }) },
  { name: 'concat: seed frequencies of length 2', type: RangeError, param: 'options.encoding.frequencies.length', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { preset: 'seed', frequencies: [1, 2] } }) },
  { name: 'concat: encoding frequencies beside base', type: TypeError, param: 'options.encoding.base cannot be combined', call: (pe, a) => pe.concat(a.x, { shape: S, encoding: { dim: 4, base: 2, frequencies: [1, 2] } }) },
  // ---- alloc
  { name: 'alloc: NaN', type: RangeError, param: 'length', call: (pe) => pe.alloc(NaN) },
  { name: 'alloc: fractional', type: RangeError, param: 'length', call: (pe) => pe.alloc(1.5) },
  { name: 'alloc: Infinity', type: RangeError, param: 'length', call: (pe) => pe.alloc(Infinity) },
  { name: 'alloc: a string', type: TypeError, param: 'length', call: (pe) => pe.alloc('8' as never) },
  { name: 'alloc: float64 of 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.alloc(2 ** 29, 'float64') },
  { name: 'alloc: dtype a number', type: TypeError, param: 'dtype', call: (pe) => pe.alloc(4, 5 as never) },
  { name: 'alloc: a freed tensor\'s array', type: TypeError, param: 'freed', call: (_pe, a) => a.freed.array },
  // ---- init
  { name: 'initSync: unknown backend', type: RangeError, param: 'options.backend', call: () => initSync({ backend: 'gpu' as never }) },
  { name: 'initSync: backend a number', type: TypeError, param: 'options.backend', call: () => initSync({ backend: 3 as never }) },
  { name: 'initSync: options a string', type: TypeError, param: 'options', call: () => initSync('wasm' as never) },
  { name: 'initSync: unknown option', type: TypeError, param: 'options.backends', call: () => initSync({ backends: 'js' } as never) },
  // ---- rope
  { name: 'rope: x an Int32Array', type: TypeError, param: 'x', call: (pe) => pe.rope(new Int32Array(24) as never, { shape: [1, 2, 3, 4] }) },
  { name: 'rope: x detached', type: TypeError, param: 'x', call: (pe) => pe.rope(detach(new Float32Array(24)), { shape: [1, 2, 3, 4] }) },
  { name: 'rope: x a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.rope(a.freed, { shape: [1, 2, 3, 4] }) },
  { name: 'rope: shape of rank 3', type: RangeError, param: 'options.shape', call: (pe, a) => pe.rope(a.q, { shape: [2, 3, 4] }) },
  { name: 'rope: shape disagreeing with x', type: RangeError, param: 'options.shape', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 8] }) },
  { name: 'rope: shape missing', type: TypeError, param: 'options.shape', call: (pe, a) => pe.rope(a.q, {} as never) },
  { name: 'rope: shape a detached typed array', type: TypeError, param: 'options.shape', call: (pe, a) => pe.rope(a.q, { shape: detach(Int32Array.of(1, 2, 3, 4)) as never }) },
  { name: 'rope: odd headDim', type: RangeError, param: 'headDim', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 4, 3] }) },
  { name: 'rope: odd rotaryDim', type: RangeError, param: 'options.rotaryDim', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], rotaryDim: 3 }) },
  { name: 'rope: rotaryDim > headDim', type: RangeError, param: 'options.rotaryDim', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], rotaryDim: 6 }) },
  { name: 'rope: unknown layout', type: RangeError, param: 'options.layout', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], layout: 'pairs' as never }) },
  { name: 'rope: unknown order', type: RangeError, param: 'options.order', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], order: 'bdhl' as never }) },
  { name: 'rope: base 0', type: RangeError, param: 'options.base', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], base: 0 }) },
  { name: 'rope: offset NaN', type: RangeError, param: 'options.offset', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], offset: NaN }) },
  { name: 'rope: positions with Infinity', type: RangeError, param: 'options.positions[1]', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], positions: [0, Infinity, 2] }) },
  { name: 'rope: positions of the wrong length', type: RangeError, param: 'options.positions', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], positions: [0, 1] }) },
  { name: 'rope: offset and positions', type: TypeError, param: 'options.offset', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], offset: 1, positions: [0, 1, 2] }) },
  { name: 'rope: unknown scaling type', type: RangeError, param: 'options.scaling.type', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'ntk' } as never }) },
  { name: 'rope: linear scaling without factor', type: TypeError, param: 'options.scaling.factor', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'linear' } as never }) },
  { name: 'rope: linear scaling factor 0', type: RangeError, param: 'options.scaling.factor', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'linear', factor: 0 } }) },
  { name: 'rope: llama3 high ≤ low frequency factor', type: RangeError, param: 'options.scaling.highFreqFactor', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'llama3', factor: 8, lowFreqFactor: 4, highFreqFactor: 1, originalMaxPositionEmbeddings: 16 } }) },
  { name: 'rope: longrope factor list of the wrong length', type: RangeError, param: 'options.scaling.longFactor', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'longrope', longFactor: [1, 1, 1], shortFactor: [1, 1], originalMaxPositionEmbeddings: 8 } }) },
  { name: 'rope: unknown scaling key', type: TypeError, param: 'options.scaling.factr', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'linear', factr: 2 } as never }) },
  { name: 'rope: unknown option', type: TypeError, param: 'options.rotary', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], rotary: 4 } as never) },
  { name: 'rope: out partially overlapping x', type: RangeError, param: 'overlaps', call: (pe, a) => pe.rope(a.shared.subarray(0, 12), { shape: [1, 1, 3, 4], out: a.shared.subarray(4, 16) }) },
  { name: 'rope: out of another dtype', type: TypeError, param: 'options.out', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], out: a.t64 }) },
  { name: 'rope: out too small', type: RangeError, param: 'options.out', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], out: a.out }) },
  { name: 'rope: float64 shape of 2^32 bytes', type: RangeError, param: '2^32', call: (pe, a) => pe.rope(a.x64, { shape: [2 ** 10, 2 ** 10, 2 ** 7, 4] }) },
  { name: 'rope: in place, frequencies of the wrong length', type: RangeError, param: 'options.frequencies.length', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], frequencies: [1, 0.1, 0.01], out: a.q }) },
  { name: 'rope: frequencies with -Infinity', type: RangeError, param: 'options.frequencies[0]', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], frequencies: [-Infinity, 1], out: a.q }) },
  { name: 'rope: frequencies beside base', type: TypeError, param: 'options.base cannot be combined with options.frequencies', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], base: 500000, frequencies: [1, 0.1], out: a.q }) },
  { name: 'rope: frequencies beside scaling', type: TypeError, param: 'options.scaling cannot be combined with options.frequencies', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], scaling: { type: 'linear', factor: 2 }, frequencies: [1, 0.1] }) },
  { name: 'rope: frequencies beside seqLen', type: TypeError, param: 'options.seqLen cannot be combined with options.frequencies', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], seqLen: 4096, frequencies: [1, 0.1] }) },
  { name: 'rope: frequencies a Float64Array of rotaryDim/2 + 1', type: RangeError, param: 'options.frequencies.length', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], rotaryDim: 2, frequencies: Float64Array.of(1, 2) }) },
  { name: 'rope: attentionFactor without frequencies', type: TypeError, param: 'options.attentionFactor', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], attentionFactor: 1.2, out: a.q }) },
  { name: 'rope: attentionFactor 0', type: RangeError, param: 'options.attentionFactor', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], frequencies: [1, 0.1], attentionFactor: 0, out: a.q }) },
  // ---- rope, multi-axis (options.axes)
  { name: 'rope axes: sections not summing to rotaryDim/2', type: RangeError, param: 'options.axes.sections', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: [1, 2] } }) },
  { name: 'rope axes: 2 axes with cycle', type: RangeError, param: 'options.axes.sections', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: [1, 1], assign: 'cycle' } }) },
  { name: 'rope axes: cycle with per-axis frequencies', type: RangeError, param: 'options.axes.assign', call: (pe, a) => pe.rope(a.q, { shape: [1, 1, 4, 6], axes: { sections: [1, 1, 1], assign: 'cycle', frequencies: 'per-axis' } }) },
  { name: 'rope axes: sections cycle cannot interleave', type: RangeError, param: 'options.axes.sections', call: (pe, a) => pe.rope(a.q, { shape: [1, 1, 3, 8], axes: { sections: [1, 2, 1], assign: 'cycle' } }) },
  { name: 'rope axes: positions of the wrong length', type: RangeError, param: 'options.positions', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], positions: [0, 1, 2], axes: { sections: [1, 1] } }) },
  { name: 'rope axes: a fractional section', type: RangeError, param: 'options.axes.sections[0]', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: [1.5, 0.5] } }) },
  { name: 'rope axes: sections missing', type: TypeError, param: 'options.axes.sections', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: {} as never }) },
  { name: 'rope axes: sections a string', type: TypeError, param: 'options.axes.sections', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: '1,1' as never } }) },
  { name: 'rope axes: unknown assign', type: RangeError, param: 'options.axes.assign', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: [1, 1], assign: 'interleaved' as never } }) },
  { name: 'rope axes: unknown key', type: TypeError, param: 'options.axes.mropeSection', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: [1, 1], mropeSection: [1, 1] } as never }) },
  { name: 'rope axes: per-axis with a scaling', type: RangeError, param: 'options.scaling', call: (pe, a) => pe.rope(a.q, { shape: [1, 2, 3, 4], axes: { sections: [1, 1], frequencies: 'per-axis' }, scaling: { type: 'linear', factor: 2 } }) },
  { name: 'rope axes: 17 axes', type: RangeError, param: 'options.axes.sections', call: (pe) => pe.rope(new Float32Array(36), { shape: [1, 1, 1, 36], rotaryDim: 34, axes: { sections: Array(17).fill(1) } }) },
  // ---- ropeFrequencies
  { name: 'ropeFrequencies: dim missing', type: TypeError, param: 'options.dim', call: (pe) => pe.ropeFrequencies({} as never) },
  { name: 'ropeFrequencies: dim odd', type: RangeError, param: 'options.dim', call: (pe) => pe.ropeFrequencies({ dim: 7 }) },
  { name: 'ropeFrequencies: dim 0', type: RangeError, param: 'options.dim', call: (pe) => pe.ropeFrequencies({ dim: 0 }) },
  { name: 'ropeFrequencies: base negative', type: RangeError, param: 'options.base', call: (pe) => pe.ropeFrequencies({ dim: 8, base: -1 }) },
  { name: 'ropeFrequencies: seqLen NaN', type: RangeError, param: 'options.seqLen', call: (pe) => pe.ropeFrequencies({ dim: 8, seqLen: NaN }) },
  { name: 'ropeFrequencies: scaling a string', type: TypeError, param: 'options.scaling', call: (pe) => pe.ropeFrequencies({ dim: 8, scaling: 'linear' as never }) },
  { name: 'ropeFrequencies: dynamic without maxPositionEmbeddings', type: TypeError, param: 'options.scaling.maxPositionEmbeddings', call: (pe) => pe.ropeFrequencies({ dim: 8, scaling: { type: 'dynamic', factor: 2 } as never }) },
  { name: 'ropeFrequencies: options null', type: TypeError, param: 'options', call: (pe) => pe.ropeFrequencies(null as never) },
  // ---- sincos2d
  { name: 'sincos2d: dim not a multiple of 4', type: RangeError, param: 'options.dim', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 6 }) },
  { name: 'sincos2d: bigvision with dim 4', type: RangeError, param: 'options.dim', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 4, preset: 'bigvision' }) },
  { name: 'sincos2d: height missing', type: TypeError, param: 'options.height', call: (pe) => pe.sincos2d({ width: 2, dim: 8 } as never) },
  { name: 'sincos2d: width negative', type: RangeError, param: 'options.width', call: (pe) => pe.sincos2d({ height: 2, width: -2, dim: 8 }) },
  { name: 'sincos2d: temperature 0', type: RangeError, param: 'options.temperature', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 8, temperature: 0 }) },
  { name: 'sincos2d: clsToken a string', type: TypeError, param: 'options.clsToken', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 8, clsToken: 'yes' as never }) },
  { name: 'sincos2d: unknown preset', type: RangeError, param: 'options.preset', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 8, preset: 'vit' as never }) },
  { name: 'sincos2d: out of the wrong size', type: RangeError, param: 'options.out', call: (pe, a) => pe.sincos2d({ height: 2, width: 2, dim: 8, out: a.out }) },
  { name: 'sincos2d: out a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.sincos2d({ height: 2, width: 2, dim: 8, out: a.freed }) },
  { name: 'sincos2d: a grid of 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.sincos2d({ height: 2 ** 12, width: 2 ** 12, dim: 64 }) },
  { name: 'sincos2d: frequencies of length dim/2', type: RangeError, param: 'options.frequencies.length', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 8, frequencies: [1, 0.1, 0.01, 0.001] }) },
  { name: 'sincos2d: frequencies beside temperature', type: TypeError, param: 'options.temperature cannot be combined with options.frequencies', call: (pe) => pe.sincos2d({ height: 2, width: 2, dim: 8, temperature: 100, frequencies: [1, 0.1] }) },
  { name: 'sincos2d: frequencies with NaN into out', type: RangeError, param: 'options.frequencies[1]', call: (pe, a) => pe.sincos2d({ height: 1, width: 3, dim: 8, frequencies: [1, NaN], out: a.x }) },
  // ---- frequencies
  { name: 'frequencies: options null', type: TypeError, param: 'options', call: (pe) => pe.frequencies(null as never) },
  { name: 'frequencies: dim missing', type: TypeError, param: 'options.dim', call: (pe) => pe.frequencies({} as never) },
  { name: 'frequencies: out given', type: TypeError, param: 'options.out', call: (pe, a) => pe.frequencies({ dim: 4, out: a.x } as never) },
  { name: 'frequencies: 2-D dim not a multiple of 4', type: RangeError, param: 'options.dim', call: (pe) => pe.frequencies({ dim: 6, preset: 'mae' }) },
  { name: 'frequencies: 1-D whisper with dim 2', type: RangeError, param: 'dim', call: (pe) => pe.frequencies({ dim: 2, preset: 'whisper' }) },
  { name: 'frequencies: given ones of the wrong length', type: RangeError, param: 'options.frequencies.length', call: (pe) => pe.frequencies({ dim: 8, frequencies: [1] }) },
  { name: 'frequencies: unknown preset', type: RangeError, param: 'options.preset', call: (pe) => pe.frequencies({ dim: 8, preset: 'vit' as never }) },
  { name: 'frequencies: unknown option', type: TypeError, param: 'options.lenght', call: (pe) => pe.frequencies({ dim: 8, lenght: 3 } as never) },
  // ---- positionsFromTokens / positionsFromMask
  { name: 'positionsFromTokens: tokens an object', type: TypeError, param: 'tokens', call: (pe) => pe.positionsFromTokens({ length: 6 } as never, { ...SEQ, paddingIdx: 1 }) },
  { name: 'positionsFromTokens: shape disagrees', type: RangeError, param: 'options.shape', call: (pe, a) => pe.positionsFromTokens(a.tokens, { shape: [2, 4], paddingIdx: 1 }) },
  { name: 'positionsFromTokens: paddingIdx missing', type: TypeError, param: 'options.paddingIdx', call: (pe, a) => pe.positionsFromTokens(a.tokens, SEQ as never) },
  { name: 'positionsFromTokens: a fractional token', type: RangeError, param: 'tokens[1]', call: (pe) => pe.positionsFromTokens([1, 2.5, 3, 4, 5, 6], { ...SEQ, paddingIdx: 1 }) },
  { name: 'positionsFromTokens: a string token', type: TypeError, param: 'tokens[0]', call: (pe) => pe.positionsFromTokens(['1', 2, 3, 4, 5, 6] as never, { ...SEQ, paddingIdx: 1 }) },
  { name: 'positionsFromTokens: pastLength negative', type: RangeError, param: 'options.pastLength', call: (pe, a) => pe.positionsFromTokens(a.tokens, { ...SEQ, paddingIdx: 1, pastLength: -1 }) },
  { name: 'positionsFromTokens: tokens detached', type: TypeError, param: 'tokens', call: (pe) => pe.positionsFromTokens(detach(new Int32Array(6)), { ...SEQ, paddingIdx: 1 }) },
  { name: 'positionsFromTokens: positions beyond int32', type: RangeError, param: 'tokens[0]', call: (pe, a) => pe.positionsFromTokens(a.tokens, { ...SEQ, paddingIdx: 1, pastLength: 2 ** 31 - 2 }) },
  { name: 'positionsFromTokens: shape a detached typed array', type: TypeError, param: 'options.shape', call: (pe, a) => pe.positionsFromTokens(a.tokens, { shape: detach(Int32Array.of(2, 3)) as never, paddingIdx: 1 }) },
  { name: 'positionsFromMask: a mask value of 2', type: RangeError, param: 'mask[0]', call: (pe) => pe.positionsFromMask([2, 1, 1, 1, 1, 1], SEQ) },
  { name: 'positionsFromMask: pastLength > length', type: RangeError, param: 'options.pastLength', call: (pe) => pe.positionsFromMask([1, 1, 1, 1, 1, 1], { ...SEQ, pastLength: 4 }) },
  { name: 'positionsFromMask: shape of rank 3', type: RangeError, param: 'options.shape', call: (pe) => pe.positionsFromMask([1, 1, 1, 1, 1, 1], { shape: [1, 2, 3] }) },
  { name: 'positionsFromMask: padPosition fractional', type: RangeError, param: 'options.padPosition', call: (pe) => pe.positionsFromMask([1, 1, 1, 1, 1, 1], { ...SEQ, padPosition: 0.5 }) },
  { name: 'positionsFromMask: offset beyond int32', type: RangeError, param: 'options.offset', call: (pe) => pe.positionsFromMask([1, 1, 1, 1, 1, 1], { ...SEQ, offset: 2 ** 31 }) },
  { name: 'positionsFromMask: unknown option', type: TypeError, param: 'options.paddingIdx', call: (pe) => pe.positionsFromMask([1, 1, 1, 1, 1, 1], { ...SEQ, paddingIdx: 1 } as never) },
  // ---- sincos3d
  { name: 'sincos3d: dim not a multiple of 16', type: RangeError, param: 'options.dim', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 24 }) },
  { name: 'sincos3d: frames missing', type: TypeError, param: 'options.frames', call: (pe) => pe.sincos3d({ height: 2, width: 2, dim: 16 } as never) },
  { name: 'sincos3d: height fractional', type: RangeError, param: 'options.height', call: (pe) => pe.sincos3d({ frames: 2, height: 2.5, width: 2, dim: 16 }) },
  { name: 'sincos3d: spatialInterpolationScale 0', type: RangeError, param: 'options.spatialInterpolationScale', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 16, spatialInterpolationScale: 0 }) },
  { name: 'sincos3d: temporalInterpolationScale NaN', type: RangeError, param: 'options.temporalInterpolationScale', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 16, temporalInterpolationScale: NaN }) },
  { name: 'sincos3d: a scale that is 0 in float32', type: RangeError, param: 'options.temporalInterpolationScale', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 16, temporalInterpolationScale: 1e-50 }) },
  { name: 'sincos3d: scale a string', type: TypeError, param: 'options.spatialInterpolationScale', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 16, spatialInterpolationScale: '1.875' as never }) },
  { name: 'sincos3d: unknown preset', type: RangeError, param: 'options.preset', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 16, preset: 'mae' as never }) },
  { name: 'sincos3d: unknown option', type: TypeError, param: 'options.interpolationScale', call: (pe) => pe.sincos3d({ frames: 2, height: 2, width: 2, dim: 16, interpolationScale: 2 } as never) },
  { name: 'sincos3d: out of the wrong size', type: RangeError, param: 'options.out', call: (pe, a) => pe.sincos3d({ frames: 1, height: 1, width: 1, dim: 16, out: a.out }) },
  { name: 'sincos3d: out of the wrong dtype', type: TypeError, param: 'options.out', call: (pe, a) => pe.sincos3d({ frames: 1, height: 2, width: 3, dim: 16, dtype: 'float64', out: a.x }) },
  { name: 'sincos3d: out a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.sincos3d({ frames: 1, height: 1, width: 1, dim: 16, out: a.freed }) },
  { name: 'sincos3d: a grid of 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.sincos3d({ frames: 2 ** 8, height: 2 ** 8, width: 2 ** 8, dim: 64 }) },
  // ---- mropePositions, visionPositions
  { name: 'mropePositions: segments missing', type: TypeError, param: 'options.segments', call: (pe) => pe.mropePositions({} as never) },
  { name: 'mropePositions: segments not an array', type: TypeError, param: 'options.segments', call: (pe) => pe.mropePositions({ segments: { text: 3 } as never }) },
  { name: 'mropePositions: image grid not divisible by the merge size', type: RangeError, param: 'options.segments[1].image[2]', call: (pe) => pe.mropePositions({ segments: [{ text: 2 }, { image: [1, 4, 5] }] }) },
  { name: 'mropePositions: video grid not divisible by merge size 3', type: RangeError, param: 'options.segments[0].video[1]', call: (pe) => pe.mropePositions({ segments: [{ video: [2, 4, 6] }], spatialMergeSize: 3 }) },
  { name: 'mropePositions: grid of length 2', type: RangeError, param: 'options.segments[0].image', call: (pe) => pe.mropePositions({ segments: [{ image: [4, 4] }] }) },
  { name: 'mropePositions: grid with a zero', type: RangeError, param: 'options.segments[0].image[0]', call: (pe) => pe.mropePositions({ segments: [{ image: [0, 4, 4] }] }) },
  { name: 'mropePositions: grid a string', type: TypeError, param: 'options.segments[0].image', call: (pe) => pe.mropePositions({ segments: [{ image: '1,4,4' as never }] }) },
  { name: 'mropePositions: text fractional', type: RangeError, param: 'options.segments[0].text', call: (pe) => pe.mropePositions({ segments: [{ text: 2.5 }] }) },
  { name: 'mropePositions: a segment of no known kind', type: TypeError, param: 'options.segments[0]', call: (pe) => pe.mropePositions({ segments: [{ audio: 3 } as never] }) },
  { name: 'mropePositions: a segment with two kinds', type: TypeError, param: 'options.segments[0].image', call: (pe) => pe.mropePositions({ segments: [{ text: 3, image: [1, 2, 2] } as never] }) },
  { name: 'mropePositions: secondsPerGrid on an image', type: TypeError, param: 'options.segments[0].secondsPerGrid', call: (pe) => pe.mropePositions({ segments: [{ image: [1, 2, 2], secondsPerGrid: 1 } as never] }) },
  { name: 'mropePositions: secondsPerGrid negative', type: RangeError, param: 'options.segments[0].secondsPerGrid', call: (pe) => pe.mropePositions({ segments: [{ video: [2, 2, 2], secondsPerGrid: -1 }], model: 'qwen2.5-vl' }) },
  { name: 'mropePositions: unknown model', type: RangeError, param: 'options.model', call: (pe) => pe.mropePositions({ segments: [], model: 'qwen3-vl' as never }) },
  { name: 'mropePositions: secondsPerGrid with qwen2-vl', type: TypeError, param: 'options.segments[1].secondsPerGrid', call: (pe) => pe.mropePositions({ segments: [{ text: 1 }, { video: [2, 2, 2], secondsPerGrid: 0.5 }] }) },
  { name: 'mropePositions: tokensPerSecond with qwen2-vl', type: TypeError, param: 'options.tokensPerSecond', call: (pe) => pe.mropePositions({ segments: [], tokensPerSecond: 2 }) },
  { name: 'mropePositions: tokensPerSecond 0', type: RangeError, param: 'options.tokensPerSecond', call: (pe) => pe.mropePositions({ segments: [], model: 'qwen2.5-vl', tokensPerSecond: 0 }) },
  { name: 'mropePositions: spatialMergeSize 0', type: RangeError, param: 'options.spatialMergeSize', call: (pe) => pe.mropePositions({ segments: [], spatialMergeSize: 0 }) },
  { name: 'mropePositions: 2^31 tokens', type: RangeError, param: 'options.segments', call: (pe) => pe.mropePositions({ segments: [{ text: 2 ** 31 - 1 }, { text: 1 }] }) },
  { name: 'mropePositions: a frame time beyond int32', type: RangeError, param: 'options.segments[1]', call: (pe) => pe.mropePositions({ segments: [{ text: 1 }, { video: [3, 2, 2], secondsPerGrid: 1e9 }], model: 'qwen2.5-vl' }) },
  { name: 'visionPositions: 2^29 patches', type: RangeError, param: 'options.height·width', call: (pe) => pe.visionPositions({ height: 2 ** 15, width: 2 ** 14 }) },
  { name: 'visionPositions: height not divisible by the merge size', type: RangeError, param: 'options.height', call: (pe) => pe.visionPositions({ height: 5, width: 4 }) },
  { name: 'visionPositions: width missing', type: TypeError, param: 'options.width', call: (pe) => pe.visionPositions({ height: 4 } as never) },
  { name: 'visionPositions: width a string', type: TypeError, param: 'options.width', call: (pe) => pe.visionPositions({ height: 4, width: '4' as never }) },
  { name: 'visionPositions: spatialMergeSize fractional', type: RangeError, param: 'options.spatialMergeSize', call: (pe) => pe.visionPositions({ height: 4, width: 4, spatialMergeSize: 1.5 }) },
  { name: 'visionPositions: unknown option', type: TypeError, param: 'options.merge', call: (pe) => pe.visionPositions({ height: 4, width: 4, merge: 2 } as never) },
  // ---- identify / similarity
  { name: 'identify: rows·dim ≠ length', type: RangeError, param: 'table.length', call: (pe, a) => pe.identify(a.table, { dim: 5 }) },
  { name: 'identify: dim 0', type: RangeError, param: 'options.dim', call: (pe, a) => pe.identify(a.table, { dim: 0 }) },
  { name: 'identify: dim missing', type: TypeError, param: 'options.dim', call: (pe, a) => pe.identify(a.table, {} as never) },
  { name: 'identify: NaN in the table', type: RangeError, param: 'table[5]', call: (pe) => pe.identify(Float32Array.of(0, 1, 0, 1, 0, NaN, 1, 0), { dim: 4 }) },
  { name: 'identify: Infinity in a module tensor', type: RangeError, param: 'table[', call: (pe, a) => { const t = pe.alloc(8); t.array[3] = Infinity; try { return pe.identify(t, { dim: 4 }); } finally { t.free(); } } },
  { name: 'identify: a grid that does not fit', type: RangeError, param: 'options.grid', call: (pe, a) => pe.identify(a.table, { dim: 4, grid: [3, 4] }) },
  { name: 'identify: a grid of one number', type: RangeError, param: 'options.grid', call: (pe, a) => pe.identify(a.table, { dim: 4, grid: [16] }) },
  { name: 'identify: a grid with a fraction', type: RangeError, param: 'options.grid[1]', call: (pe, a) => pe.identify(a.table, { dim: 4, grid: [2, 7.5] }) },
  { name: 'identify: grid a string', type: TypeError, param: 'options.grid', call: (pe, a) => pe.identify(a.table, { dim: 4, grid: '4x4' as never }) },
  { name: 'identify: grid a detached typed array', type: TypeError, param: 'options.grid', call: (pe, a) => pe.identify(a.table, { dim: 4, grid: detach(Int32Array.of(4, 4)) as never }) },
  { name: 'identify: table a plain array', type: TypeError, param: 'table', call: (pe) => pe.identify([0, 1, 0, 1] as never, { dim: 2 }) },
  { name: 'identify: table a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.identify(a.freed, { dim: 4 }) },
  { name: 'identify: an empty table', type: RangeError, param: 'table.length', call: (pe) => pe.identify(new Float32Array(0), { dim: 4 }) },
  { name: 'identify: unknown option', type: TypeError, param: 'options.rows', call: (pe, a) => pe.identify(a.table, { dim: 4, rows: 16 } as never) },
  { name: 'similarity: rows·dim ≠ length', type: RangeError, param: 'table.length', call: (pe, a) => pe.similarity(a.x, { dim: 5 }) },
  { name: 'similarity: dim 0', type: RangeError, param: 'options.dim', call: (pe, a) => pe.similarity(a.x, { dim: 0 }) },
  { name: 'similarity: unknown metric', type: RangeError, param: 'options.metric', call: (pe, a) => pe.similarity(a.x, { dim: 4, metric: 'l2' as never }) },
  { name: 'similarity: NaN in a shared table', type: RangeError, param: 'table[', call: (pe) => { const s = new Float32Array(new SharedArrayBuffer(32)); s[7] = NaN; return pe.similarity(s, { dim: 4 }); } },
  { name: 'similarity: table a DataView', type: TypeError, param: 'table', call: (pe) => pe.similarity(new DataView(new ArrayBuffer(16)) as never, { dim: 4 }) },
  { name: 'similarity: a matrix of 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.similarity(new Float32Array(2 ** 15 + 8), { dim: 1 }) },
  // ---- attention bias: each call in place (or into the caller's out) so that a write before the throw would show
  { name: 'alibiSlopes: heads 0', type: RangeError, param: 'heads', call: (pe) => pe.alibiSlopes(0) },
  { name: 'alibiSlopes: heads beyond 4096', type: RangeError, param: 'heads', call: (pe) => pe.alibiSlopes(4097) },
  { name: 'alibiSlopes: heads a string', type: TypeError, param: 'heads', call: (pe) => pe.alibiSlopes('8' as never) },
  { name: 'alibiSlopes: unknown preset', type: RangeError, param: 'options.preset', call: (pe) => pe.alibiSlopes(8, { preset: 'falcon' as never }) },
  { name: 'alibiSlopes: maxBias 0', type: RangeError, param: 'options.maxBias', call: (pe) => pe.alibiSlopes(8, { maxBias: 0 }) },
  { name: 'alibiSlopes: maxBias beyond 64', type: RangeError, param: 'options.maxBias', call: (pe) => pe.alibiSlopes(8, { preset: 'mpt', maxBias: 65 }) },
  { name: 'alibiSlopes: unknown pow', type: RangeError, param: 'options.pow', call: (pe) => pe.alibiSlopes(8, { pow: 'fast' as never }) },
  { name: 'alibiSlopes: options a string', type: TypeError, param: 'options', call: (pe) => pe.alibiSlopes(8, 'bloom' as never) },
  { name: 'addAlibi: scores an Int32Array', type: TypeError, param: 'scores', call: (pe) => pe.addAlibi(new Int32Array(24) as never, { shape: [1, 2, 3, 4], slopes: [1, 2] }) },
  { name: 'addAlibi: scores a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.addAlibi(a.freed, { shape: [1, 2, 3, 4], slopes: [1, 2] }) },
  { name: 'addAlibi: shape disagreeing with scores', type: RangeError, param: 'options.shape', call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 5], slopes: [1, 2], out: a.x }) },
  { name: 'addAlibi: shape of rank 3', type: RangeError, param: 'options.shape', call: (pe, a) => pe.addAlibi(a.x, { shape: [2, 3, 4], slopes: [1, 2], out: a.x }) },
  { name: 'addAlibi: slopes missing', type: TypeError, param: 'options.slopes', call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 4], out: a.x } as never) },
  { name: 'addAlibi: slopes of the wrong length', type: RangeError, param: 'options.slopes.length', call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 4], slopes: [1, 2, 3], out: a.x }) },
  { name: 'addAlibi: a slope NaN, module tensor in place', type: RangeError, param: 'options.slopes[1]', call: (pe, a) => pe.addAlibi(a.t24, { shape: [1, 2, 3, 4], slopes: [1, NaN], out: a.t24 }) },
  { name: 'addAlibi: keyPositions of the wrong length, shared scores', type: RangeError, param: 'options.keyPositions', call: (pe, a) => pe.addAlibi(a.shared, { shape: [2, 1, 3, 4], slopes: [1], keyPositions: [0, 1, 2], out: a.shared }) },
  { name: 'addAlibi: a key position beyond float32 for float32 scores', type: RangeError, param: 'options.keyPositions[2]', call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 4], slopes: [1, 2], keyPositions: [0, 1, 1e39, 3], out: a.x }) },
  { name: 'addAlibi: scale Infinity', type: RangeError, param: 'options.scale', call: (pe, a) => pe.addAlibi(a.t64, { shape: [1, 2, 3, 4], slopes: [1, 2], scale: Infinity, out: a.t64 }) },
  { name: 'addAlibi: out a Float64Array for float32 scores', type: TypeError, param: 'options.out', call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 4], slopes: [1, 2], out: a.x64 }) },
  { name: 'addAlibi: out partially overlapping scores', type: RangeError, param: 'overlaps', call: (pe, a) => pe.addAlibi(a.shared.subarray(0, 12), { shape: [1, 1, 3, 4], slopes: [1], out: a.shared.subarray(4, 16) }) },
  { name: 'addAlibi: unknown option', type: TypeError, param: 'options.positions', call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 4], slopes: [1, 2], positions: [0, 1, 2, 3], out: a.x } as never) },
  { name: 'addAlibi: out a view into freed module memory', type: TypeError, param: 'options.out', only: ['wasm-simd', 'wasm'], call: (pe, a) => pe.addAlibi(a.x, { shape: [1, 2, 3, 4], slopes: [1, 2], out: a.stale }) },
  { name: 'relativeBuckets: queryLength missing', type: TypeError, param: 'options.queryLength', call: (pe) => pe.relativeBuckets({ keyLength: 4 } as never) },
  { name: 'relativeBuckets: keyLength negative', type: RangeError, param: 'options.keyLength', call: (pe) => pe.relativeBuckets({ queryLength: 3, keyLength: -1 }) },
  { name: 'relativeBuckets: 3 buckets bidirectional', type: RangeError, param: 'options.numBuckets', call: (pe) => pe.relativeBuckets({ queryLength: 3, keyLength: 4, numBuckets: 3 }) },
  { name: 'relativeBuckets: maxDistance not beyond the exact buckets', type: RangeError, param: 'options.maxDistance', call: (pe) => pe.relativeBuckets({ queryLength: 3, keyLength: 4, maxDistance: 8 }) },
  { name: 'relativeBuckets: queryOffset fractional', type: RangeError, param: 'options.queryOffset', call: (pe) => pe.relativeBuckets({ queryLength: 3, keyLength: 4, queryOffset: 1.5 }) },
  { name: 'relativeBuckets: bidirectional a string', type: TypeError, param: 'options.bidirectional', call: (pe) => pe.relativeBuckets({ queryLength: 3, keyLength: 4, bidirectional: 'yes' as never }) },
  { name: 'relativeBuckets: a grid of 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.relativeBuckets({ queryLength: 2 ** 16, keyLength: 2 ** 14 }) },
  { name: 'relativeBias: weights a Float64Array', type: TypeError, param: 'weights', call: (pe, a) => pe.relativeBias(a.x64 as never, { heads: 2, queryLength: 3, keyLength: 4, numBuckets: 12, out: a.x }) },
  { name: 'relativeBias: weights of the wrong length', type: RangeError, param: 'weights.length', call: (pe, a) => pe.relativeBias(a.table, { heads: 3, queryLength: 2, keyLength: 4, out: a.x }) },
  { name: 'relativeBias: heads missing', type: TypeError, param: 'options.heads', call: (pe, a) => pe.relativeBias(a.table, { queryLength: 3, keyLength: 4, out: a.x } as never) },
  { name: 'relativeBias: out of the wrong length', type: RangeError, param: 'options.out.length', call: (pe, a) => pe.relativeBias(a.table, { heads: 2, queryLength: 3, keyLength: 4, out: a.out }) },
  { name: 'relativeBias: out overlapping the weights', type: RangeError, param: 'overlaps weights', call: (pe, a) => pe.relativeBias(a.table, { heads: 2, queryLength: 3, keyLength: 4, out: a.table.subarray(8, 32) }) },
  { name: 'relativeBias: out a float64 module tensor', type: TypeError, param: 'options.out', call: (pe, a) => pe.relativeBias(a.table, { heads: 2, queryLength: 3, keyLength: 4, out: a.t64 as never }) },
  { name: 'relativeBias: weights a freed tensor', type: TypeError, param: 'freed', call: (pe, a) => pe.relativeBias(a.freed, { heads: 2, queryLength: 3, keyLength: 4, out: a.t24 }) },
  { name: 'relativeBias: unknown option', type: TypeError, param: 'options.scale', call: (pe, a) => pe.relativeBias(a.table, { heads: 2, queryLength: 3, keyLength: 4, scale: 2, out: a.t24 } as never) },
];

describeBackends('bad input across every public function', (pe, backend) => {
  let canary: () => FloatArray[];
  let canaryBits: FloatArray[];
  beforeAll(() => {
    canary = () => [
      pe().sinusoidal({ length: 3, dim: 6, offset: 2 }),
      pe().add(Float32Array.from({ length: 24 }, (_, i) => i / 3), { shape: S, scale: 2, encoding: { preset: 'marian' } }),
      pe().rope(Float64Array.from({ length: 24 }, (_, i) => i / 5), { shape: [1, 2, 3, 4], offset: 5 }),
    ];
    canaryBits = canary();
  });

  it('covers every public function with at least 40 cases beyond test/errors.test.ts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const fns = ['sinusoidal', 'add', 'concat', 'alloc', 'initSync', 'rope', 'ropeFrequencies', 'sincos2d', 'frequencies', 'positionsFromTokens', 'positionsFromMask', 'mropePositions', 'visionPositions', 'sincos3d', 'alibiSlopes', 'addAlibi', 'relativeBuckets', 'relativeBias'];
    for (const f of fns) expect(cases.filter((c) => c.name.startsWith(`${f}:`) || (f === 'sinusoidal' && !c.name.includes(':'))).length, f).toBeGreaterThanOrEqual(4);
  });

  for (const c of cases.filter((k) => !k.only || k.only.includes(backend))) {
    it(c.name, () => {
      const a = makeArena(pe());
      const before = snapshot(a);
      const memory = pe().memoryBytes;
      let err: unknown;
      try {
        c.call(pe(), a);
      } catch (e) {
        err = e;
      }
      try {
        expect(err, 'should throw').toBeInstanceOf(c.type);
        expect((err as Error).message).toContain(c.param);
        expect((err as Error).message).toMatch(/^posenc[.:]/);
        expect(changed(a, before), 'caller arrays changed').toEqual([]);
        expect(pe().memoryBytes, 'a rejected call does not grow memory').toBe(memory);
        // the instance keeps working: the same bits as before
        canary().forEach((v, i) => expect(firstByteDiff(v, canaryBits[i]), `canary ${i}`).toBe(-1));
      } finally {
        a.t24.free();
        a.t64.free();
      }
    });
  }
});

// ---- fuzz -------------------------------------------------------------------------------------

/** Values of every type, including the edge cases of each (sizes stay small: no huge allocations). */
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: -64, max: 64 }),
  fc.constantFrom(-1, -0, 0.5, 1.5, NaN, Infinity, -Infinity, 1e-300, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.constantFrom('3', '', 'vaswani', 'seed', 'whisper', 'halves', 'interleaved', 'timescale', 'float64', 'float32', 'blhd', 'mae', 'linear', 'zero'),
  fc.constantFrom(null, undefined, true, false, 3n, Symbol('s'), () => 1),
  fc.constantFrom([], [1, 2], [2, 3, 4], [1, 2, 3, 4], [1, 1, 1], ['1'], [NaN], { type: 'linear' }, { type: 'linear', factor: 2 }, {}, { dim: 4 }, { preset: 'marian' }),
  fc.constantFrom('float32-24', 'float64-24', 'int32-6', 'shared-24', 'detached', 'dataview', 'bigint-6').map((k) => ({ __array: k })),
);

function materialize(v: unknown, arrays: ArrayBufferView[]): unknown {
  if (v && typeof v === 'object' && '__array' in v) {
    const k = (v as { __array: string }).__array;
    let a: ArrayBufferView;
    if (k === 'float32-24') a = Float32Array.from({ length: 24 }, (_, i) => i);
    else if (k === 'float64-24') a = Float64Array.from({ length: 24 }, (_, i) => -i);
    else if (k === 'int32-6') a = Int32Array.of(1, 2, 3, 1, 4, 5);
    else if (k === 'shared-24') a = new Float32Array(new SharedArrayBuffer(100), 4, 24).fill(2);
    else if (k === 'detached') a = detach(new Float32Array(24));
    else if (k === 'dataview') a = new DataView(new ArrayBuffer(96));
    else a = new BigInt64Array(6);
    arrays.push(a);
    return a;
  }
  if (Array.isArray(v)) return v.slice();
  if (v && typeof v === 'object') return { ...v };
  return v;
}

const FUNCS: Record<string, { keys: string[]; base: () => Record<string, unknown>; arg0?: () => unknown }> = {
  sinusoidal: { keys: ['length', 'dim', 'preset', 'base', 'layout', 'schedule', 'minTimescale', 'maxTimescale', 'odd', 'paddingIdx', 'omega', 'offset', 'positions', 'dtype', 'out', 'float32Angles', 'frequencies'], base: () => ({ length: 6, dim: 4 }) },
  frequencies: { keys: ['length', 'dim', 'preset', 'base', 'odd', 'height', 'width', 'temperature', 'float32Angles', 'frequencies'], base: () => ({ dim: 4 }) },
  add: { keys: ['shape', 'encoding', 'offset', 'positions', 'scale', 'out'], base: () => ({ shape: [2, 3, 4] }), arg0: () => Float32Array.from({ length: 24 }, (_, i) => i / 3) },
  concat: { keys: ['shape', 'encoding', 'offset', 'positions', 'out'], base: () => ({ shape: [2, 3, 4], encoding: { dim: 2 } }), arg0: () => Float32Array.from({ length: 24 }, (_, i) => i / 3) },
  rope: { keys: ['shape', 'layout', 'base', 'rotaryDim', 'offset', 'positions', 'scaling', 'seqLen', 'order', 'float32Angles', 'frequencies', 'attentionFactor', 'out'], base: () => ({ shape: [1, 2, 3, 4] }), arg0: () => Float32Array.from({ length: 24 }, (_, i) => i / 3) },
  ropeFrequencies: { keys: ['dim', 'base', 'scaling', 'seqLen', 'float32Angles'], base: () => ({ dim: 8 }) },
  sincos2d: { keys: ['height', 'width', 'dim', 'preset', 'temperature', 'clsToken', 'dtype', 'float32Angles', 'frequencies', 'out'], base: () => ({ height: 2, width: 3, dim: 8 }) },
  positionsFromTokens: { keys: ['shape', 'paddingIdx', 'pastLength'], base: () => ({ shape: [2, 3], paddingIdx: 1 }), arg0: () => [5, 1, 6, 1, 1, 7] },
  positionsFromMask: { keys: ['shape', 'pastLength', 'padPosition', 'offset'], base: () => ({ shape: [2, 3] }), arg0: () => [1, 1, 0, 0, 1, 1] },
  mropePositions: { keys: ['segments', 'model', 'spatialMergeSize', 'tokensPerSecond'], base: () => ({ segments: [{ text: 2 }, { image: [1, 4, 2] }, { video: [2, 2, 2], secondsPerGrid: 0.5 }, { text: 1 }], model: 'qwen2.5-vl' }) },
  visionPositions: { keys: ['height', 'width', 'spatialMergeSize'], base: () => ({ height: 4, width: 6 }) },
  sincos3d: { keys: ['frames', 'height', 'width', 'dim', 'preset', 'temporalInterpolationScale', 'spatialInterpolationScale', 'dtype', 'out'], base: () => ({ frames: 2, height: 2, width: 3, dim: 16, spatialInterpolationScale: 1.875 }) },
  identify: { keys: ['dim', 'grid'], base: () => ({ dim: 4 }), arg0: () => Float32Array.from({ length: 24 }, (_, i) => Math.sin(i * 0.7)) },
  similarity: { keys: ['dim', 'metric'], base: () => ({ dim: 4 }), arg0: () => Float32Array.from({ length: 24 }, (_, i) => i / 5) },
  alibiSlopes: { keys: ['preset', 'maxBias', 'pow'], base: () => ({ preset: 'mpt' }), arg0: () => 12 },
  addAlibi: { keys: ['shape', 'slopes', 'keyPositions', 'scale', 'out'], base: () => ({ shape: [1, 2, 3, 4], slopes: [0.5, 0.25] }), arg0: () => Float32Array.from({ length: 24 }, (_, i) => i / 3) },
  relativeBuckets: { keys: ['queryLength', 'keyLength', 'bidirectional', 'numBuckets', 'maxDistance', 'queryOffset'], base: () => ({ queryLength: 3, keyLength: 4 }) },
  relativeBias: { keys: ['heads', 'queryLength', 'keyLength', 'bidirectional', 'numBuckets', 'maxDistance', 'queryOffset', 'out'], base: () => ({ heads: 2, queryLength: 3, keyLength: 4 }), arg0: () => Float32Array.from({ length: 64 }, (_, i) => i / 8) },
};

describe('fuzz: random malformed calls', () => {
  it('throw only posenc TypeErrors/RangeErrors, write nothing when they throw, and leave every instance working', () => {
    const instances = (['wasm-simd', 'wasm', 'js'] as const).map((b) => initSync({ backend: b }));
    const canary = (pe: Posenc) => [pe.sinusoidal({ length: 3, dim: 6, offset: 2 }), pe.rope(Float32Array.from({ length: 8 }, (_, i) => i), { shape: [1, 1, 2, 4], offset: 3 })];
    const bits = instances.map(canary);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.nat(), value: valueArb }),
      fc.record({ kind: fc.constant('typo' as const), value: valueArb }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.nat() }),
      fc.record({ kind: fc.constant('arg0' as const), value: valueArb }),
      fc.record({ kind: fc.constant('options' as const), value: valueArb }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(FUNCS)), fc.integer({ min: 0, max: 2 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (fn, which, muts) => {
        const pe = instances[which];
        const spec = FUNCS[fn];
        const arrays: ArrayBufferView[] = [];
        let options: unknown = spec.base();
        let arg0: unknown = spec.arg0?.();
        if (ArrayBuffer.isView(arg0)) arrays.push(arg0);
        // (mutations of keys apply while options is still a plain object)
        const plain = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && Object.getPrototypeOf(o) === Object.prototype;
        for (const m of muts) {
          if (m.kind === 'set' && plain(options)) options[spec.keys[m.key % spec.keys.length]] = materialize(m.value, arrays);
          else if (m.kind === 'typo' && plain(options)) options.lenght = materialize(m.value, arrays);
          else if (m.kind === 'delete' && plain(options)) delete options[spec.keys[m.key % spec.keys.length]];
          else if (m.kind === 'arg0' && spec.arg0) arg0 = materialize(m.value, arrays);
          else if (m.kind === 'options') options = materialize(m.value, arrays);
        }
        const before = arrays.map((a) => (isDetached(a) ? null : new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice()));
        const f = (pe as unknown as Record<string, (...args: unknown[]) => unknown>)[fn];
        let err: unknown;
        try {
          if (spec.arg0) f.call(pe, arg0, options);
          else f.call(pe, options);
        } catch (e) {
          err = e;
        }
        if (err !== undefined) {
          if (!(err instanceof TypeError || err instanceof RangeError) || !/^posenc[.:]/.test(err.message)) {
            throw new Error(`${fn} threw ${String(err)} (${(err as Error)?.constructor?.name}) — not a posenc TypeError/RangeError`);
          }
          arrays.forEach((a, i) => {
            if (before[i] && firstByteDiff(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), before[i]!) !== -1) throw new Error(`${fn} threw ${err} but wrote into the caller's array #${i}`);
          });
        }
        instances.forEach((p, i) => canary(p).forEach((v, j) => {
          if (firstByteDiff(v, bits[i][j]) !== -1) throw new Error(`instance ${p.backend} changed its results after ${fn}`);
        }));
      }),
      { numRuns: Number(process.env.POSENC_FC_RUNS ?? 0) || 1500, ...(process.env.POSENC_FC_SEED ? { seed: Number(process.env.POSENC_FC_SEED) } : {}) },
    );
  });
});

function isDetached(a: ArrayBufferView): boolean {
  try {
    void new Uint8Array(a.buffer, a.byteOffset, 0);
    return (a.buffer as ArrayBuffer & { detached?: boolean }).detached === true;
  } catch {
    return true;
  }
}

// ---- sizes no backend can compute ------------------------------------------------------------------

describe('sizes no backend can compute are refused at once (child process: they must not hang or exhaust memory)', () => {
  let bundle: Bundle;
  beforeAll(async () => {
    bundle = await bundlePosenc();
  });
  afterAll(() => bundle?.dispose());

  // Every dim is bounded (MAX_DIM = 2^20) before any frequency is derived. Without that bound,
  // `sinusoidal({ length: 0, dim: 2 ** 31 })` computed 2^30 frequencies (≈ 60 s, 8 GiB) for an
  // empty result, and 2^32 got the process killed for memory; the same held for add/concat with an
  // empty batch, rope, ropeFrequencies and sincos2d. Each call below must throw a RangeError naming
  // the dim within a second or two.
  const CALLS: [string, string][] = [
    ['sinusoidal, empty', 'pe.sinusoidal({ length: 0, dim: 2 ** 31 })'],
    ['sinusoidal, one row', 'pe.sinusoidal({ length: 1, dim: 2 ** 31 })'],
    ['add, empty batch', 'pe.add(new Float32Array(0), { shape: [0, 3, 2 ** 31] })'],
    ['concat, empty batch', 'pe.concat(new Float32Array(0), { shape: [0, 3, 4], encoding: { dim: 2 ** 31 } })'],
    ['rope, empty batch', 'pe.rope(new Float32Array(0), { shape: [0, 1, 1, 2 ** 31] })'],
    ['ropeFrequencies', 'pe.ropeFrequencies({ dim: 2 ** 31 })'],
    ['sincos2d, empty grid', 'pe.sincos2d({ height: 0, width: 0, dim: 2 ** 31 })'],
    ['sincos3d, empty grid', 'pe.sincos3d({ frames: 0, height: 0, width: 0, dim: 2 ** 31 })'],
  ];
  for (const backend of ['wasm-simd', 'js'] as const) {
    it(`${backend}`, () => {
      const script = `
        const m = await import(${JSON.stringify(bundle.url)});
        const pe = m.initSync({ backend: '${backend}' });
        const calls = [${CALLS.map(([, c]) => `() => ${c}`).join(', ')}];
        for (const call of calls) {
          let r;
          try { call(); r = 'returned'; } catch (e) { r = e.constructor.name + ': ' + e.message; }
          process.stdout.write(JSON.stringify(r) + '\\n');
        }`;
      let out = '';
      try {
        out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 4000, killSignal: 'SIGKILL' });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? '');
      }
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as string);
      const report = CALLS.map(([name], i) => `${name}: ${lines[i] ?? 'no answer within 4 s (still computing, or killed)'}`);
      for (let i = 0; i < CALLS.length; i++) {
        expect(report[i]).toMatch(/^[^:]+: RangeError: posenc\.\w+: .*dim/);
      }
    }, 20_000);
  }
});
