/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { randomUUID } from 'node:crypto';
import { Browser } from 'playwright-core';
import { generateHanoi2021 } from '../../apps/cli/src/sample/hanoi-2021';
import { generateTallies } from '../../apps/cli/src/sample/tally-generator';
import { startTestApi, TestApi } from '../support/api';
import { uuidFor } from '../support/fixtures';
import { chromiumAvailability, launchChromium, listenOnLoopback, screenshotPath } from '../support/browser';

/**
 * The Hanoi night on a projector and on a phone: a part of the 2021 sample counted (districts at different stages),
 * a few corrections; the key figures fit one 1920×1080 screen, the phone gets one column without sideways scrolling.
 */
const chromiumCheck = chromiumAvailability();
const describeWithChromium = chromiumCheck.available ? describe : describe.skip;

describeWithChromium('press-room screen layout (Hanoi sample)', () => {
  let api: TestApi;
  let browser: Browser;
  let base: string;
  let lastPosition = 0;
  /** Sheets still to come, sent while the projector page is open. */
  let later: ReturnType<typeof generateTallies> = [];
  const definition = generateHanoi2021();
  const electionId = definition.electionId;

  beforeAll(async () => {
    api = await startTestApi();
    base = await listenOnLoopback(api.app);
    expect((await api.call('POST', '/elections', definition)).status).toBe(201);
    const started = Date.now();

    // Districts at different stages of the night: the i-th district has counted about (i mod 7)/7 of its areas.
    const districtOf = new Map(definition.pollingAreas.map((a) => [a.pollingAreaId, a.districtId]));
    const stage = new Map(definition.districts.map((d, i) => [d.districtId, (i % 7) / 7]));
    const seen = new Map<string, number>();
    const areasIn = new Map<string, number>();
    for (const a of definition.pollingAreas) areasIn.set(a.districtId, (areasIn.get(a.districtId) ?? 0) + 1);
    const generated = generateTallies(definition, { seed: 'screen-layout' });
    const sheets = generated.filter((sheet) => {
      const district = districtOf.get(sheet.pollingAreaId)!;
      const key = `${district}/${sheet.contestId}`;
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return n <= Math.round(areasIn.get(district)! * stage.get(district)! * 0.07);
    });
    const counted = new Set(sheets);
    later = generated.filter((sheet) => !counted.has(sheet)).slice(0, 60);
    // Turnout reports at 12:30 and 18:30 from a few polling areas of every district.
    const reports = definition.districts.flatMap((d) =>
      definition.pollingAreas
        .filter((a) => a.districtId === d.districtId)
        .slice(0, 3)
        .flatMap((a) =>
          (
            [
              ['12:30', 0.62],
              ['18:30', 0.97],
            ] as const
          ).map(([time, share]) => ({
            path: `/elections/${electionId}/turnout`,
            body: {
              reportId: uuidFor(`${a.pollingAreaId}-${time}`),
              pollingAreaId: a.pollingAreaId,
              asOf: `${definition.pollingDate}T${time}:00+07:00`,
              votersVoted: Math.round(a.registeredVoters * share),
            },
          })),
        ),
    );
    const writes = [
      ...reports.filter((r) => r.body.asOf.includes('12:30')),
      ...reports.filter((r) => r.body.asOf.includes('18:30')),
      ...sheets.map((sheet) => ({
        path: `/elections/${electionId}/tallies`,
        body: {
          submissionId: randomUUID(),
          pollingAreaId: sheet.pollingAreaId,
          contestId: sheet.contestId,
          ...sheet.counts,
        },
      })),
    ];
    // A few at a time, as districts send them.
    for (let i = 0; i < writes.length; i += 8) {
      const responses = await Promise.all(
        writes.slice(i, i + 8).map((w) => api.call('POST', w.path, w.body)),
      );
      for (const response of responses) {
        expect(response.status).toBe(201);
        lastPosition = Math.max(lastPosition, response.body.position);
      }
    }
    // A few corrections with reasons, as the feed shows them.
    for (const sheet of sheets.slice(0, 3)) {
      const path = `/elections/${electionId}/tallies/${sheet.pollingAreaId}/${sheet.contestId}`;
      const current = await api.call('GET', path);
      const counts = { ...sheet.counts, invalidBallots: sheet.counts.invalidBallots + 1 };
      counts.validBallots -= 1;
      const over = Object.entries(counts.candidateVotes).find(([, votes]) => votes > counts.validBallots);
      if (over) continue;
      const corrected = await api.call(
        'POST',
        `${path}/corrections`,
        { reason: 'Biên bản ghi nhầm số phiếu không hợp lệ', ...counts },
        { 'if-match': String(current.headers.etag) },
      );
      expect(corrected.status).toBe(201);
      lastPosition = corrected.body.position;
    }
    console.log(
      `screen-layout: ${sheets.length} sheets, ${reports.length} turnout reports in ${Date.now() - started} ms`,
    );
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function open(viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${base}/?election=${electionId}`);
    await page.waitForFunction((p) => Number(document.body.dataset.position) >= p, lastPosition, {
      timeout: 15_000,
    });
    console.log(
      `screen-layout: ${viewport.width}×${viewport.height} showed position ${lastPosition} after ${Date.now() - started} ms`,
    );
    return { context, page };
  }

  it('fits the key figures on a 1920×1080 projector and matches the api', async () => {
    const { context, page } = await open({ width: 1920, height: 1080 });
    await page.screenshot({ path: screenshotPath('screen-1920x1080.png') });
    await page.evaluate(() => document.getElementById('units-heading')!.scrollIntoView());
    await page.screenshot({ path: screenshotPath('screen-1920x1080-units.png') });
    await page.evaluate(() => window.scrollTo(0, 0));

    const city = (await api.call('GET', `/elections/${electionId}/results/city`)).body;
    const vi = new Intl.NumberFormat('vi-VN');
    for (const contest of city.contests) {
      await expect(page.getByTestId(`city-votersVoted-${contest.contestId}`).textContent()).resolves.toBe(
        vi.format(contest.votersVoted),
      );
    }
    expect(await page.getByTestId(/^district-[a-z-]+$/).count()).toBeGreaterThanOrEqual(30);
    expect(await page.locator('.tile').count()).toBe(30);

    const bottoms = await page.evaluate(() =>
      [
        '.city',
        '.districts',
        '.timeline',
        '#feed-heading',
        ...[...document.querySelectorAll('.tile')].map((_, i) => `.tile:nth-child(${i + 1})`),
      ].map((selector) => {
        const box = document.querySelector(selector)!.getBoundingClientRect();
        return { selector, bottom: box.bottom, right: box.right };
      }),
    );
    for (const { selector, bottom, right } of bottoms) {
      expect({ selector, inView: bottom <= 1080 && right <= 1920 }).toEqual({ selector, inView: true });
    }
    // A burst while the page is open: it ends showing what the api says, having rendered a few times, not per sheet.
    const before = await page.evaluate(
      () => (window as unknown as { tallyScreen: { renders: number } }).tallyScreen.renders,
    );
    for (let i = 0; i < later.length; i += 8) {
      const responses = await Promise.all(
        later.slice(i, i + 8).map((sheet) =>
          api.call('POST', `/elections/${electionId}/tallies`, {
            submissionId: randomUUID(),
            pollingAreaId: sheet.pollingAreaId,
            contestId: sheet.contestId,
            ...sheet.counts,
          }),
        ),
      );
      for (const response of responses) {
        expect(response.status).toBe(201);
        lastPosition = Math.max(lastPosition, response.body.position);
      }
    }
    await page.waitForFunction((p) => Number(document.body.dataset.position) >= p, lastPosition, {
      timeout: 15_000,
    });
    const after = (await api.call('GET', `/elections/${electionId}/results/city?minPosition=${lastPosition}`))
      .body;
    for (const contest of after.contests) {
      await expect(page.getByTestId(`city-votersVoted-${contest.contestId}`).textContent()).resolves.toBe(
        vi.format(contest.votersVoted),
      );
      await expect(page.getByTestId(`city-reported-${contest.contestId}`).textContent()).resolves.toBe(
        vi.format(contest.pollingAreasReported),
      );
    }
    const stats = await page.evaluate(
      () => (window as unknown as { tallyScreen: { renders: number; lastRenderMs: number } }).tallyScreen,
    );
    console.log(
      `screen-layout: ${later.length} more sheets shown in ${stats.renders - before} renders, the last took ${stats.lastRenderMs} ms`,
    );
    await context.close();
  });

  it('is one column without sideways scrolling on a phone', async () => {
    const { context, page } = await open({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath('screen-phone.png') });
    await page.evaluate(() => document.getElementById('districts-heading')!.scrollIntoView());
    await page.screenshot({ path: screenshotPath('screen-phone-districts.png') });
    await page.evaluate(() => document.getElementById('units-heading')!.scrollIntoView());
    await page.screenshot({ path: screenshotPath('screen-phone-units.png') });
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    await context.close();
  });
});
