import { expect, it } from 'vitest';
import { init } from '../../src/index.js';
import type { Posenc } from '../../src/index.js';
import { describeBackends, firstByteDiff } from '../support/backends.js';

function detached(n = 8): Float32Array {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

interface Case {
  name: string;
  type: typeof TypeError | typeof RangeError;
  /** Text the message must contain (the parameter's name). */
  param: string;
  call: (pe: Posenc, x: Float32Array, out: Float32Array) => unknown;
}

const S = [2, 3, 4];
const cases: Case[] = [
  // sinusoidal
  { name: 'no options', type: TypeError, param: 'options', call: (pe) => pe.sinusoidal(undefined as never) },
  { name: 'options is an array', type: TypeError, param: 'options', call: (pe) => pe.sinusoidal([] as never) },
  { name: 'unknown option (typo)', type: TypeError, param: 'options.lenght', call: (pe) => pe.sinusoidal({ lenght: 3, dim: 4 } as never) },
  { name: 'dim missing', type: TypeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3 } as never) },
  { name: 'dim as a string', type: TypeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: '8' as never }) },
  { name: 'dim 0', type: RangeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: 0 }) },
  { name: 'dim negative', type: RangeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: -8 }) },
  { name: 'dim fractional', type: RangeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: 2.5 }) },
  { name: 'dim NaN', type: RangeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: NaN }) },
  { name: 'dim Infinity', type: RangeError, param: 'options.dim', call: (pe) => pe.sinusoidal({ length: 3, dim: Infinity }) },
  { name: 'length negative', type: RangeError, param: 'options.length', call: (pe) => pe.sinusoidal({ length: -1, dim: 4 }) },
  { name: 'length fractional', type: RangeError, param: 'options.length', call: (pe) => pe.sinusoidal({ length: 1.5, dim: 4 }) },
  { name: 'length missing without positions', type: TypeError, param: 'options.length', call: (pe) => pe.sinusoidal({ dim: 4 }) },
  { name: 'size product overflows 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.sinusoidal({ length: 2 ** 20, dim: 2 ** 12 }) },
  { name: 'unknown preset', type: RangeError, param: 'options.preset', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, preset: 'bert' as never }) },
  { name: 'preset of the wrong type', type: TypeError, param: 'options.preset', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, preset: 1 as never }) },
  { name: 'unknown layout', type: RangeError, param: 'options.layout', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, layout: 'split' as never }) },
  { name: 'unknown schedule', type: RangeError, param: 'options.schedule', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, schedule: 'log' as never }) },
  { name: "odd dim with odd: 'error'", type: RangeError, param: 'dim', call: (pe) => pe.sinusoidal({ length: 3, dim: 7, odd: 'error' }) },
  { name: 'whisper with odd dim', type: RangeError, param: 'dim', call: (pe) => pe.sinusoidal({ length: 3, dim: 7, preset: 'whisper' }) },
  { name: 'whisper with dim 2 (division by zero in its schedule)', type: RangeError, param: 'dim', call: (pe) => pe.sinusoidal({ length: 3, dim: 2, preset: 'whisper' }) },
  { name: 'fairseq with dim 3', type: RangeError, param: 'dim', call: (pe) => pe.sinusoidal({ length: 3, dim: 3, preset: 'fairseq' }) },
  { name: 'base 0', type: RangeError, param: 'options.base', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, base: 0 }) },
  { name: 'base NaN', type: RangeError, param: 'options.base', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, base: NaN }) },
  { name: 'maxTimescale negative', type: RangeError, param: 'options.maxTimescale', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, preset: 'tensor2tensor', maxTimescale: -1 }) },
  { name: 'paddingIdx fractional', type: RangeError, param: 'options.paddingIdx', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, preset: 'fairseq', paddingIdx: 0.5 }) },
  { name: 'omega on a non-seed preset', type: TypeError, param: 'options.omega', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, omega: 2 }) },
  { name: 'base on seed', type: TypeError, param: 'options.base', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, preset: 'seed', base: 2 }) },
  { name: 'offset NaN', type: RangeError, param: 'options.offset', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, offset: NaN }) },
  { name: 'offset and positions', type: TypeError, param: 'options.offset', call: (pe) => pe.sinusoidal({ dim: 4, offset: 1, positions: [1] }) },
  { name: 'positions with Infinity', type: RangeError, param: 'options.positions[1]', call: (pe) => pe.sinusoidal({ dim: 4, positions: [1, Infinity] }) },
  { name: 'positions of strings', type: TypeError, param: 'options.positions[0]', call: (pe) => pe.sinusoidal({ dim: 4, positions: ['1'] as never }) },
  { name: 'positions not an array', type: TypeError, param: 'options.positions', call: (pe) => pe.sinusoidal({ dim: 4, positions: 5 as never }) },
  { name: 'positions length ≠ length', type: RangeError, param: 'options.positions', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, positions: [1, 2] }) },
  { name: 'unknown dtype', type: RangeError, param: 'options.dtype', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, dtype: 'float16' as never }) },
  { name: 'out of the wrong size', type: RangeError, param: 'options.out', call: (pe, _x, out) => pe.sinusoidal({ length: 3, dim: 4, out }) },
  { name: 'out of the wrong dtype', type: TypeError, param: 'options.out', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, out: new Float32Array(12), dtype: 'float64' }) },
  { name: 'out a plain array', type: TypeError, param: 'options.out', call: (pe) => pe.sinusoidal({ length: 3, dim: 4, out: [] as never }) },
  { name: 'out detached', type: TypeError, param: 'options.out', call: (pe) => pe.sinusoidal({ length: 2, dim: 4, out: detached(8) }) },
  // add
  { name: 'x a plain array', type: TypeError, param: 'x', call: (pe) => pe.add([1, 2, 3] as never, { shape: [1, 1, 3] }) },
  { name: 'x an Int32Array', type: TypeError, param: 'x', call: (pe) => pe.add(new Int32Array(3) as never, { shape: [1, 1, 3] }) },
  { name: 'x detached', type: TypeError, param: 'x', call: (pe) => pe.add(detached(24), { shape: S }) },
  { name: 'shape missing', type: TypeError, param: 'options.shape', call: (pe, x) => pe.add(x, {} as never) },
  { name: 'shape of rank 1', type: RangeError, param: 'options.shape', call: (pe, x) => pe.add(x, { shape: [24] }) },
  { name: 'shape of rank 4', type: RangeError, param: 'options.shape', call: (pe, x) => pe.add(x, { shape: [1, 2, 3, 4] }) },
  { name: 'shape disagreeing with x.length', type: RangeError, param: 'options.shape', call: (pe, x) => pe.add(x, { shape: [2, 3, 5] }) },
  { name: 'shape with a negative size', type: RangeError, param: 'options.shape[0]', call: (pe, x) => pe.add(x, { shape: [-2, 3, 4] }) },
  { name: 'shape with a string', type: TypeError, param: 'options.shape[2]', call: (pe, x) => pe.add(x, { shape: [2, 3, '4' as never] }) },
  { name: 'shape whose product overflows', type: RangeError, param: '2^32', call: (pe, x) => pe.add(x, { shape: [2 ** 16, 2 ** 16, 2] }) },
  { name: 'scale NaN', type: RangeError, param: 'options.scale', call: (pe, x) => pe.add(x, { shape: S, scale: NaN }) },
  { name: 'scale Infinity', type: RangeError, param: 'options.scale', call: (pe, x) => pe.add(x, { shape: S, scale: Infinity }) },
  { name: 'scale a string', type: TypeError, param: 'options.scale', call: (pe, x) => pe.add(x, { shape: S, scale: '2' as never }) },
  { name: 'unknown add option', type: TypeError, param: 'options.scal', call: (pe, x) => pe.add(x, { shape: S, scal: 2 } as never) },
  { name: 'out too small', type: RangeError, param: 'options.out', call: (pe, x, out) => pe.add(x, { shape: S, out }) },
  { name: 'out partially overlapping x', type: RangeError, param: 'overlaps', call: (pe, x) => pe.add(x.subarray(0, 12), { shape: [1, 3, 4], out: x.subarray(4, 16) }) },
  { name: 'out of another dtype', type: TypeError, param: 'options.out', call: (pe, x) => pe.add(x, { shape: S, out: new Float64Array(24) }) },
  { name: 'encoding a string', type: TypeError, param: 'options.encoding', call: (pe, x) => pe.add(x, { shape: S, encoding: 'vaswani' as never }) },
  { name: 'encoding with an unknown preset', type: RangeError, param: 'options.encoding.preset', call: (pe, x) => pe.add(x, { shape: S, encoding: { preset: 'rope' as never } }) },
  { name: 'encoding.dim ≠ x dim', type: RangeError, param: 'options.encoding.dim', call: (pe, x) => pe.add(x, { shape: S, encoding: { dim: 8 } }) },
  { name: "'seed' cannot be added (2 columns)", type: RangeError, param: 'concat', call: (pe, x) => pe.add(x, { shape: S, encoding: { preset: 'seed' } }) },
  { name: 'offset in options and encoding', type: TypeError, param: 'offset', call: (pe, x) => pe.add(x, { shape: S, offset: 1, encoding: { offset: 2 } }) },
  { name: 'positions of the wrong length', type: RangeError, param: 'options.positions', call: (pe, x) => pe.add(x, { shape: S, positions: [1, 2] }) },
  { name: 'table of another dtype', type: TypeError, param: 'options.encoding', call: (pe, x) => pe.add(x, { shape: S, encoding: new Float64Array(40) }) },
  { name: 'table length not a multiple of dim', type: RangeError, param: 'options.encoding.length', call: (pe, x) => pe.add(x, { shape: S, encoding: new Float32Array(10) }) },
  { name: 'table too short for offset + length', type: RangeError, param: 'options.offset', call: (pe, x) => pe.add(x, { shape: S, encoding: new Float32Array(16), offset: 2 }) },
  { name: 'table position out of range', type: RangeError, param: 'options.positions[2]', call: (pe, x) => pe.add(x, { shape: S, encoding: new Float32Array(16), positions: [0, 1, 4] }) },
  { name: 'table position fractional', type: RangeError, param: 'options.positions[0]', call: (pe, x) => pe.add(x, { shape: S, encoding: new Float32Array(16), positions: [0.5, 1, 2] }) },
  { name: 'table offset negative', type: RangeError, param: 'options.offset', call: (pe, x) => pe.add(x, { shape: S, encoding: new Float32Array(16), offset: -1 }) },
  { name: 'table detached', type: TypeError, param: 'options.encoding', call: (pe, x) => pe.add(x, { shape: S, encoding: detached(16) }) },
  // concat
  { name: 'concat without the encoding width', type: TypeError, param: 'options.encoding.dim', call: (pe, x) => pe.concat(x, { shape: S }) },
  { name: 'concat table without its width', type: TypeError, param: '{ table, dim }', call: (pe, x) => pe.concat(x, { shape: S, encoding: new Float32Array(16) }) },
  { name: 'concat out overlapping x', type: RangeError, param: 'overlaps', call: (pe) => { const b = new Float32Array(60); return pe.concat(b.subarray(0, 24), { shape: S, encoding: { dim: 1 }, out: b.subarray(20, 50) }); } },
  { name: 'concat out of the wrong size', type: RangeError, param: 'options.out', call: (pe, x) => pe.concat(x, { shape: S, encoding: { dim: 2 }, out: new Float32Array(24) }) },
  // alloc and module tensors
  { name: 'alloc negative length', type: RangeError, param: 'length', call: (pe) => pe.alloc(-1) },
  { name: 'alloc unknown dtype', type: RangeError, param: 'dtype', call: (pe) => pe.alloc(4, 'int8' as never) },
  { name: 'alloc beyond 2^32 bytes', type: RangeError, param: '2^32', call: (pe) => pe.alloc(2 ** 31) },
  { name: 'freed tensor as x', type: TypeError, param: 'freed', call: (pe) => { const t = pe.alloc(24); t.free(); return pe.add(t, { shape: S }); } },
  { name: 'freed tensor as out', type: TypeError, param: 'freed', call: (pe) => { const t = pe.alloc(12); t.free(); return pe.sinusoidal({ length: 3, dim: 4, out: t }); } },
];

