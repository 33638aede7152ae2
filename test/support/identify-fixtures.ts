// The identify() corpus (test/fixtures/identify/, built by scripts/identify-corpus.py and
// scripts/identify-fixtures.mjs): upstream tables decoded and checked against torch's sha256.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { decode, type FixtureMeta } from './table-codec.mjs';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/identify');

export interface Fixture {
  meta: FixtureMeta;
  table: Float32Array;
}

export function fixtureNames(): string[] {
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** A fixture's shape and expectations only (the table is decoded by loadFixture). */
export function loadFixtureMeta(name: string): FixtureMeta {
  return JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as FixtureMeta;
}

export function loadFixture(name: string): Fixture {
  const meta = loadFixtureMeta(name);
  const bytes = new Uint8Array(gunzipSync(readFileSync(path.join(DIR, `${name}.bin.gz`))));
  const table = decode(meta, meta.type!, bytes);
  const sha = createHash('sha256').update(new Uint8Array(table.buffer)).digest('hex');
  if (sha !== meta.sha256) throw new Error(`fixture ${name}: decoded table differs from the upstream one (sha256)`);
  return { meta, table };
}
