// Typed arrays made by another realm (an iframe, Node's vm) fail `instanceof Float32Array` in
// this realm; posenc recognises them by their internal type name.
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { describeBackends, firstByteDiff } from '../support/backends.js';

describeBackends('typed arrays from another realm', (pe) => {
  it('are accepted as x, out, tables and positions, with the same results', () => {
    const other = runInNewContext('({ x: new Float32Array(24).map((_, i) => i / 5), out: new Float32Array(24), t: new Float64Array(16), table: new Float32Array(40).map((_, i) => i), pos: new Int32Array([1, 2, 3]) })');
    expect(other.x instanceof Float32Array).toBe(false);
    const x = Float32Array.from(other.x as Float32Array);
    const want = pe().add(x, { shape: [2, 3, 4], scale: 2 });
    expect(firstByteDiff(pe().add(other.x, { shape: [2, 3, 4], scale: 2, out: other.out }), want)).toBe(-1);
    expect(firstByteDiff(other.out, want)).toBe(-1);
    const t64 = pe().sinusoidal({ length: 4, dim: 4, dtype: 'float64', out: other.t });
    expect(t64).toBe(other.t);
    expect(t64[4]).toBeCloseTo(Math.sin(1), 12);
    const viaTable = pe().add(other.x, { shape: [2, 3, 4], encoding: other.table, positions: other.pos });
    const table = Float32Array.from(other.table as Float32Array);
    expect(firstByteDiff(viaTable, pe().add(x, { shape: [2, 3, 4], encoding: table, positions: [1, 2, 3] }))).toBe(-1);
  });

  it('keep their dtype checks', () => {
    const other = runInNewContext('({ x: new Float32Array(8), out: new Float64Array(8), i: new Int16Array(8) })');
    expect(() => pe().add(other.x, { shape: [1, 2, 4], out: other.out })).toThrow(TypeError);
    expect(() => pe().add(other.i, { shape: [1, 2, 4] })).toThrow(/x must be a Float32Array/);
  });
});

