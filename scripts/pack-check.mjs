// Packaging check (npm run test:pack; driven by test/packaging.test.ts): the tarball users get.
//  1. package.json: exports map with import/require conditions and types per condition, every
//     path present; sideEffects: false.
//  2. The bundles import nothing (no `node:` module, no bare import, no require) and have no
//     top-level await (esbuild refuses to re-bundle top-level await as CJS).
//  3. `npm pack`, install the tarball into a fresh temporary project (no registry needed: posenc
//     has no runtime dependency), then run there an ESM script, a CJS script, and `tsc --noEmit`
//     (the repo's TypeScript) on a .mts and a .cts file under moduleResolution node16, with
//     skipLibCheck off, with and without the DOM library.
// Prints one JSON report on stdout (`--json`) or a readable summary; exits 1 on any failure.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');
const keep = process.argv.includes('--keep') || process.env.PACK_CHECK_KEEP === '1';
const report = { ok: false, checks: [], files: [], esm: null, cjs: null, tsc: [], tmp: null };
const log = (msg) => {
  if (!json) console.log(msg);
};

function check(name, cond, detail = '') {
  report.checks.push({ name, ok: !!cond, detail });
  if (!cond) throw new Error(`pack-check: ${name} failed${detail ? `: ${detail}` : ''}`);
  log(`  ok  ${name}`);
}

function run(cmd, args, cwd, extra = {}) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, ...extra });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let tmp;

