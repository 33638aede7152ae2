// Runs one case: checks every implementation against posenc and the float64 reference, then times
// all of them interleaved: `rounds` tinybench runs of the whole set (order rotated each round), so
// that drift on a shared machine hits every implementation alike. Ratios are medians of per-round
// ratios; absolute times pool the samples of all rounds.
import { Bench } from 'tinybench';
import v8 from 'node:v8';
import vm from 'node:vm';
import { maxAbsDiff } from './reference.mjs';
import { median, summarize } from './stats.mjs';

v8.setFlagsFromString('--expose-gc');
/** A full collection between tasks, so that one task's garbage is not collected on another's time. */
export const gc = vm.runInNewContext('gc');

function errMessage(e) {
  return String(e?.message ?? e).split('\n')[0].slice(0, 160);
}

/** Calls run `reps` times per sample (sync or async). */
function repeated(run, reps, isAsync) {
  if (reps === 1) return run;
  if (isAsync) return async () => { for (let i = 0; i < reps; i++) await run(); };
  return () => { for (let i = 0; i < reps; i++) run(); };
}

/**
 * @param c the case: { id, group, title, shape, elements, bytes, reps, tolerance, build(ctx) }
 * @param ctx shared state (posenc instances, peers)
 * @param opts { rounds, time, iterations, warmupTime, warmupIterations, log }
 */
export async function runCase(c, ctx, opts) {
  const log = opts.log ?? (() => {});
  const t0 = performance.now();
  const reps = c.reps ?? 1;
  const { reference, impls, primary = 'posenc-simd-resident', notes = [] } = await c.build(ctx);
  const rows = [];
  const live = [];
  let posencOut = null;

  // Check (and warm) every implementation before any timing.
  for (const impl of impls) {
    const row = { key: impl.key, label: impl.label, kind: impl.kind, mode: impl.mode, status: 'ok' };
    rows.push(row);
    if (impl.unavailable) {
      Object.assign(row, { status: 'n/a', reason: impl.unavailable });
      continue;
    }
    try {
      if (impl.kind === 'external') {
        const m = await impl.measure();
        row.external = true;
        row.stats = m.stats;
        row.check = m.result;
      } else {
        await impl.before?.();
        const inst = await impl.setup();
        const isAsync = inst.run.constructor.name === 'AsyncFunction';
        if (inst.variant) {
          row.variant = inst.variant;
          row.label += ` [${inst.variant}]`;
        }
        await inst.run();
        row.check = inst.result;
        live.push({ impl, inst, row, isAsync });
      }
      if (row.check) {
        let out = await row.check();
        if (reference) row.errRef = maxAbsDiff(out, reference);
        if (impl.key === primary) posencOut = Float32Array.from(out);
        else if (posencOut) {
          row.diffPosenc = maxAbsDiff(out, posencOut);
          if (!(row.diffPosenc <= c.tolerance)) {
            Object.assign(row, { status: 'mismatch', reason: `differs from posenc by ${row.diffPosenc.toExponential(2)} (tolerance ${c.tolerance.toExponential(1)})` });
          }
        }
        out = null;
      }
    } catch (e) {
      Object.assign(row, { status: 'failed', reason: errMessage(e) });
    }
    delete row.check;
    if (row.status !== 'ok') {
      const i = live.findIndex((l) => l.row === row);
      if (i >= 0) {
        try { await live[i].inst.dispose?.(); } catch { /* already reported */ }
        live.splice(i, 1);
      }
      log(`  ${row.key}: ${row.status}: ${row.reason}`);
    }
  }

  // Time: the same set of tasks in every round, starting at a different task each round.
  const samples = new Map(live.map((l) => [l.row, []]));
  const perRound = new Map(live.map((l) => [l.row, []]));
  for (let r = 0; r < opts.rounds; r++) {
    // Warm-up in the first round only: later rounds find every task compiled and warm.
    const bench = new Bench({
      time: opts.time, iterations: opts.iterations,
      warmup: r === 0, warmupTime: opts.warmupTime, warmupIterations: opts.warmupIterations,
      retainSamples: true, throws: false,
    });
    const active = live.filter((l) => l.row.status === 'ok');
    const order = active.map((_, i) => active[(i + r) % active.length]);
    for (const l of order) {
      bench.add(l.row.key, repeated(l.inst.run, reps, l.isAsync), {
        async: l.isAsync,
        beforeAll: async () => { gc(); await l.impl.before?.(); },
      });
    }
    await bench.run();
    for (const l of order) {
      const task = bench.getTask(l.row.key);
      const res = task.result;
      if (res.state === 'errored' || !res.latency?.samples) {
        if (l.row.status === 'ok') Object.assign(l.row, { status: 'failed', reason: errMessage(res.error ?? 'no samples') });
        continue;
      }
      const s = Array.from(res.latency.samples, (v) => v / reps);
      const all = samples.get(l.row);
      for (const v of s) all.push(v);
      perRound.get(l.row).push(median(s));
    }
    log(`  round ${r + 1}/${opts.rounds} done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
  for (const l of live) {
    try { await l.inst.dispose?.(); } catch { /* ignore */ }
    const s = samples.get(l.row);
    if (l.row.status === 'ok' && s.length) {
      l.row.stats = summarize(s);
      l.row.perRound = perRound.get(l.row);
    }
  }

  // Derived columns.
  const by = new Map(rows.map((r) => [r.key, r]));
  for (const row of rows) {
    if (!row.stats) continue;
    row.gbs = c.bytes / (row.stats.median * 1e6);
    row.vsJs = speedup(by.get(c.baseline ?? 'js-out'), row);
    const copy = by.get('copy');
    const s = speedup(row, copy);
    row.vsCopy = Number.isFinite(s) ? s : NaN; // time(row) / time(copy)
  }
  return {
    id: c.id, group: c.group, title: c.title, shape: c.shape, elements: c.elements, bytes: c.bytes, reps,
    tolerance: c.tolerance, notes, rounds: opts.rounds, rows,
  };
}

/**
 * time(slow) / time(fast): the median of per-round ratios when both were timed in the same rounds,
 * else the ratio of medians (external rows).
 */
export function speedup(slow, fast) {
  if (!slow?.stats || !fast?.stats) return NaN;
  const a = slow.perRound;
  const b = fast.perRound;
  if (a && b && a.length === b.length && a.length > 0) return median(a.map((v, i) => v / b[i]));
  return slow.stats.median / fast.stats.median;
}
