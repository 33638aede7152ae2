// Reading test/fixtures/models-ref.json (written by scripts/parity/model_refs.py under torch) and
// the corpus configs it was computed from (test/fixtures/models/*.json).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export interface F32 {
  shape: number[];
  f32le: string;
}
export interface I64 {
  shape: number[];
  i: number[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FixtureModel = Record<string, any> & { file: string; model_type: string; kind: string };

export const fixture = JSON.parse(readFileSync(join(root, 'models-ref.json'), 'utf8')) as { torch: string; models: FixtureModel[] };

export function f32(o: F32): Float32Array {
  const b = Buffer.from(o.f32le, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function config(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'models', file), 'utf8')) as Record<string, unknown>;
}

/** Every corpus config (index.json order). */
export function corpus(): { file: string; checkpoint: string }[] {
  return JSON.parse(readFileSync(join(root, 'models', 'index.json'), 'utf8')) as { file: string; checkpoint: string }[];
}

export function ulp32(x: number): number {
  const a = Math.abs(x);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}
