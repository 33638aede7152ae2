// A backend is put together here, from the runtime's family-independent half (name, math, threads,
// tensors, memory) and each family's kernels (src/<family>/backend.ts declares them, wasm.ts and
// js.ts implement them). The runtime never imports a family: this is the one place that knows them all.

import { gramJs } from '../analysis/gram-js.js';
import { gramWasm } from '../analysis/gram-wasm.js';
import type { AnalysisBackend } from '../analysis/backend.js';
import type { BiasBackend } from '../bias/backend.js';
import { addAlibiJs, relativeBiasJs } from '../bias/js.js';
import { addAlibiWasm, relativeBiasWasm } from '../bias/wasm.js';
import type { GridBackend } from '../grid/backend.js';
import { sincos2dJs } from '../grid/grid2d-js.js';
import { sincos2dWasm } from '../grid/grid2d-wasm.js';
import { sincos3dJs } from '../grid/grid3d-js.js';
import { sincos3dWasm } from '../grid/grid3d-wasm.js';
import type { RopeBackend } from '../rope/backend.js';
import { ropeJs, ropeRowsJs } from '../rope/js.js';
import { ropeRowsShapeWasm, ropeRowsWasm, ropeWasm } from '../rope/wasm.js';
import { arr, type BackendBase } from '../runtime/backend.js';
import { jsBase } from '../runtime/js-core.js';
import type { WasmFlavor } from '../runtime/loader.js';
import { loadWasmCore, loadWasmCoreSync, wasmBase, type WasmCore } from '../runtime/wasm-core.js';
import type { SinusoidalBackend } from '../sinusoidal/backend.js';
import { sinusoidalJs } from '../sinusoidal/js.js';
import { sinusoidalWasm } from '../sinusoidal/wasm.js';

import type { Backend } from './backend.js';

/**
 * One plain object literal with every kernel (a fixed shape: the facade's calls stay monomorphic;
 * an object built by copying property descriptors would be a slow dictionary-mode object).
 */
function compose(base: BackendBase, sin: SinusoidalBackend, grid: GridBackend, rope: RopeBackend, analysis: AnalysisBackend, bias: BiasBackend): Backend {
  return {
    name: base.name,
    math: base.math,
    get threads() {
      return base.threads;
    },
    alloc: base.alloc,
    memoryBytes: base.memoryBytes,
    isModuleView: base.isModuleView,
    table: sin.table,
    combine: sin.combine,
    sincos2d: grid.sincos2d,
    sincos3d: grid.sincos3d,
    rope: rope.rope,
    ropeRowsShape: rope.ropeRowsShape,
    ropeRows: rope.ropeRows,
    gram: analysis.gram,
    addAlibi: bias.addAlibi,
    relativeBias: bias.relativeBias,
  };
}

function wasmBackend(flavor: WasmFlavor, core: WasmCore): Backend {
  const grid: GridBackend = {
    sincos2d: (plan, out) => sincos2dWasm(core, plan, out),
    sincos3d: (plan, out) => sincos3dWasm(core, plan, out),
  };
  const rope: RopeBackend = {
    rope: (plan, x, out, rows) => ropeWasm(core, plan, x, out, rows),
    ropeRowsShape: ropeRowsShapeWasm,
    ropeRows: (plan, rows) => ropeRowsWasm(core, plan, rows),
  };
  const analysis: AnalysisBackend = { gram: (plan, table, out) => gramWasm(core, plan, table, out) };
  const bias: BiasBackend = {
    addAlibi: (plan, x, out) => addAlibiWasm(core, plan, x, out),
    relativeBias: (plan, w, out) => relativeBiasWasm(core, plan, w, out),
  };
  return compose(wasmBase(flavor, core), sinusoidalWasm(core), grid, rope, analysis, bias);
}

/** The plain-JavaScript backend (the fallback and the benchmarks' baseline). */
export function createJsBackend(): Backend {
  const grid: GridBackend = {
    sincos2d: (plan, out) => sincos2dJs(plan, arr(out)),
    sincos3d: (plan, out) => sincos3dJs(plan, arr(out)),
  };
  const rope: RopeBackend = {
    rope: (plan, x, out, rows) => ropeJs(plan, arr(x), arr(out), rows ? { table: arr(rows.table) as Float64Array, start: rows.start, idx: rows.idx } : null),
    ropeRowsShape: (plan) => ({ length: (plan.perBatch ? plan.batch : 1) * plan.length * plan.rotaryDim, dtype: 'float64' }),
    ropeRows: (plan, rows) => ropeRowsJs(plan, arr(rows) as Float64Array),
  };
  const analysis: AnalysisBackend = { gram: (plan, table, out) => gramJs(plan, arr(table), out) };
  const bias: BiasBackend = {
    addAlibi: (plan, x, out) => addAlibiJs(plan, arr(x), arr(out)),
    relativeBias: (plan, w, out) => relativeBiasJs(plan, arr(w), arr(out)),
  };
  return compose(jsBase(), sinusoidalJs(), grid, rope, analysis, bias);
}

/**
 * A wasm backend on `threads` threads: the flavor on a shared memory with threads − 1 workers
 * where the engine allows it, else on one thread, as when the workers fail to start.
 */
export async function loadWasmBackend(flavor: WasmFlavor, threads = 1): Promise<Backend> {
  return wasmBackend(flavor, await loadWasmCore(flavor, threads));
}

/** The synchronous twin (worker threads: Node only, where this thread may wait for them to start). */
export function loadWasmBackendSync(flavor: WasmFlavor, threads = 1): Backend {
  return wasmBackend(flavor, loadWasmCoreSync(flavor, threads));
}
