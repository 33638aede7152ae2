// Bundles src/ (with test/support/determinism.ts) into one ESM file in a temporary directory, for
// code that runs outside vitest's module graph: worker_threads and child `node` processes. It is
// built from the same sources the tests import, so it can never be stale the way dist/ can while
// several people edit src/ (the published dist/ is checked by test/packaging.test.ts).
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Bundle {
  /** Directory holding the bundle (removed by `dispose`). */
  dir: string;
  /** file:// URL of the bundle: `import(url)` gives initSync, init, hashAll, determinismCases, churn, … */
  url: string;
  /** Writes a file next to the bundle and returns its path. */
  write(name: string, text: string): string;
  dispose(): void;
}

export async function bundlePosenc(): Promise<Bundle> {
  const dir = mkdtempSync(join(tmpdir(), 'posenc-test-'));
  const entry = join(dir, 'entry.ts');
  const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
  writeFileSync(entry, [
    `export * from ${JSON.stringify(join(root, 'src/index.ts'))};`,
    `export * from ${JSON.stringify(join(root, 'test/support/determinism.ts'))};`,
  ].join('\n'));
  const outfile = join(dir, 'posenc.mjs');
  await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20',
    outfile, logLevel: 'warning', absWorkingDir: root, nodePaths: [join(root, 'node_modules')],
  });
  return {
    dir,
    url: pathToFileURL(outfile).href,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