try {
  // 1. package.json
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const dot = pkg.exports?.['.'];
  check('exports["."] has import and require conditions', dot?.import && dot?.require);
  for (const cond of ['import', 'require']) {
    check(`exports["."].${cond} lists types first, then default`, Object.keys(dot[cond]).join(',') === 'types,default', Object.keys(dot[cond]).join(','));
    for (const k of ['types', 'default']) {
      check(`${dot[cond][k]} exists`, existsSync(join(root, dot[cond][k])), 'run `npm run build` first');
    }
  }
  check('sideEffects is false', pkg.sideEffects === false);
  check('no runtime dependencies', !pkg.dependencies || Object.keys(pkg.dependencies).length === 0, JSON.stringify(pkg.dependencies));
  for (const f of [pkg.main, pkg.module, pkg.types]) check(`${f} exists`, f && existsSync(join(root, f)));

  // 2. The bundles import nothing and have no top-level await.
  for (const [file, format] of [[dot.import.default, 'esm'], [dot.require.default, 'cjs']]) {
    const text = readFileSync(join(root, file), 'utf8');
    check(`${file}: no node: import`, !/["']node:/.test(text));
    check(`${file}: no require() call`, !/\brequire\s*\(/.test(text));
    const meta = await build({
      entryPoints: [join(root, file)], bundle: true, write: false, metafile: true, platform: 'browser',
      format: 'cjs', logLevel: 'silent',
    }).catch((e) => ({ error: e }));
    check(`${file}: bundles for a browser as CJS (no top-level await)`, !meta.error, meta.error?.message);
    const inputs = Object.keys(meta.metafile.inputs);
    check(`${file}: imports no other module`, inputs.length === 1, inputs.join(', '));
    if (format === 'esm') check(`${file}: no import statement left`, !/^\s*import[\s{*]/m.test(text) && !/\bimport\(/.test(text));
  }

  // 3. npm pack → fresh project → ESM, CJS, tsc.
  tmp = mkdtempSync(join(tmpdir(), 'posenc-pack-'));
  report.tmp = tmp;
  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', tmp], root))[0];
  report.files = packed.files.map((f) => f.path).sort();
  const tarball = join(tmp, packed.filename);
  check(`npm pack made ${packed.filename} (${packed.size} bytes, ${packed.files.length} files)`, existsSync(tarball));
  for (const f of ['package.json', 'dist/esm/index.js', 'dist/cjs/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'docs/conventions.md']) {
    check(`tarball contains ${f}`, report.files.includes(f));
  }
  const stray = report.files.filter((f) => /^(src|test|assembly|scripts|bench|demo|examples|node_modules)\//.test(f) || (f.startsWith('docs/') && f !== 'docs/conventions.md'));
  check('tarball holds no sources, tests, scripts or other docs (only docs/conventions.md)', stray.length === 0, stray.join(', '));

  const app = join(tmp, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'posenc-consumer', version: '1.0.0', private: true }, null, 2));
  run(npm, ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], app);
  check('installed into a fresh project', existsSync(join(app, 'node_modules', 'posenc', 'dist', 'esm', 'index.js')));

  writeFileSync(join(app, 'esm.mjs'), `
import { init, initSync, PRESETS } from 'posenc';
import * as ns from 'posenc';
const pe = await init();
const t = pe.sinusoidal({ dim: 8, length: 8 });
const y = pe.add(new Float64Array(16).fill(1), { shape: [2, 8], scale: 2 });
console.log(JSON.stringify({
  backend: pe.backend, sync: initSync() === pe, presets: Object.keys(PRESETS), exports: Object.keys(ns).sort(),
  sin1: t[8], cos007: t[63], type: t.constructor.name, add: y[8],
  resolved: import.meta.resolve('posenc'),
}));
`);
  writeFileSync(join(app, 'cjs.cjs'), `
const posenc = require('posenc');
const { initSync, init } = posenc;
const pe = initSync();
const t = pe.sinusoidal({ preset: 'tensor2tensor', dim: 8, length: 8, dtype: 'float64' });
let deep = 'allowed';
try { require('posenc/dist/esm/index.js'); } catch (e) { deep = e.code; }
init({ backend: 'js' }).then((js) => {
  console.log(JSON.stringify({
    backend: pe.backend, js: js.backend, exports: Object.keys(posenc).sort(), type: t.constructor.name,
    sin1: t[8], t2t11: t[9], version: require('posenc/package.json').version, deep,
    resolved: require.resolve('posenc'),
  }));
});
`);
  report.esm = JSON.parse(run(process.execPath, ['esm.mjs'], app));
  check(`ESM import: backend ${report.esm.backend}, PE[1][0] = ${report.esm.sin1}`, report.esm.backend === 'wasm-simd' && Math.abs(report.esm.sin1 - 0.8414709848) < 1e-7);
  check('ESM import resolves to dist/esm', report.esm.resolved.endsWith('/node_modules/posenc/dist/esm/index.js'), report.esm.resolved);
  report.cjs = JSON.parse(run(process.execPath, ['cjs.cjs'], app));
  check(`CJS require: backend ${report.cjs.backend}, PE[1][1] = ${report.cjs.t2t11}`, report.cjs.backend === 'wasm-simd' && Math.abs(report.cjs.t2t11 - 0.0463992235) < 1e-9);
  check('CJS require resolves to dist/cjs', report.cjs.resolved.endsWith('/node_modules/posenc/dist/cjs/index.js'), report.cjs.resolved);
  check('deep imports are closed by the exports map', report.cjs.deep === 'ERR_PACKAGE_PATH_NOT_EXPORTED', report.cjs.deep);
  check('ESM and CJS export the same names', JSON.stringify(report.esm.exports) === JSON.stringify(report.cjs.exports), `${report.esm.exports} vs ${report.cjs.exports}`);

  // TypeScript: the types each condition resolves to, checked strictly (no skipLibCheck, no any).
  const tsBody = `
const pe: Posenc = await init({ backend: 'auto' });
const backend: BackendName = pe.backend;
const t32: Float32Array = pe.sinusoidal({ preset: 'vaswani', dim: 8, length: 4 });
const t64: Float64Array = pe.sinusoidal({ dim: 8, length: 4, dtype: 'float64' });
const y: Float32Array = pe.add(new Float32Array(32), { shape: [4, 8], scale: Math.sqrt(8) });
const z: Float64Array = pe.concat(new Float64Array(8), { shape: [4, 2], encoding: { preset: 'marian', dim: 6 } });
const m: ModuleTensor = pe.alloc(16, 'float64');
const opts: SinusoidalOptions = { dim: 4, length: 2, offset: 1 };
const names: string[] = Object.keys(PRESETS);
// @ts-expect-error an unknown preset is a type error (the types are real, not any)
pe.sinusoidal({ dim: 8, length: 4, preset: 'nope' });
// @ts-expect-error dim is required
pe.sinusoidal({ length: 4 });
// @ts-expect-error a float64 table is not a Float32Array
const wrong: Float32Array = pe.sinusoidal({ dim: 8, length: 4, dtype: 'float64' });
export const used = [backend, t32, t64, y, z, m, opts, names, wrong, initSync];
`;
  const imports = "import { init, initSync, PRESETS, Posenc, type BackendName, type ModuleTensor, type SinusoidalOptions } from 'posenc';";
  writeFileSync(join(app, 'check.mts'), `${imports}\n${tsBody}`);
  // A CJS file cannot await at the top level: the same body inside an async function.
  writeFileSync(join(app, 'check.cts'), `${imports}\nexport async function main() {\n${tsBody.replace('export const used =', 'return')}}\n`);
  for (const [name, lib] of [['with DOM', ['es2022', 'dom']], ['without DOM or @types/node', ['es2022']]]) {
    const tsconfig = {
      compilerOptions: {
        target: 'es2022', module: 'node16', moduleResolution: 'node16', lib, types: [], strict: true,
        skipLibCheck: false, noEmit: true, noUnusedLocals: false, allowUnusedLabels: false,
      },
      files: ['check.mts', 'check.cts'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    let out = '';
    let ok = true;
    try {
      out = run(process.execPath, [tsc, '--noEmit', '-p', 'tsconfig.json', '--listFiles'], app);
    } catch (e) {
      ok = false;
      out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    }
    const read = out.split('\n').filter((l) => l.includes('/node_modules/posenc/')).map((l) => l.slice(l.indexOf('node_modules/posenc/')));
    report.tsc.push({ name, ok, output: ok ? '' : out.trim(), read });
    check(`tsc --noEmit (${name}) on .mts and .cts`, ok, out.trim());
    check(`tsc (${name}) read both conditions' declarations`, read.includes('node_modules/posenc/dist/esm/index.d.ts') && read.includes('node_modules/posenc/dist/cjs/index.d.ts'), read.join(', '));
  }
  report.ok = true;
  log('pack-check: ok');
} catch (e) {
  report.error = e.message;
  if (!json) console.error(e.message);
  process.exitCode = 1;
} finally {
  if (tmp && !keep) rmSync(tmp, { recursive: true, force: true });
  if (json) console.log(JSON.stringify(report, null, 2));
}
