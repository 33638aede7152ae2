#!/usr/bin/env node
// Compacts the tables written by scripts/identify-corpus.py into test/fixtures/identify/:
//   /usr/bin/python3 scripts/identify-corpus.py /tmp/corpus && node scripts/identify-fixtures.mjs /tmp/corpus
// <name>.json (shape, sha256, expectations, model) and <name>.bin.gz (differences from the model's
// prediction, see test/support/table-codec.mjs). Every table is decoded again and checked.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { decode, encode } from '../test/support/table-codec.mjs';

const src = process.argv[2];
if (!src) throw new Error('usage: node scripts/identify-fixtures.mjs CORPUS_DIR');
const dst = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/identify');
mkdirSync(dst, { recursive: true });
let total = 0;
for (const f of readdirSync(src).filter((f) => f.endsWith('.json')).sort()) {
  const meta = JSON.parse(readFileSync(path.join(src, f), 'utf8'));
  const raw = readFileSync(path.join(src, `${meta.name}.f32`));
  const table = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const { type, bytes } = encode(meta, table);
  const gz = gzipSync(bytes, { level: 9 });
  const back = decode(meta, type, new Uint8Array(gunzipSync(gz)));
  const sha = createHash('sha256').update(new Uint8Array(back.buffer)).digest('hex');
  if (sha !== meta.sha256) throw new Error(`${meta.name}: decoded table differs from the original`);
  meta.type = type;
  writeFileSync(path.join(dst, `${meta.name}.json`), JSON.stringify(meta) + '\n');
  writeFileSync(path.join(dst, `${meta.name}.bin.gz`), gz);
  total += gz.length;
  console.log(`${meta.name}: ${meta.rows}x${meta.cols} ${type} ${gz.length} bytes`);
}
console.log(`total ${total} bytes`);
