#!/usr/bin/env node
// posenc's benchmark suite: `npm run bench` (build, then this file).
//
//   node bench/run.mjs [--quick] [--only table,add] [--rounds N] [--time MS] [--no-peers]
//                      [--no-numpy] [--no-startup] [--out NAME] [--list]
//
// Measures the built package (dist/esm/index.js), as users get it: every case runs posenc's
// backends, the peers (tfjs wasm/cpu, onnxruntime-web; numpy in a child process) and the physical
// references (copy, allocation), each checked against posenc and a float64 reference before it
// is timed, interleaved in one process. Writes bench/results/<NAME>.{json,md,svg}: NAME is
// 'latest' for a full run, 'quick' for --quick, 'partial' with --only (unless --out is given).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allCases } from './cases/index.mjs';
import { gc, runCase } from './lib/harness.mjs';
import { ceilingImpls } from './lib/impls.mjs';
import { describeMachine, machineLine } from './lib/machine.mjs';
import { consoleReport, markdownReport, svgChart } from './lib/report.mjs';
import { measureStartup, wasmSizes } from './lib/startup.mjs';
import { runNumpy } from './peers/numpy.mjs';
import { loadOnnx } from './peers/onnx.mjs';
import { loadTfjs } from './peers/tfjs.mjs';
import { checkTargets } from './targets.mjs';
import { decodeMemory } from './cases-decode.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();

function parseArgs(argv) {
  const a = { quick: false, only: null, peers: true, numpy: true, startup: true, list: false, out: null, rounds: null, time: null };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      const v = k.includes('=') ? k.split('=').slice(1).join('=') : argv[++i];
      if (v === undefined) throw new Error(`${k} needs a value`);
      return v;
    };
    const name = k.split('=')[0];
    if (name === '--quick') a.quick = true;
    else if (name === '--only') a.only = val().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    else if (name === '--no-peers') a.peers = false;
    else if (name === '--no-numpy') a.numpy = false;
    else if (name === '--no-startup') a.startup = false;
    else if (name === '--list') a.list = true;
    else if (name === '--out') a.out = val();
    else if (name === '--rounds') a.rounds = Number(val());
    else if (name === '--time') a.time = Number(val());
    else if (name === '--help' || name === '-h') {
      console.log(readmeUsage());
      process.exit(0);
    } else throw new Error(`unknown option ${k} (see --help)`);
  }
  return a;
}

function readmeUsage() {
  return `usage: node bench/run.mjs [options]   (npm run bench -- [options] builds first)
  --quick          fewer shapes and iterations (< 1 minute)
  --only a,b       cases whose group or id contains one of the terms (table, add, concat,
                   overhead, rope, decode, startup, "table 2048x768", ...)
  --rounds N       interleaved rounds per case (default 5; quick 3)
  --time MS        tinybench time budget per task and round (default 100; quick 25)
  --no-peers       posenc and references only (no tfjs, onnxruntime-web)
  --no-numpy       skip the numpy child process
  --no-startup     skip init() timing in fresh processes
  --out NAME       write bench/results/NAME.{json,md,svg}
  --list           list the selected cases and exit`;
}

