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

/**
 * Families the corpus has no checkpoint config for (Llama 4), from configs written with the released
 * keys (test/fixtures/model-extra/), computed by the same script:
 *   /usr/bin/python3 scripts/parity/model_refs.py OUT --fixture test/fixtures/model-extra-ref.json --models test/fixtures/model-extra
 */
export const extraFixture = JSON.parse(readFileSync(join(root, 'model-extra-ref.json'), 'utf8')) as { torch: string; models: FixtureModel[] };

export function f32(o: F32): Float32Array {
  const b = Buffer.from(o.f32le, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function config(file: string): Record<string, unknown> {
  const extra = join(root, 'model-extra', file);
  const path = extraFixture.models.some((m) => m.file === file) ? extra : join(root, 'models', file);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Every corpus config (index.json order). */
export function corpus(): { file: string; checkpoint: string }[] {
  return JSON.parse(readFileSync(join(root, 'models', 'index.json'), 'utf8')) as { file: string; checkpoint: string }[];
}

export function ulp32(x: number): number {
  const a = Math.abs(x);
  return a < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(a)) - 23);
}
