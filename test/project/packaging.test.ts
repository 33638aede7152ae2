// The published package, as users get it: scripts/pack-check.mjs packs it with `npm pack`,
// installs the tarball into a fresh temporary project and runs an ESM script, a CJS script and
// `tsc --noEmit` there (see the script's header). Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Report {
  ok: boolean;
  error?: string;
  checks: { name: string; ok: boolean; detail: string }[];
  files: string[];
  esm: { backend: string; sync: boolean; presets: string[]; exports: string[]; sin1: number; cos007: number; type: string; add: number };
  cjs: { backend: string; js: string; exports: string[]; type: string; sin1: number; t2t11: number; version: string; deep: string };
  tsc: { name: string; ok: boolean; output: string; read: string[] }[];
}

describe('the npm tarball in a fresh project', () => {
  let report: Report;

  it('packs, installs and runs (scripts/pack-check.mjs)', () => {
    if (!existsSync('dist/esm/index.js')) throw new Error('dist/ is missing: run `npm run build` first');
    let out: string;
    try {
      out = execFileSync(process.execPath, ['scripts/pack-check.mjs', '--json'], { encoding: 'utf8', timeout: 150_000 });
    } catch (e) {
      out = (e as { stdout?: string }).stdout ?? '';
    }
    report = JSON.parse(out);
    expect(report.error).toBeUndefined();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
  }, 180_000);

  it('ships only dist/, the conventions document and package metadata', () => {
    expect(report.files.length).toBeGreaterThan(10);
    expect(report.files).toContain('docs/conventions.md');
    expect(report.files.filter((f) => !/^(dist\/|docs\/conventions\.md$|package\.json$|README\.md$|LICENSE$)/.test(f))).toEqual([]);
  });

  it('works with import (ESM) in Node: auto backend, real values', () => {
    const esm = report.esm;
    expect(esm.backend).toBe('wasm-simd');
    expect(esm.sync).toBe(true);
    expect(esm.type).toBe('Float32Array');
    expect(esm.sin1).toBeCloseTo(0.8414709848, 6);
    expect(esm.cos007).toBeCloseTo(0.9999755001, 6);
    expect(esm.add).toBeCloseTo(2 + 0.8414709848, 9);
    expect(esm.presets).toEqual(expect.arrayContaining(['vaswani', 'marian', 'tensor2tensor', 'whisper', 'fairseq', 'seed']));
    expect(esm.exports).toEqual(expect.arrayContaining(['init', 'initSync', 'Posenc', 'PRESETS']));
  });

  it('works with require (CJS) in Node: initSync, the js backend, package.json export', () => {
    const cjs = report.cjs;
    expect(cjs.backend).toBe('wasm-simd');
    expect(cjs.js).toBe('js');
    expect(cjs.type).toBe('Float64Array');
    expect(cjs.sin1).toBeCloseTo(0.8414709848, 9);
    expect(cjs.t2t11).toBeCloseTo(0.0463992235, 9);
    expect(cjs.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(cjs.exports).toEqual(report.esm.exports);
  });

  it('type-checks (tsc --noEmit, node16 resolution, skipLibCheck off) under both conditions', () => {
    expect(report.tsc.map((t) => [t.name, t.ok, t.output])).toEqual([
      ['with DOM', true, ''],
      ['without DOM or @types/node', true, ''],
    ]);
    for (const t of report.tsc) {
      expect(t.read).toContain('node_modules/posenc/dist/esm/index.d.ts');
      expect(t.read).toContain('node_modules/posenc/dist/cjs/index.d.ts');
    }
  });
});
