import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The architecture rules live in eslint.config.mjs; these specs prove they bite. ESLint loads its config with a
 * dynamic import that jest's module sandbox cannot run, so the cases are linted by one child process.
 */
const ROOT = join(__dirname, '../..');

interface Case {
  file: string;
  code: string;
}

function lintAll(cases: Case[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const cases = JSON.parse(process.argv[1]);
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const c of cases) {
        const [r] = await eslint.lintText(c.code, { filePath: require('path').join(process.cwd(), c.file) });
        out.push(r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script, JSON.stringify(cases)], { cwd: ROOT, encoding: 'utf8' }),
  );
}

const domainCases: Array<[string, string]> = [
  ["import { Injectable } from '@nestjs/common';", 'NestJS'],
  ["import { DataSource } from 'typeorm';", 'TypeORM'],
  ["import { Pool } from 'pg';", 'PostgreSQL'],
  ["import { KurrentDBClient } from '@kurrent/kurrentdb-client';", 'KurrentDB'],
  ["import { EventStore } from '@tally/event-store';", 'no other lib'],
];
const appCases: Array<[string, string]> = [
  ['apps/api/src/example.ts', "import { x } from '../../cli/src/main';"],
  ['apps/api/src/http/example.ts', "import { x } from '../../../projector/src/main';"],
  ['apps/projector/src/example.ts', "import { x } from '../../api/src/bootstrap';"],
  ['apps/cli/src/example.ts', "import { x } from 'apps/api/src/bootstrap';"],
];
const allowed: Case[] = [
  {
    file: 'libs/domain/src/tally/example.ts',
    code: "import { tallyId } from '../stream-ids';\nexport const f = tallyId;\n",
  },
  {
    file: 'apps/api/src/example.ts',
    code: "import { tallyId } from '@tally/domain';\nexport const f = tallyId;\n",
  },
];

describe('architecture boundaries (lint)', () => {
  let results: string[][];
  beforeAll(() => {
    results = lintAll([
      ...domainCases.map(([code]) => ({
        file: 'libs/domain/src/tally/example.ts',
        code: `${code}\nexport {};\n`,
      })),
      ...appCases.map(([file, code]) => ({ file, code: `${code}\nexport const y = x;\n` })),
      ...allowed,
    ]);
  });

  it.each(domainCases.map((c, i) => [...c, i] as const))('libs/domain may not `%s`', (_code, why, i) => {
    expect(results[i].join('\n')).toContain(why);
  });

  it.each(appCases.map((c, i) => [...c, domainCases.length + i] as const))(
    '%s may not import another app: %s',
    (_file, _code, i) => {
      expect(results[i].join('\n')).toMatch(/must not import apps\//);
    },
  );

  it('the domain may import its own files and apps may import the libs', () => {
    expect(results.slice(domainCases.length + appCases.length)).toEqual([[], []]);
  });
});
