// The one browser every browser test launches: the one scripts/ensure-chromium.sh reports (npm runs
// it before the tests and installs Debian's chromium where none is found), asked here with
// `--path` so that both always agree: CHROMIUM=/path when set, else chromium, chromium-browser or
// google-chrome on PATH. Nothing here downloads a browser.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-chromium.sh', import.meta.url));

let found: string | undefined;

/** Path of the browser to launch; throws the script's one-line explanation when there is none. */
export function chromiumPath(): string {
  if (found === undefined) {
    const r = spawnSync('sh', [SCRIPT, '--path'], { encoding: 'utf8', env: process.env });
    if (r.status !== 0) {
      throw new Error(r.stderr.trim() || `sh ${SCRIPT} --path failed (${r.error?.message ?? `exit ${r.status}`})`);
    }
    found = r.stdout.trim();
  }
  return found;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumLaunchOptions(extraArgs: string[] = []) {
  return { executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] };
}
