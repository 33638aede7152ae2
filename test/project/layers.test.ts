// The layer rules of docs/architecture.md (.dependency-cruiser.cjs): src/ passes them, and each rule
// fires, with its name, on a small tree that breaks it (so a rule that matches nothing cannot pass
// unnoticed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');

/** depcruise's error listing of `dir`'s src/ under the project's rules (exit status ignored). */
function cruise(dir: string): string {
  try {
    return execFileSync(depcruise, ['src', '--config', config, '--output-type', 'err'], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A throwaway project: `files` maps paths to their imports (each file exports one constant). */
function tree(files: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'posenc-layers-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const [file, imports] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    const lines = imports.map((target, i) => {
      const rel = target.startsWith('type:') ? target.slice(5) : target;
      let spec = join('/', rel).replace(/\.ts$/, '.js');
      spec = relativeSpec(join('/', file), spec);
      return target.startsWith('type:') ? `import type { V as T${i} } from '${spec}';` : `import { V as v${i} } from '${spec}';`;
    });
    writeFileSync(join(dir, file), `${lines.join('\n')}\nexport const V = 1;\nexport type V = number;\n`);
  }
  return dir;
}

function relativeSpec(from: string, to: string): string {
  const a = dirname(from).split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  return (up ? '../'.repeat(up) : './') + b.slice(i).join('/');
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  it('src/ has no violation', () => {
    const out = cruise(root);
    expect(out).toMatch(/no dependency violations found/);
  });

  const cases: [rule: string, files: Record<string, string[]>][] = [
    ['no-circular', { 'src/rope/a.ts': ['src/rope/b.ts'], 'src/rope/b.ts': ['type:src/rope/a.ts'] }],
    ['core-is-the-bottom', { 'src/core/options.ts': ['type:src/rope/types.ts'], 'src/rope/types.ts': [] }],
    ['runtime-below-families', { 'src/runtime/rowcache.ts': ['type:src/rope/plan.ts'], 'src/rope/plan.ts': [] }],
    ['nothing-imports-api', { 'src/analysis/identify.ts': ['type:src/api/posenc.ts'], 'src/api/posenc.ts': [] }],
    ['family-through-its-index', { 'src/grid/grid2d.ts': ['src/sinusoidal/plan.ts'], 'src/sinusoidal/plan.ts': [], 'src/sinusoidal/index.ts': [] }],
    ['src-is-the-library', { 'src/core/x.ts': ['test/support/rng.ts'], 'test/support/rng.ts': [] }],
  ];
  for (const [rule, files] of cases) {
    it(`${rule} fires on a tree that breaks it`, () => {
      const out = cruise(tree(files));
      expect(out).toContain(`error ${rule}:`);
    });
  }

  it('a family may use another through its index.ts or its public types.ts', () => {
    const out = cruise(tree({ 'src/grid/grid2d.ts': ['src/sinusoidal/index.ts', 'type:src/rope/types.ts'], 'src/rope/types.ts': [], 'src/sinusoidal/index.ts': ['src/sinusoidal/plan.ts'], 'src/sinusoidal/plan.ts': ['src/core/options.ts'], 'src/core/options.ts': [] }));
    expect(out).toMatch(/no dependency violations found/);
  });
});
