import { EventStore } from '@tally/event-store';
import { startTestApi, TestApi } from '../support/api';
import { naSheet, smallElection } from '../support/fixtures';

/*
 * Over HTTP a count that is not an integer in 0..10,000,000 is malformed input: 400 REQUEST.INVALID naming the field,
 * before any rule runs. The domain's TALLY.NEGATIVE_OR_NON_INTEGER (422) guards the decider for other callers and is
 * never what an HTTP client hears (docs/api.md, "Counts").
 */
let api: TestApi;
let electionId: string;

async function eventCount(): Promise<number> {
  return (await api.app.get(EventStore).readAll({ maxCount: 100_000 })).length;
}

beforeAll(async () => {
  api = await startTestApi();
  electionId = smallElection().electionId;
  expect((await api.call('POST', '/elections', smallElection(electionId))).status).toBe(201);
  expect((await api.call('POST', `/elections/${electionId}/tallies`, naSheet())).status).toBe(201);
});
afterAll(() => api.close());

const FIELDS = [
  'registeredVoters',
  'votersVoted',
  'ballotsIssued',
  'ballotsReceived',
  'validBallots',
  'invalidBallots',
] as const;
const NOT_COUNTS: Array<[string, unknown]> = [
  ['negative', -1],
  ['fractional', 1.5],
  ['a numeric string', '12'],
  ['null', null],
  ['above 10,000,000', 10_000_001],
];
const CASES = [
  ...FIELDS.flatMap((field) => NOT_COUNTS.map(([what, value]) => [field, what, { [field]: value }] as const)),
  ...NOT_COUNTS.map(
    ([what, value]) =>
      [
        'candidateVotes',
        what,
        { candidateVotes: { 'na-01-1': value, 'na-01-2': 870, 'na-01-3': 300 } },
      ] as const,
  ),
];

function expectMalformed(res: { status: number; body: Record<string, unknown> }, field: string) {
  expect({
    status: res.status,
    code: res.body.code,
    // One entry per broken constraint (-1 breaks Min only, '12' breaks IsInt, Min and Max).
    fields: [...new Set((res.body.errors as Array<{ field: string }>).map((e) => e.field))],
    violations: res.body.violations,
  }).toEqual({ status: 400, code: 'REQUEST.INVALID', fields: [field], violations: undefined });
}

describe('counts that are not non-negative integers, over HTTP', () => {
  it.each(CASES)('a submission with %s %s is 400 REQUEST.INVALID naming it', async (field, _what, change) => {
    const before = await eventCount();
    const res = await api.call('POST', `/elections/${electionId}/tallies`, {
      ...naSheet({ pollingAreaId: 'ba-dinh-0002' }),
      ...change,
    });
    expectMalformed(res, field);
    expect(await eventCount()).toBe(before);
  });

  it.each(CASES)('a correction with %s %s is 400 REQUEST.INVALID naming it', async (field, _what, change) => {
    const { submissionId: _s, pollingAreaId: _p, contestId: _c, ...counts } = naSheet();
    const before = await eventCount();
    const res = await api.call(
      'POST',
      `/elections/${electionId}/tallies/ba-dinh-0001/na/corrections`,
      { ...counts, ...change, reason: 'Biên bản ghi nhầm một ô' },
      { 'if-match': '"0"' },
    );
    expectMalformed(res, field);
    expect(await eventCount()).toBe(before);
  });

  it('documents the counts in OpenAPI as integers from 0 to 10,000,000', async () => {
    const doc = (await api.call('GET', '/docs-json')).body;
    const counts = doc.components.schemas.TallyCountsDto.properties;
    for (const field of FIELDS) {
      expect([field, counts[field]]).toEqual([
        field,
        expect.objectContaining({ type: 'integer', minimum: 0, maximum: 10_000_000 }),
      ]);
    }
    expect(counts.candidateVotes.additionalProperties).toEqual({
      type: 'integer',
      minimum: 0,
      maximum: 10_000_000,
    });
  });
});
