export interface FixtureMeta {
  name: string;
  rows: number;
  cols: number;
  sha256: string;
  expect: Record<string, unknown>;
  model: unknown;
  /** Storage type of the differences (added by the encoder). */
  type?: string;
}
export function predict(meta: FixtureMeta): Float32Array;
export function encode(meta: FixtureMeta, table: Float32Array): { type: string; bytes: Uint8Array };
export function decode(meta: FixtureMeta, type: string, bytes: Uint8Array): Float32Array;
