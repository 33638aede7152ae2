// The package documents itself: docs/conventions.md exists and is listed in package.json `files`,
// every "§n" that a source file, test, script or README cites names one of its sections, and no
// file of the repository points outside it (to a sibling checkout's spec files).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOC = 'docs/conventions.md';
const ROOTS = ['README.md', 'package.json', 'vitest.config.ts', 'vitest.browser.config.ts', '.ci', 'assembly', 'bench', 'demo', 'docs', 'examples', 'scripts', 'src', 'test'];
// Generated or fetched: not written by hand.
const SKIP = /(^|\/)(node_modules|dist|build|results)(\/|$)|^src\/wasm\//;
const TEXT = /\.(ts|mts|cts|mjs|cjs|js|md|json|sh|html|css|py)$|^\.ci\/run$/;

function files(path: string, out: string[] = []): string[] {
  if (SKIP.test(path) || !existsSync(path)) return out;
  if (statSync(path).isDirectory()) {
    for (const name of readdirSync(path)) files(join(path, name), out);
  } else if (TEXT.test(path)) out.push(path);
  return out;
}
const all = ROOTS.flatMap((r) => files(r));

describe(DOC, () => {
  const doc = readFileSync(DOC, 'utf8');
  const anchors = new Set([...doc.matchAll(/<a id="s(\d+[a-z]?)"><\/a>\n## +§(\d+[a-z]?) /g)].filter((m) => m[1] === m[2]).map((m) => m[1]));
  const subAnchors = new Set([...doc.matchAll(/<a id="s(\d+[a-z]?)"><\/a>\n### +§(\d+[a-z]?) /g)].filter((m) => m[1] === m[2]).map((m) => m[1]));

  it('has the sections the sources cite, each with an anchor and a contents entry', () => {
    for (const s of ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14']) expect(anchors, `§${s}`).toContain(s);
    for (const s of ['4a', '4b', '4c', '4d', '5a', '5b', '6a', '6b', '6c', '6d', '7a', '7b', '7c', '7d', '7e', '9a', '9b', '12a', '12b', '12c', '13a', '13b', '13c', '13d', '14a', '14b', '14c']) expect(subAnchors, `§${s}`).toContain(s);
    const contents = doc.slice(doc.indexOf('## Contents'), doc.indexOf('<a id="s0">'));
    for (const s of [...anchors, ...subAnchors]) expect(contents, `contents entry for §${s}`).toContain(`(#s${s})`);
  });

  it('every §n cited by a source, test, script, demo or the README is a section of it', () => {
    const cited: string[] = [];
    for (const f of all) {
      if (f === DOC) continue;
      for (const m of readFileSync(f, 'utf8').matchAll(/§(\d+[a-z]?)(?![.\d])/g)) {
        if (!anchors.has(m[1]) && !subAnchors.has(m[1])) cited.push(`${f}: §${m[1]}`);
      }
    }
    expect(cited).toEqual([]);
  });

  it('is shipped: package.json `files` lists it', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { files: string[] };
    expect(pkg.files).toContain(DOC);
  });

  it('no file points outside the repository for its specification', () => {
    const outside = ['..', 'shared'].join('/');
    const specDir = ['shared', 'spec'].join('/');
    expect(all.length).toBeGreaterThan(50);
    const hits = all.filter((f) => {
      const text = readFileSync(f, 'utf8');
      return text.includes(outside) || text.includes(specDir);
    });
    expect(hits).toEqual([]);
  });
});