describeBackends('bad input: typed error naming the parameter, nothing written, instance usable', (pe) => {
  it.each(cases.map((c) => [c.name, c]))('%s', (_, c) => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i / 7);
    const out = Float32Array.from({ length: 10 }, (_, i) => -i);
    const x0 = x.slice();
    const out0 = out.slice();
    let err: unknown;
    try {
      c.call(pe(), x, out);
    } catch (e) {
      err = e;
    }
    expect(err, 'should throw').toBeInstanceOf(c.type);
    expect((err as Error).message).toContain(c.param);
    expect((err as Error).message).toMatch(/^posenc\.|posenc:/);
    expect(firstByteDiff(x, x0)).toBe(-1);
    expect(firstByteDiff(out, out0)).toBe(-1);
    // the instance keeps working
    expect(pe().sinusoidal({ length: 2, dim: 4, dtype: 'float64' })[4]).toBeCloseTo(Math.sin(1), 15);
  });

  it('x is byte-identical after a rejected call even when out is x', () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i);
    const x0 = x.slice();
    expect(() => pe().add(x, { shape: S, out: x, encoding: new Float32Array(16), positions: [0, 1, 9] })).toThrow(RangeError);
    expect(firstByteDiff(x, x0)).toBe(-1);
  });
});

it('init rejects an unknown backend and unknown options', async () => {
  await expect(init({ backend: 'gpu' as never })).rejects.toThrow(RangeError);
  await expect(init({ backends: 'js' } as never)).rejects.toThrow(TypeError);
});
