// Builds dist/: one ESM and one CJS bundle (the wasm binaries and the loader inlined, so the
// package has no runtime dependency and needs no bundler configuration), with .d.ts per condition.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = { entryPoints: ['src/index.ts'], bundle: true, platform: 'neutral', target: 'es2022', legalComments: 'none', logLevel: 'warning' };
await build({ ...common, format: 'esm', outfile: 'dist/esm/index.js' });
await build({ ...common, format: 'cjs', outfile: 'dist/cjs/index.js', mainFields: ['module', 'main'] });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
// The CJS tree gets the same declarations; its package.json makes TypeScript read them as CJS.
mkdirSync('dist/cjs', { recursive: true });
for (const entry of readdirSync('dist/esm', { recursive: true })) {
  if (String(entry).endsWith('.d.ts')) cpSync(`dist/esm/${entry}`, `dist/cjs/${entry}`);
}
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
writeFileSync('dist/esm/package.json', '{ "type": "module" }\n');
console.log('dist/: esm + cjs bundles with declarations');
