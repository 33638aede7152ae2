// Browser tests (npm run test:browser), all in one headless Chromium: the one
// scripts/ensure-chromium.sh finds or installs (CHROMIUM=/path, else Debian's chromium on PATH):
//  - project 'chromium': vitest browser mode; test/browser/**/*.browser.test.ts run inside the page
//    (every preset, add, concat, module tensors, bad input, backend choice, and the Node-vs-Chromium
//    hash comparison of cases.ts, whose Node side node-hashes.ts computes as a globalSetup).
//  - project 'e2e': Node tests that drive chromium with playwright-core (the Vite example built with
//    `vite build`, the demo page, WebAssembly switched off in the browser, the CSP and initSync
//    cases of the README's Troubleshooting).
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { chromiumLaunchOptions } from './test/browser/chromium.js';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'chromium',
          include: ['test/browser/**/*.browser.test.ts'],
          globalSetup: ['test/browser/node-hashes.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: chromiumLaunchOptions() }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/browser/**/*.e2e.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
