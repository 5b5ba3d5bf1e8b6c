import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * The docs are part of the product: a newcomer follows their links, and a client looks up every code it can get.
 * These specs fail when a link or anchor leads nowhere, or when the code can answer with an error code that
 * docs/api.md does not list.
 */
const ROOT = join(__dirname, '../..');

function files(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return files(path, keep);
    return keep(path) ? [path] : [];
  });
}

const markdown = [join(ROOT, 'README.md'), ...files(join(ROOT, 'docs'), (p) => p.endsWith('.md'))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(path: string): Set<string> {
  const text = readFileSync(path, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('docs', () => {
  it('has the newcomer pages the README points to', () => {
    for (const page of ['api', 'auditors', 'operations', 'architecture', 'benchmarks']) {
      expect(existsSync(join(ROOT, 'docs', `${page}.md`))).toBe(true);
    }
  });

  it('every relative link and anchor in README.md and docs/ resolves', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [path, anchor] = target.split('#');
        const resolved = path ? join(dirname(file), path) : file;
        const where = `${relative(ROOT, file)} → ${target}`;
        if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
          broken.push(`${where} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('docs/api.md lists every error code the code can answer with', () => {
    const api = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    const sources = [
      ...files(join(ROOT, 'apps'), (p) => p.endsWith('.ts') && !p.endsWith('.spec.ts')),
      ...files(
        join(ROOT, 'libs'),
        (p) => p.endsWith('.ts') && !p.endsWith('.spec.ts') && !p.includes('/testing/'),
      ),
    ];
    const codes = new Set<string>();
    const pattern =
      /['"`]((?:REQUEST|AUTH|ELECTION|TALLY|TURNOUT|RESULTS|ROUTE|ANOMALY|STREAM|UNIT|AUDIT|SCAN|SERVICE)\.[A-Z][A-Z_]+)['"`]/g;
    for (const file of sources) {
      for (const [, code] of readFileSync(file, 'utf8').matchAll(pattern)) codes.add(code);
    }
    expect(codes.size).toBeGreaterThan(40);
    const undocumented = [...codes].filter((code) => !api.includes(`\`${code}\``)).sort();
    expect(undocumented).toEqual([]);
  });
});
