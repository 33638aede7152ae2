// The one browser every browser test launches: Debian's chromium (scripts/ensure-chromium.sh
// installs it on a fresh machine). Nothing here downloads a browser.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

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
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (Debian's chromium package)`);
  }
  return { executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] };
}
