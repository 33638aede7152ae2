// Start-up cost and binary size: init() to first result in a fresh Node process, per backend,
// and the size of each wasm binary as built.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { summarize } from './stats.mjs';

/** One fresh process: import dist, then `await init()` + one small table (128×64). */
function child(distUrl, backend) {
  const opts = backend === 'auto' ? '' : `{ backend: '${backend}' }`;
  const code = `
    const t0 = performance.now();
    const m = await import(${JSON.stringify(distUrl)});
    const t1 = performance.now();
    const pe = await m.init(${opts});
    const r = pe.sinusoidal({ length: 128, dim: 64 });
    const t2 = performance.now();
    if (!(Math.abs(r[64 + 1] - Math.cos(1)) < 1e-6)) throw new Error('wrong first result');
    console.log(JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, backend: pe.backend }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

export function measureStartup(root, { runs = 7, backends = ['auto', 'wasm', 'js'] } = {}) {
  const distUrl = pathToFileURL(`${root}/dist/esm/index.js`).href;
  const result = [];
  for (const backend of backends) {
    try {
      const init = [];
      const imp = [];
      let name = backend;
      for (let i = 0; i < runs; i++) {
        const r = child(distUrl, backend);
        init.push(r.initMs);
        imp.push(r.importMs);
        name = r.backend;
      }
      result.push({ backend, resolved: name, runs, init: summarize(init), import: summarize(imp) });
    } catch (e) {
      result.push({ backend, error: String(e.message ?? e).split('\n')[0] });
    }
  }
  return result;
}

export function wasmSizes(root) {
  return ['simd', 'scalar'].map((flavor) => {
    const file = `build/posenc.${flavor}.wasm`;
    return { flavor, file, bytes: existsSync(`${root}/${file}`) ? statSync(`${root}/${file}`).size : null };
  });
}