const log = (...m) => process.stderr.write(m.join(' ') + '\n');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const settings = args.quick
    ? { rounds: 3, time: 25, iterations: 2, warmupTime: 10, warmupIterations: 1, numpyRepeat: 5, numpyMinTime: 0.01, startupRuns: 3 }
    : { rounds: 5, time: 100, iterations: 2, warmupTime: 50, warmupIterations: 1, numpyRepeat: 11, numpyMinTime: 0.05, startupRuns: 7 };
  if (args.rounds) settings.rounds = args.rounds;
  if (args.time) settings.time = args.time;

  const matches = (s) => !args.only || args.only.some((t) => s.toLowerCase().includes(t));
  const cases = allCases({ quick: args.quick }).filter((c) => matches(`${c.group} ${c.id}`));
  const doStartup = args.startup && matches('startup');
  const doMemory = matches('decode memory');
  if (args.list) {
    for (const c of cases) console.log(`${c.id.padEnd(28)} ${c.title}`);
    if (doStartup) console.log('startup                      init() to first result, wasm sizes');
    if (doMemory) console.log('decode memory                a 100,000-position decode loop in a fresh process: memory and cached bytes');
    return;
  }

  // posenc as users get it.
  let api;
  try {
    api = await import(pathToFileURL(path.join(ROOT, 'dist/esm/index.js')).href);
  } catch (e) {
    throw new Error(`cannot import dist/esm/index.js (${e.message}); run \`npm run build\` first, or use \`npm run bench\``);
  }
  const posenc = {};
  // The default instances keep generated rows (a repeated call is steady state);
  // 'wasm-simd cold' has no cache (every call generates, as a first call does); the threaded
  // instances split large calls over workers.
  const configs = {
    'wasm-simd': { backend: 'wasm-simd' }, wasm: { backend: 'wasm' }, js: { backend: 'js' },
    'wasm-simd cold': { backend: 'wasm-simd', cacheBytes: 0 },
    'wasm-simd 2t': { backend: 'wasm-simd', threads: 2 },
    'wasm-simd auto': { backend: 'wasm-simd', threads: 'auto' },
  };
  for (const [name, options] of Object.entries(configs)) {
    try {
      posenc[name] = await api.init(options);
    } catch (e) {
      posenc[name] = `init(${JSON.stringify(options)}) failed: ${e.message}`;
    }
  }

  const machine = describeMachine(ROOT);
  log(`posenc bench${args.quick ? ' (quick)' : ''}: ${cases.length} cases on ${machineLine(machine)}`);

  const ctx = { posenc, tfjs: null, onnx: null, numpy: null, ceiling: await ceilingImpls() };
  const peers = {};
  if (args.peers) {
    ctx.tfjs = await loadTfjs();
    // The slowest rows (up to a second per call) and in no target: full runs only.
    if (args.quick && ctx.tfjs.backends.cpu === true) ctx.tfjs.backends.cpu = 'skipped in --quick (slowest rows, in no target)';
    peers.tfjs = { backends: ctx.tfjs.backends, info: ctx.tfjs.info };
    ctx.onnx = await loadOnnx();
    peers.onnx = ctx.onnx.reason ? { reason: ctx.onnx.reason } : { version: ctx.onnx.version, threads: 1 };
    log(`peers: tfjs wasm ${ctx.tfjs.backends.wasm === true ? 'ok' : ctx.tfjs.backends.wasm}, tfjs cpu ${ctx.tfjs.backends.cpu === true ? 'ok' : ctx.tfjs.backends.cpu}, onnxruntime-web ${ctx.onnx.reason ?? 'ok'}`);
  } else {
    const reason = 'skipped (--no-peers)';
    ctx.tfjs = { backends: { wasm: reason, cpu: reason } };
    ctx.onnx = { reason };
  }
  const shapes = cases.filter((c) => c.numpyShape).map((c) => c.numpyShape);
  if (args.numpy && shapes.length) {
    log(`numpy: timing ${shapes.length} table shapes in a child process…`);
    ctx.numpy = runNumpy(shapes, { repeat: settings.numpyRepeat, minTime: settings.numpyMinTime });
    peers.numpy = ctx.numpy.available ? ctx.numpy.info : { reason: ctx.numpy.reason };
    log(`numpy: ${ctx.numpy.available ? `numpy ${ctx.numpy.info.numpy}, python ${ctx.numpy.info.python}` : ctx.numpy.reason}`);
  } else {
    ctx.numpy = { available: false, reason: args.numpy ? 'no table case selected' : 'skipped (--no-numpy)' };
  }

  const results = [];
  try {
    for (const c of cases) {
      log(`${c.id}…`);
      gc();
      const r = await runCase(c, ctx, { ...settings, log });
      results.push(r);
      console.log(consoleReport([r]).split('\n').slice(0, -4).join('\n'));
    }
  } finally {
    ctx.numpy?.cleanup?.();
  }
  console.log(consoleReport([]).trim());

  let startup = null;
  let sizes = null;
  if (doStartup) {
    log('startup: init() in fresh processes…');
    startup = measureStartup(ROOT, { runs: settings.startupRuns });
    sizes = wasmSizes(ROOT);
  }
  let memory = null;
  if (doMemory) {
    log('decode memory: a 100,000-position decode loop in a fresh process…');
    memory = decodeMemory(ROOT);
  }
  const targets = checkTargets(results, startup, sizes, memory);

  console.log('\nStart-up and size');
  for (const s of startup ?? []) {
    console.log(s.error ? `  ${s.backend}: ${s.error}` : `  init(${s.backend}) → ${s.resolved}: init + first result ${s.init.median.toFixed(2)} ms (p25–p75 ${s.init.p25.toFixed(2)}–${s.init.p75.toFixed(2)}), import ${s.import.median.toFixed(1)} ms, ${s.runs} processes`);
  }
  for (const s of sizes ?? []) console.log(`  ${s.file}: ${s.bytes ?? 'missing'} bytes`);
  console.log('\nTargets');
  for (const t of targets) {
    console.log(`  ${t.status.padEnd(4)}  ${t.title}`);
    for (const d of t.details) console.log(`        ${d}`);
  }

  const name = args.out ?? (args.only ? 'partial' : args.quick ? 'quick' : 'latest');
  const command = `npm run bench${args.quick || args.only ? ' --' : ''}${args.quick ? ' --quick' : ''}${args.only ? ` --only ${args.only.join(',')}` : ''}`;
  const dir = path.join(ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const json = {
    schema: 1, command, settings, machine, peers, startup, wasmSizes: sizes, decodeMemory: memory, targets,
    cases: results.map((c) => ({ ...c, rows: c.rows.map(({ check, ...r }) => r) })),
    durationS: Number(((performance.now() - t0) / 1000).toFixed(1)),
  };
  writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(path.join(dir, `${name}.md`), markdownReport({ cases: results, machine, startup, sizes, targets, command }));
  writeFileSync(path.join(dir, `${name}.svg`), svgChart({ cases: results, machine }));
  log(`\nwrote bench/results/${name}.{json,md,svg} in ${json.durationS} s`);
}

main().then(() => process.exit(0), (e) => {
  console.error(`bench failed: ${e.stack ?? e}`);
  process.exit(1);
});
