// Position ids from tokens (fairseq make_positions, RoBERTa) and from attention masks (GPT-2, OPT):
// conventions §3 and §4d, with the examples of docs/conventions.md and of Hugging Face's code.
import { expect, it } from 'vitest';
import type { IntLike, PositionsFromMaskOptions, PositionsFromTokensOptions } from '../../src/api/types.js';
import { describeBackends } from '../support/backends.js';

describeBackends('positions', (get) => {
  it('§3 fairseq example (pad = 1): [[1,1,5,6,7],[5,6,7,8,9]] → [[1,1,2,3,4],[2,3,4,5,6]]', () => {
    const p = get().positionsFromTokens([1, 1, 5, 6, 7, 5, 6, 7, 8, 9], { shape: [2, 5], paddingIdx: 1 });
    expect(p).toBeInstanceOf(Int32Array);
    expect(Array.from(p)).toEqual([1, 1, 2, 3, 4, 2, 3, 4, 5, 6]);
  });

  it('right padding, pad id 0, past length (HF create_position_ids_from_input_ids), typed and BigInt inputs', () => {
    const pe = get();
    expect(Array.from(pe.positionsFromTokens(Int32Array.of(5, 6, 0, 0), { shape: [1, 4], paddingIdx: 0 }))).toEqual([1, 2, 0, 0]);
    // (cumsum(mask) + past)·mask + pad
    expect(Array.from(pe.positionsFromTokens([7, 1, 8], { shape: [1, 3], paddingIdx: 1, pastLength: 4 }))).toEqual([6, 1, 7]);
    expect(Array.from(pe.positionsFromTokens(BigInt64Array.of(1n, 5n, 6n), { shape: [1, 3], paddingIdx: 1 }))).toEqual([1, 2, 3]);
    expect(Array.from(pe.positionsFromTokens(Uint16Array.of(3, 3), { shape: [2, 1], paddingIdx: 1 }))).toEqual([2, 2]);
    expect(pe.positionsFromTokens([], { shape: [0, 5], paddingIdx: 1 }).length).toBe(0);
  });

  it('GPT-2 (HF generate): cumsum(mask) − 1, padding → 1; OPT: padding −1, offset 2; past columns dropped', () => {
    const pe = get();
    const mask = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(Array.from(pe.positionsFromMask(mask, { shape: [2, 5] }))).toEqual([1, 1, 0, 1, 2, 0, 1, 2, 3, 4]);
    expect(Array.from(pe.positionsFromMask(mask, { shape: [2, 5], padPosition: -1, offset: 2 }))).toEqual([1, 1, 2, 3, 4, 2, 3, 4, 5, 6]);
    // past + current mask; the cached columns are dropped (positions[:, past:]).
    expect(Array.from(pe.positionsFromMask(mask, { shape: [2, 5], pastLength: 3 }))).toEqual([1, 2, 3, 4]);
    expect(Array.from(pe.positionsFromMask([true, false, true], { shape: [1, 3] }))).toEqual([0, 1, 1]);
    expect(Array.from(pe.positionsFromMask(Uint8Array.of(1, 1), { shape: [1, 2], pastLength: 2 }))).toEqual([]);
  });

  it('bad input: TypeError / RangeError naming the parameter', () => {
    const pe = get();
    const tok: [unknown, unknown, RegExp, ErrorConstructor][] = [
      ['1 2 3', { shape: [1, 3], paddingIdx: 1 }, /tokens must be an array or typed array of integers/, TypeError],
      [[1, 2, 3], { shape: [1, 3] }, /options\.paddingIdx is required/, TypeError],
      [[1, 2, 3], { shape: [2, 2], paddingIdx: 1 }, /options\.shape must be consistent with tokens\.length = 3/, RangeError],
      [[1, 2, 3], { shape: [3], paddingIdx: 1 }, /options\.shape must be of rank 2/, RangeError],
      [[1, 2.5, 3], { shape: [1, 3], paddingIdx: 1 }, /tokens\[1\] must be an integer, got 2\.5/, RangeError],
      [[1, '2', 3], { shape: [1, 3], paddingIdx: 1 }, /tokens\[1\] must be an integer, got "2"/, TypeError],
      [[1, 2, 3], { shape: [1, 3], paddingIdx: 1, past: 2 }, /unknown option options\.past/, TypeError],
      [[1, 2, 3], { shape: [1, 3], paddingIdx: 1, pastLength: -1 }, /options\.pastLength must be an integer in \[0, /, RangeError],
    ];
    for (const [t, o, re, E] of tok) {
      expect(() => pe.positionsFromTokens(t as IntLike, o as PositionsFromTokensOptions), String(re)).toThrow(E);
      expect(() => pe.positionsFromTokens(t as IntLike, o as PositionsFromTokensOptions)).toThrow(re);
    }
    const msk: [unknown, unknown, RegExp, ErrorConstructor][] = [
      [[1, 2, 1], { shape: [1, 3] }, /mask\[1\] must be 0 or 1 \(or a boolean\), got 2/, RangeError],
      [[1, 1, 1], { shape: [1, 3], pastLength: 4 }, /options\.pastLength must be an integer in \[0, 3\], got 4/, RangeError],
      [[1, 1, 1], {}, /options\.shape is required/, TypeError],
      [[1, 1, 1], { shape: [1, 3], padPosition: 0.5 }, /options\.padPosition must be an integer/, RangeError],
    ];
    for (const [m, o, re, E] of msk) {
      expect(() => pe.positionsFromMask(m as IntLike, o as PositionsFromMaskOptions), String(re)).toThrow(E);
      expect(() => pe.positionsFromMask(m as IntLike, o as PositionsFromMaskOptions)).toThrow(re);
    }
  });
});
