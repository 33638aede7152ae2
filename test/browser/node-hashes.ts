// globalSetup of the Chromium project: computes, in Node, the hash of every case of cases.ts on
// each backend and hands them to the browser tests (inject('nodeDigests')).
import type { TestProject } from 'vitest/node';
import { init } from '../../src/index.js';
import type { BackendName } from '../../src/api/types.js';
import { digestCases, type Digest } from './cases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    nodeDigests: Record<BackendName, Record<string, Digest>>;
    nodeVersion: string;
  }
}

export default async function setup(project: TestProject) {
  const digests = {} as Record<BackendName, Record<string, Digest>>;
  for (const backend of ['wasm-simd', 'wasm', 'js'] as const) {
    const pe = await init({ backend });
    if (pe.backend !== backend) throw new Error(`node: asked for ${backend}, got ${pe.backend}`);
    digests[backend] = await digestCases(pe);
  }
  project.provide('nodeDigests', digests);
  project.provide('nodeVersion', process.version);
}
