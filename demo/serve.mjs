// Serves the demo page on localhost (npm run demo). demo/main.ts is bundled by esbuild on each
// page load, with 'posenc' pointing at the repository's src/ (so the page shows the working
// tree), tinybench from node_modules. Needs src/runtime/wasm/*.ts: built here when missing.
//   node demo/serve.mjs [--port 5173] [--host 127.0.0.1]
// The page is served cross-origin isolated (COOP/COEP), which gives the benchmark a finer
// performance.now().
import { context } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demoDir = join(root, 'demo');

function ensureWasm() {
  if (existsSync(join(root, 'src/runtime/wasm/simd.ts')) && existsSync(join(root, 'src/runtime/wasm/scalar.ts'))) return;
  console.log('demo: src/runtime/wasm/ is missing, compiling assembly/ (npm run build:wasm)');
  execFileSync(process.execPath, ['scripts/build-wasm.mjs'], { cwd: root, stdio: 'inherit' });
}

const HEADERS = {
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Starts the server; resolves to { url, close }. port 0 picks a free port. */
export async function startDemo({ port = 5173, host = '127.0.0.1' } = {}) {
  ensureWasm();
  const ctx = await context({
    absWorkingDir: root,
    entryPoints: ['demo/main.ts'],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    write: false,
    sourcemap: 'inline',
    alias: { posenc: './src/index.ts' },
    logLevel: 'silent',
  });
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    try {
      if (path === '/' || path === '/index.html') {
        res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
        res.end(readFileSync(join(demoDir, 'index.html')));
      } else if (path === '/main.js') {
        const result = await ctx.rebuild();
        res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/javascript; charset=utf-8' });
        res.end(result.outputFiles[0].contents);
      } else {
        res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' });
        res.end('not found');
      }
    } catch (e) {
      const text = e.errors ? e.errors.map((m) => `${m.location?.file ?? ''}:${m.location?.line ?? ''} ${m.text}`).join('\n') : String(e);
      res.writeHead(500, { ...HEADERS, 'Content-Type': 'text/plain' });
      res.end(`demo build failed:\n${text}`);
      console.error(`demo: ${text}`);
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const { port: actual } = server.address();
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}/`,
    async close() {
      server.closeAllConnections?.();
      await new Promise((ok) => server.close(ok));
      await ctx.dispose();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : (process.env[name.toUpperCase()] ?? fallback);
  };
  const host = arg('host', '127.0.0.1');
  let demo;
  try {
    demo = await startDemo({ port: Number(arg('port', 5173)), host });
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e;
    demo = await startDemo({ port: 0, host });
  }
  console.log(`posenc demo: ${demo.url}  (Ctrl+C to stop)`);
  const stop = async () => {
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
