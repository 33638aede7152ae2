// scripts/ensure-chromium.sh, the step npm runs before the tests to obtain their browser: its
// decisions, driven through a fake PATH of stub programs (a stub browser, `id` saying root or not,
// `sudo`, `apt-get` that "installs" a stub chromium and logs its arguments), so that every branch
// runs here without touching the machine's real browser or package manager.
// Also checks that test/browser/chromium.ts launches the browser the script reports.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = resolve('scripts/ensure-chromium.sh');

let dir: string;
let bin: string;

function stub(name: string, body: string, where = bin): string {
  const path = join(where, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}
const browserStub = (name: string, version = 'Chromium 999.0 stub', where = bin) => stub(name, `echo "${version}"`, where);
const uid = (n: number) => stub('id', `[ "$1" = -u ] && echo ${n}`);
/** apt-get that logs its arguments and whose `install chromium` puts a stub chromium on PATH. */
const aptGet = (installWorks = true) =>
  stub(
    'apt-get',
    `echo "apt-get $*" >> "${dir}/apt.log"
case "$*" in *install*) ${installWorks ? `printf '#!/bin/sh\\necho "Chromium 1.2 from apt"\\n' > "${bin}/chromium"; /bin/chmod 755 "${bin}/chromium"` : 'exit 100'};; esac`,
  );
/** sudo that logs and runs its command: passwordless, or asking for a password (`sudo -n` fails). */
const sudo = (passwordless = true) =>
  stub('sudo', `echo "sudo $*" >> "${dir}/sudo.log"\n[ "$1" = -n ] && { ${passwordless ? 'shift' : 'exit 1'}; }\n[ "$1" = true ] && exit 0\nexec "$@"`);

function run(args: string[] = [], env: Record<string, string> = {}) {
  // /bin/sh by absolute path: PATH holds only the stubs and `env` (which the script uses to run apt-get).
  const r = spawnSync('/bin/sh', [SCRIPT, ...args], { encoding: 'utf8', env: { PATH: bin, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const log = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'posenc-ensure-chromium-'));
  bin = join(dir, 'bin');
  spawnSync('mkdir', [bin]);
  symlinkSync('/usr/bin/env', join(bin, 'env'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/ensure-chromium.sh', () => {
  it('uses CHROMIUM=/path as given, says so, and prints it with --path', () => {
    const elsewhere = join(dir, 'opt');
    spawnSync('mkdir', [elsewhere]);
    const chrome = browserStub('my-chrome', 'Google Chrome 131.0 stub', elsewhere);
    browserStub('chromium'); // CHROMIUM wins over PATH
    const r = run([], { CHROMIUM: chrome });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`ensure-chromium: from CHROMIUM: ${chrome} (Google Chrome 131.0 stub)\n`);
    expect(run(['--path'], { CHROMIUM: chrome }).stdout).toBe(`${chrome}\n`);
  });

  it('refuses an unusable CHROMIUM at once instead of picking another browser', () => {
    browserStub('chromium');
    for (const [path, why] of [
      [join(dir, 'missing'), 'is not an executable file'],
      [stub('broken', 'exit 3'), 'does not run'],
    ]) {
      for (const args of [[], ['--path']]) {
        const r = run(args, { CHROMIUM: path });
        expect(r.status).toBe(1);
        expect(r.stdout).toBe('');
        expect(r.stderr.startsWith(`ensure-chromium: CHROMIUM=${path} ${why}`)).toBe(true);
        expect(r.stderr).toContain('or unset it');
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
    }
  });

  it('finds chromium, chromium-browser, google-chrome on PATH, in that order', () => {
    browserStub('google-chrome', 'Google Chrome 1');
    expect(run().stdout).toBe(`ensure-chromium: found google-chrome on PATH: ${bin}/google-chrome (Google Chrome 1)\n`);
    browserStub('chromium-browser', 'Chromium 2');
    expect(run().stdout).toBe(`ensure-chromium: found chromium-browser on PATH: ${bin}/chromium-browser (Chromium 2)\n`);
    browserStub('chromium', 'Chromium 3');
    expect(run().stdout).toBe(`ensure-chromium: found chromium on PATH: ${bin}/chromium (Chromium 3)\n`);
    expect(run(['--path']).stdout).toBe(`${bin}/chromium\n`);
  });

  it('skips a browser whose --version fails (Ubuntu chromium-browser without its snap)', () => {
    stub('chromium-browser', 'echo "requires the chromium snap" >&2; exit 1');
    browserStub('google-chrome', 'Google Chrome 1');
    expect(run().stdout).toBe(`ensure-chromium: found google-chrome on PATH: ${bin}/google-chrome (Google Chrome 1)\n`);
  });

  it('not root and no sudo: fails at once with one line naming what is missing and both fixes', () => {
    uid(1000);
    aptGet();
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ensure-chromium: no Chromium for the browser tests \(CHROMIUM is unset; none of chromium, chromium-browser, google-chrome is on PATH\)/);
    expect(lines[0]).toContain('cannot install packages (not root, no usable sudo)');
    expect(lines[0]).toContain('sudo apt-get install -y chromium');
    expect(lines[0]).toContain('CHROMIUM=/path/to/chromium');
    expect(log('apt.log')).toBe(''); // nothing attempted
  });

  it('--path never installs: one line with both fixes', () => {
    uid(0);
    aptGet();
    const r = run(['--path']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('sudo apt-get install -y chromium');
    expect(r.stderr).toContain('CHROMIUM=/path/to/chromium');
    expect(log('apt.log')).toBe('');
  });

  it('as root: installs Debian chromium with apt-get (noninteractive, no recommends) and says so', () => {
    uid(0);
    aptGet();
    const r = run();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(log('apt.log')).toBe('apt-get update -q\napt-get install -y -q --no-install-recommends chromium\n');
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe("ensure-chromium: no Chromium for the browser tests (CHROMIUM is unset; none of chromium, chromium-browser, google-chrome is on PATH): installing Debian's chromium as root (apt-get update; apt-get install chromium)");
    expect(lines.at(-1)).toBe(`ensure-chromium: installed Debian's chromium (apt-get, as root): ${bin}/chromium (Chromium 1.2 from apt)`);
    expect(run(['--path']).stdout).toBe(`${bin}/chromium\n`);
  });

  it('not root, passwordless sudo: installs through sudo', () => {
    uid(1000);
    aptGet();
    sudo();
    const r = run();
    expect(r.status).toBe(0);
    expect(log('sudo.log')).toContain('sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium');
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`ensure-chromium: installed Debian's chromium (apt-get, with sudo): ${bin}/chromium (Chromium 1.2 from apt)`);
  });

  it('not root, sudo asking for a password, no terminal to ask on: fails at once', () => {
    uid(1000);
    aptGet();
    sudo(false);
    const r = run();
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cannot install packages (not root, no usable sudo); fix: install it (Debian/Ubuntu: sudo apt-get install -y chromium), or point CHROMIUM=/path/to/chromium');
    expect(log('sudo.log')).toBe('sudo -n true\n');
    expect(log('apt.log')).toBe('');
  });

  it('no apt-get, or apt-get failing: one line with both fixes', () => {
    uid(0);
    let r = run();
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("and no apt-get to install Debian's chromium; fix: install it");
    expect(r.stderr).toContain('CHROMIUM=/path/to/chromium');

    aptGet(false);
    r = run();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'ensure-chromium: apt-get install chromium failed (output above); fix: install it (Debian/Ubuntu: sudo apt-get install -y chromium), or point CHROMIUM=/path/to/chromium at an installed Chromium or Chrome\n',
    );
  });

  it('refuses unknown arguments', () => {
    const r = run(['--install']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('ensure-chromium: unknown argument --install (allowed: none, or --path)\n');
  });
});

describe('test/browser/chromium.ts', () => {
  it('launches the browser the script reports (here: CHROMIUM=stub)', async () => {
    const chrome = browserStub('stub-chrome', 'Chromium 7 stub');
    const saved = process.env.CHROMIUM;
    process.env.CHROMIUM = chrome;
    try {
      const { chromiumLaunchOptions } = await import('../browser/chromium.js');
      const opts = chromiumLaunchOptions(['--extra']);
      expect(opts.executablePath).toBe(chrome);
      expect(opts.args.at(-1)).toBe('--extra');
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM;
      else process.env.CHROMIUM = saved;
    }
  });
});
