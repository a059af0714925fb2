// Serves a directory on 127.0.0.1 and runs its index page in headless Chromium (Debian's
// /usr/bin/chromium via playwright-core); returns what the page publishes as
// `window.__modelvault` (its own index.html if the directory has one, else one loading
// /page.js). 127.0.0.1 is a secure context, so OPFS works without HTTPS or
// cross-origin isolation headers.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json', '.typra': 'application/octet-stream' };
const INDEX = '<!doctype html><meta charset="utf-8"><title>modelvault runtime tests</title><script type="module" src="/page.js"></script>';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function runBrowser(dir, { timeoutMs = 300_000, executablePath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium' } = {}) {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if ((url.pathname === '/' || url.pathname === '/index.html') && !existsSync(join(dir, 'index.html'))) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(INDEX);
      return;
    }
    const file = normalize(join(dir, url.pathname === '/' ? '/index.html' : url.pathname));
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  const profile = mkdtempSync(join(tmpdir(), 'modelvault-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 120_000 });
    const version = `chromium ${context.browser()?.version() ?? ''}`.trim();
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.text().startsWith('FAIL')) console.log(`[browser] ${m.text()}`);
    });
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    try {
      await page.waitForFunction(() => globalThis.__modelvault !== undefined, undefined, { timeout: timeoutMs, polling: 250 });
    } catch (e) {
      throw new Error(`the page did not finish: ${e.message}\n${errors.join('\n')}`);
    }
    const result = await page.evaluate(() => globalThis.__modelvault);
    // The user agent string is frozen at <major>.0.0.0; the binary knows its full version.
    const full = spawnSync(executablePath, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim();
    return { ...result, version: full !== undefined && full !== '' ? full : version };
  } finally {
    await context?.close().catch(() => {});
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
