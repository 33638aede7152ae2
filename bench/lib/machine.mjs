// The machine and software a run was measured on (recorded in the JSON and shown in the README).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** The installed version of a package (read from node_modules: some packages do not export package.json). */
export function pkgVersion(name, root) {
  try {
    return JSON.parse(readFileSync(`${root}/node_modules/${name}/package.json`, 'utf8')).version;
  } catch {
    return null;
  }
}

export function describeMachine(root) {
  const cpus = os.cpus();
  const commit = tryRun('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'assembly']);
  return {
    date: new Date().toISOString(),
    os: `${os.type()} ${os.release()} (${os.platform()}-${os.arch()})`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism?.() ?? cpus.length,
    loadavg: os.loadavg().map((v) => Number(v.toFixed(2))),
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    freeMemoryGiB: Number((os.freemem() / 2 ** 30).toFixed(1)),
    node: process.version,
    v8: process.versions.v8,
    posenc: { version: JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).version, commit, dirtySources: dirty ? true : false },
    packages: Object.fromEntries(
      ['tinybench', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', 'onnxruntime-web', 'onnx-proto']
        .map((n) => [n, pkgVersion(n, root)]),
    ),
  };
}

export function machineLine(m) {
  const load = m.loadavg ? `, load ${m.loadavg.join('/')}` : '';
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}${load}`;
}
