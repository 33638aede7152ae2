// Per-call overhead: tiny sizes, many calls per sample (each sample's time is divided by reps).
import { addCase } from './combine.mjs';
import { tableCase } from './table.mjs';

export function overheadCases({ quick }) {
  const reps = quick ? 20 : 200;
  return [
    tableCase(1, 64, { reps, group: 'overhead', id: 'overhead table 1x64', alloc: false }),
    addCase([1, 16, 64], { reps, group: 'overhead', id: 'overhead add 1x16x64', alloc: false }),
  ];
}
