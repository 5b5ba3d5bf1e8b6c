import { ElectionIndex } from '../election/election-index';
import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext, validNaCounts } from '../testing/election-fixture';
import { AttachTallyScan, CorrectTally, TallyCommand } from './tally.commands';
import { decideTally, evolveTally, foldTally, initialTallyState } from './tally.decider';
import { TallyCorrected, TallyScanAttached, TallySubmitted } from './tally.events';
import { sniffScanType } from './tally-scan.decider';

const index = ElectionIndex.of(smallElection());
const spec = DeciderSpecification.for({
  decide: (command: TallyCommand, state) => decideTally(command, state, index),
  evolve: evolveTally,
  initialState: initialTallyState,
});

const placement = {
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  districtId: 'north',
  unitId: 'na-01',
};
const DIGEST_A = 'a'.repeat(64);
const DIGEST_B = 'b'.repeat(64);

const submitted: TallySubmitted = {
  type: 'TallySubmitted',
  data: {
    ...placement,
    submissionId: 'sub-1',
    counts: validNaCounts(),
    anomalies: [],
    submittedAt: '2021-05-23T19:30:00.000Z',
  },
};
const correctedCounts = () => ({ ...validNaCounts(), validBallots: 970, invalidBallots: 10 });
const corrected = (revision: number): TallyCorrected => ({
  type: 'TallyCorrected',
  data: {
    ...placement,
    counts: correctedCounts(),
    previousCounts: validNaCounts(),
    changedFields: ['validBallots', 'invalidBallots'],
    reason: 'Recount ordered by the district board',
    anomalies: [],
    correctedAt: `2021-05-24T09:00:0${revision}.000Z`,
  },
});

const attach = (overrides: Partial<AttachTallyScan> = {}): AttachTallyScan => ({
  type: 'AttachTallyScan',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  contestId: 'na',
  digest: DIGEST_A,
  size: 2048,
  contentType: 'image/jpeg',
  context: testContext('2021-05-23T20:00:00.000Z'),
  ...overrides,
});
const attached = (overrides: Partial<TallyScanAttached['data']> = {}): TallyScanAttached => ({
  type: 'TallyScanAttached',
  data: {
    ...placement,
    digest: DIGEST_A,
    size: 2048,
    contentType: 'image/jpeg',
    countsRevision: 0,
    attachedAt: '2021-05-23T20:00:00.000Z',
    ...overrides,
  },
});

describe('tally decider: AttachTallyScan', () => {
  it('links the scan to the sheet and the counts in force', () => {
    spec.given([submitted]).when(attach()).then([attached()]);
  });

  it('is idempotent: the same bytes again for the same counts append nothing', () => {
    spec.given([submitted, attached()]).when(attach()).thenNothing();
  });

  it("an earlier version's bytes sent again make that scan current once more: a new version, not a retry", () => {
    spec
      .given([submitted, attached(), attached({ digest: DIGEST_B })])
      .when(attach())
      .then([attached()]);
  });

  it('a new scan for the same counts is a new version; the old one stays listed', () => {
    spec
      .given([submitted, attached()])
      .when(attach({ digest: DIGEST_B, contentType: 'application/pdf', size: 99 }))
      .then([attached({ digest: DIGEST_B, contentType: 'application/pdf', size: 99 })]);
    const state = foldTally([submitted, attached(), attached({ digest: DIGEST_B })]);
    expect(state.status === 'recorded' && state.scans.map((s) => [s.digest, s.revision])).toEqual([
      [DIGEST_A, 1],
      [DIGEST_B, 2],
    ]);
  });

  it('after a correction, a scan documents the corrected counts (even the same bytes again)', () => {
    spec
      .given([submitted, attached(), corrected(2)])
      .when(attach())
      .then([attached({ countsRevision: 2 })]);
  });

  it('moves the sheet revision (the ETag a correction needs) but not the counts', () => {
    const state = foldTally([submitted, attached()]);
    expect(state).toMatchObject({ revision: 1, countsRevision: 0, counts: validNaCounts(), corrections: 0 });
    const correct: CorrectTally = {
      type: 'CorrectTally',
      electionId: 'e-1',
      pollingAreaId: 'north-01',
      contestId: 'na',
      expectedRevision: 0,
      reason: 'Recount ordered by the district board',
      counts: correctedCounts(),
      context: testContext('2021-05-24T09:00:02.000Z'),
    };
    spec.given([submitted, attached()]).when(correct).thenThrows('TALLY.REVISION_MISMATCH', 'stale');
    spec
      .given([submitted, attached()])
      .when({ ...correct, expectedRevision: 1 })
      .then([corrected(2)]);
  });

  it('SCAN.SHEET_NOT_FOUND: no sheet to attach to (404)', () => {
    spec.given([]).when(attach()).thenThrows('SCAN.SHEET_NOT_FOUND', 'not_found');
  });

  it('an unknown polling area or contest is 404 like for a sheet', () => {
    spec
      .given([])
      .when(attach({ pollingAreaId: 'east-01' }))
      .thenThrows('TALLY.UNKNOWN_POLLING_AREA');
    spec
      .given([])
      .when(attach({ contestId: 'senate' }))
      .thenThrows('TALLY.UNKNOWN_CONTEST');
  });

  it('SCAN.INVALID / SCAN.UNSUPPORTED_TYPE: a digest that is no SHA-256, an empty file, another type (422)', () => {
    spec
      .given([submitted])
      .when(attach({ digest: 'A'.repeat(64) }))
      .thenViolates('SCAN.INVALID');
    spec
      .given([submitted])
      .when(attach({ size: 0 }))
      .thenViolates('SCAN.INVALID');
    spec
      .given([submitted])
      .when(attach({ contentType: 'image/gif' as AttachTallyScan['contentType'] }))
      .thenViolates('SCAN.UNSUPPORTED_TYPE');
  });

  it('folding a scan with no sheet before it (never decided) leaves the state empty', () => {
    expect(foldTally([attached()])).toEqual({ status: 'empty' });
  });
});

describe('sniffScanType: the magic numbers', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  it.each([
    ['image/jpeg', bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)],
    ['image/png', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0)],
    ['application/pdf', Buffer.from('%PDF-1.7\n')],
  ])('%s', (type, data) => {
    expect(sniffScanType(data)).toBe(type);
  });
  it.each([
    ['GIF', Buffer.from('GIF89a')],
    ['text', Buffer.from('hello')],
    ['a truncated PNG signature', bytes(0x89, 0x50, 0x4e, 0x47)],
    ['empty', bytes()],
    ['JPEG bytes one off', bytes(0xff, 0xd8, 0xfe)],
  ])('nothing for %s', (_name, data) => {
    expect(sniffScanType(data)).toBeUndefined();
  });
});
