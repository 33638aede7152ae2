// similarity: options → plan. The Gram matrix of a table's rows, the picture of what an encoding
// encodes: for a sinusoidal table, row i · row j depends only on i − j (the relative-position
// property), a learned table shows whatever its training made of it.

import { MAX_DIM, checkEnum, checkInt, checkKeys, checkObject, checkProduct, floatArray, isFloat64Array, rangeError } from '../core/options.js';
import type { FloatArray, ModuleTensor } from '../core/types.js';

export interface SimilarityPlan {
  readonly rows: number;
  readonly dim: number;
  readonly f64: boolean;
  readonly cosine: boolean;
}

const KEYS = ['dim', 'metric'] as const;

/**
 * A table argument of rows × dim (shared by identify and similarity): its view and row count.
 * Every element must be finite (a NaN would make every comparison meaningless).
 */
export function checkTable(fn: string, table: unknown, dimV: unknown): { a: FloatArray; rows: number; dim: number } {
  const a = floatArray(fn, 'table', table);
  if (dimV === undefined) throw new TypeError(`posenc.${fn}: options.dim is required (the table's width)`);
  const dim = checkInt(fn, 'options.dim', dimV, 1, MAX_DIM);
  if (a.length === 0 || a.length % dim !== 0) {
    throw rangeError(fn, 'table.length', `a positive multiple of options.dim = ${dim} (rows × dim)`, a.length);
  }
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v - v !== 0) throw rangeError(fn, `table[${i}]`, 'a finite number', v);
  }
  return { a, rows: a.length / dim, dim };
}

/** Validates `similarity(table, options)`. */
export function planSimilarity(table: unknown, options: unknown): { plan: SimilarityPlan; table: FloatArray | ModuleTensor } {
  const fn = 'similarity';
  floatArray(fn, 'table', table);
  checkObject(fn, 'options', options);
  checkKeys(fn, 'options', options, KEYS);
  const { a, rows, dim } = checkTable(fn, table, options.dim);
  const metric = checkEnum(fn, 'options.metric', options.metric === undefined ? 'dot' : options.metric, ['dot', 'cosine']);
  checkProduct(fn, 'a similarity matrix of shape', [rows, rows], 4);
  return { plan: { rows, dim, f64: isFloat64Array(a), cosine: metric === 'cosine' }, table: table as FloatArray | ModuleTensor };
}
