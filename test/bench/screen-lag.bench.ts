/// <reference lib="dom" />
/**
 * How far the press-room screen trails the api: the simulator pushes Hanoi sheets at SCREEN_RATE/s (default 100) while
 * the page at `/` follows the live stream in headless Chromium; for every 201 the lag is the time until the page had
 * rendered a position at or beyond it (`<body data-position>`, recorded in the page by a MutationObserver). Same
 * machine, same clock. The built api runs as a process of its own with the projections inline, as in the default
 * deployment (BENCH_NO_BUILD=1 reuses dist/). Prints; asserts nothing.
 *
 *   npx ts-node -r tsconfig-paths/register --transpile-only test/bench/screen-lag.bench.ts
 *   (SCREEN_SHEETS default 3000, SCREEN_RATE default 100; needs /usr/bin/chromium)
 *
 * `benchScreenLag` can also be called from `npm run bench` with a database of its own.
 */
import 'reflect-metadata';
import { startEmbeddedPostgres } from '@tally/platform';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { percentile, startBuiltApiWithHanoi } from './bench-config';
import { runSimulation } from '../../apps/cli/src/simulate/simulator';
import { freePort } from '../support/api-process';
import { launchChromium } from '../support/browser';
import { SseClient } from '../support/sse-client';

const SHEETS = Number(process.env.BENCH_SCREEN_SHEETS ?? process.env.SCREEN_SHEETS ?? 3000);
const RATE = Number(process.env.BENCH_SCREEN_RATE ?? process.env.SCREEN_RATE ?? 100);

export async function benchScreenLag(
  databaseUrl: string,
  report: (name: string, value: string) => void,
): Promise<void> {
  const { api, base, token, definition } = await startBuiltApiWithHanoi(databaseUrl);
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.addInitScript(() => {
      const shown: Array<{ position: number; at: number }> = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      document.addEventListener('DOMContentLoaded', () =>
        new MutationObserver(() =>
          shown.push({ position: Number(document.body.dataset.position), at: Date.now() }),
        ).observe(document.body, { attributes: true, attributeFilter: ['data-position'] }),
      );
    });
    await page.goto(`${base}/?election=${definition.electionId}`);
    await page.waitForFunction(() => document.body.dataset.position !== undefined, undefined, {
      timeout: 60_000,
    });

    // The same stream followed without a browser: the difference is what the page itself adds.
    const sse = await SseClient.connect(`${base}/elections/${definition.electionId}/live`);
    await sse.waitFor((m) => m.event === 'snapshot', 60_000);

    const created: Array<{ position: number; at: number }> = [];
    const result = await runSimulation({
      api: base,
      token,
      electionId: definition.electionId,
      speed: 1e9, // every sheet is due at once: --rate paces them
      rate: RATE,
      seed: 'screen-bench',
      concurrency: 64,
      kinds: ['sheet'],
      limit: SHEETS,
      log: () => undefined,
      progressMs: 0,
      onCreated: (_, position) => created.push({ position, at: Date.now() }),
    });
    const last = Math.max(...created.map((c) => c.position));
    await page.waitForFunction((p) => Number(document.body.dataset.position) >= p, last, { timeout: 60_000 });

    const shown = await page.evaluate(
      () => (window as unknown as { shown: Array<{ position: number; at: number }> }).shown,
    );
    const stats = await page.evaluate(
      () => (window as unknown as { tallyScreen: { renders: number; lastRenderMs: number } }).tallyScreen,
    );
    await sse.waitFor((m) => m.event === 'update' && Number(m.id) >= last, 60_000);
    const updates = sse.messages
      .filter((m) => m.event === 'update')
      .map((m) => ({ position: Number(m.id), at: m.receivedAt }));
    sse.close();
    const lagOf = (seen: Array<{ position: number; at: number }>) =>
      created.map((c) => seen.find((s) => s.position >= c.position)!.at - c.at).sort((a, b) => a - b);
    const summary = (sorted: number[]) =>
      `p50 ${percentile(sorted, 50)} ms, p95 ${percentile(sorted, 95)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted[sorted.length - 1]} ms`;
    report(
      `screen: sheets pushed by the simulator (target ${RATE}/s)`,
      `${created.length} in ${result.seconds.toFixed(1)} s = ${(created.length / result.seconds).toFixed(0)}/s`,
    );
    report(
      'screen: renders (coalesced per animation frame)',
      `${stats.renders}, the last took ${stats.lastRenderMs} ms`,
    );
    report('screen: lag from 201 to the SSE update covering it (a Node client)', summary(lagOf(updates)));
    report('screen: lag from 201 to the page showing it', summary(lagOf(shown)));
  } finally {
    await browser?.close();
    await api.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-ledger-screen-bench-'));
  chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort() });
  try {
    const admin = new Client({ connectionString: server.url.replace(/\/[^/]*$/, '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_screen');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/bench_screen';
    console.log(`press-room screen (headless Chromium at / while the simulator pushes ${SHEETS} sheets):`);
    await benchScreenLag(url.toString(), (name, value) => console.log(`  ${name}: ${value}`));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
