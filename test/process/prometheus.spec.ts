import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * deploy/prometheus (what docker compose runs): Debian's promtool checks the config and the alert rules, and runs the
 * rules' unit tests (alerts.test.yml: each alert fires on its condition, and stays quiet otherwise). That the
 * metrics they name exist is test/e2e/metrics.e2e.spec.ts.
 */
const PROMTOOL = '/usr/bin/promtool';
const DIR = join(__dirname, '../../deploy/prometheus');
const run = promisify(execFile);

function promtoolAvailable(): boolean {
  if (existsSync(PROMTOOL)) return true;
  const reason = `${PROMTOOL} is missing (apt-get install prometheus)`;
  if (process.env.CI === 'true') throw new Error(`the prometheus spec needs promtool on CI: ${reason}`);
  console.warn(`Skipping the prometheus spec: ${reason}.`);
  return false;
}

const describeWithPromtool = promtoolAvailable() ? describe : describe.skip;

describeWithPromtool('deploy/prometheus, checked by promtool', () => {
  const promtool = async (...args: string[]) => {
    const { stdout, stderr } = await run(PROMTOOL, args, { cwd: DIR }).catch(
      (error: { stdout: string; stderr: string }) => {
        throw new Error(`promtool ${args.join(' ')} failed:\n${error.stdout}${error.stderr}`);
      },
    );
    return stdout + stderr;
  };

  it('prometheus.yml is a valid config, and loads alerts.yml', async () => {
    expect(await promtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS: 1 rule files found');
  });

  it('alerts.yml is valid', async () => {
    expect(await promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('every alert passes its unit tests (alerts.test.yml), and every alert has some', async () => {
    expect(await promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
    const { readFileSync } = await import('node:fs');
    const alerts = [...readFileSync(join(DIR, 'alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g)].map(
      (m) => m[1],
    );
    const tested = new Set(
      [...readFileSync(join(DIR, 'alerts.test.yml'), 'utf8').matchAll(/alertname: (\w+)/g)].map((m) => m[1]),
    );
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.filter((alert) => !tested.has(alert))).toEqual([]);
  });
});
