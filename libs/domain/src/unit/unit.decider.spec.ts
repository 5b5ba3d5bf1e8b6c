import { ElectionIndex } from '../election/election-index';
import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext } from '../testing/election-fixture';
import { foldTally, TallyState } from '../tally/tally.decider';
import { TallyCorrected, TallySubmitted } from '../tally/tally.events';
import { TallyCounts } from '../tally/tally.types';
import {
  AnnulUnitResult,
  CertifyUnit,
  ReconcileCertification,
  RevokeCertification,
  UnitCommand,
} from './unit.commands';
import { decideUnit, evolveUnit, foldUnit, initialUnitState } from './unit.decider';
import { UnitCertificationRevoked, UnitCertified, UnitResultAnnulled } from './unit.events';

const definition = smallElection();
definition.contests[1].kind = 'provincial-council';
const index = ElectionIndex.of(definition);

/** south-01's council sheet: 1,200 listed, 1,000 voted, 990 valid; Vũ Văn Hải 600, Đỗ Thị Lan 390. */
const councilCounts = (): TallyCounts => ({
  registeredVoters: 1200,
  votersVoted: 1000,
  ballotsIssued: 1000,
  ballotsReceived: 1000,
  validBallots: 990,
  invalidBallots: 10,
  candidateVotes: { 'c-02-1': 600, 'c-02-2': 390 },
});
const submittedSouth01: TallySubmitted = {
  type: 'TallySubmitted',
  data: {
    electionId: 'e-1',
    pollingAreaId: 'south-01',
    contestId: 'council',
    districtId: 'south',
    unitId: 'c-02',
    submissionId: 'sub-1',
    counts: councilCounts(),
    anomalies: [],
    submittedAt: '2021-05-23T20:00:00.000Z',
  },
};
const counted = new Map<string, TallyState>([['south-01', foldTally([submittedSouth01])]]);

const specWith = (sheets: ReadonlyMap<string, TallyState>, idx: ElectionIndex | 'undefined' = index) =>
  DeciderSpecification.for({
    decide: (command: UnitCommand, state) =>
      decideUnit(command, state, idx === 'undefined' ? undefined : idx, sheets),
    evolve: evolveUnit,
    initialState: initialUnitState,
  });
const spec = specWith(counted);

const ref = { electionId: 'e-1', contestId: 'council', unitId: 'c-02' };
const certify = (overrides: Partial<CertifyUnit> = {}): CertifyUnit => ({
  type: 'CertifyUnit',
  ...ref,
  reason: '  Biên bản xác định kết quả đã ký  ',
  context: testContext('2021-05-25T10:00:00.000Z'),
  ...overrides,
});
const revoke = (overrides: Partial<RevokeCertification> = {}): RevokeCertification => ({
  type: 'RevokeCertification',
  ...ref,
  reason: 'Khiếu nại về khu vực south-01',
  context: testContext('2021-05-26T10:00:00.000Z'),
  ...overrides,
});
const annul = (overrides: Partial<AnnulUnitResult> = {}): AnnulUnitResult => ({
  type: 'AnnulUnitResult',
  ...ref,
  reason: '  Số phiếu thu vào nhiều hơn số phiếu phát ra ',
  context: testContext('2021-05-29T09:00:00.000Z'),
  ...overrides,
});
const reconcile = (revision: number): ReconcileCertification => ({
  type: 'ReconcileCertification',
  ...ref,
  pollingAreaId: 'south-01',
  revision,
  context: testContext('2021-05-25T10:00:01.000Z'),
});

const certified: UnitCertified = {
  type: 'UnitCertified',
  data: {
    ...ref,
    districtIds: ['south'],
    sheets: [{ pollingAreaId: 'south-01', revision: 0 }],
    totals: { registeredVoters: 1200, votersVoted: 1000, validBallots: 990, invalidBallots: 10 },
    candidates: [
      { candidateId: 'c-02-1', votes: 600, elected: true },
      { candidateId: 'c-02-2', votes: 390, elected: false },
    ],
    status: 'seats_filled',
    outcome: 'elected',
    outcomeReason: null,
    seatsUnfilled: 0,
    reason: 'Biên bản xác định kết quả đã ký',
    certifiedAt: '2021-05-25T10:00:00.000Z',
  },
};
const revoked: UnitCertificationRevoked = {
  type: 'UnitCertificationRevoked',
  data: {
    ...ref,
    reason: 'Khiếu nại về khu vực south-01',
    automatic: false,
    revokedAt: '2021-05-26T10:00:00.000Z',
  },
};

const annulled: UnitResultAnnulled = {
  type: 'UnitResultAnnulled',
  data: {
    ...ref,
    reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra',
    annulledAt: '2021-05-29T09:00:00.000Z',
  },
};

describe('unit decider: CertifyUnit', () => {
  it('records the counts, winners and outcome of every counted sheet, with the trimmed reason', () => {
    spec.given([]).when(certify()).then([certified]);
  });

  it('a reason is optional', () => {
    spec
      .given([])
      .when(certify({ reason: undefined }))
      .then([{ ...certified, data: { ...certified.data, reason: null } }]);
    spec
      .given([])
      .when(certify({ reason: '   ' }))
      .then([{ ...certified, data: { ...certified.data, reason: null } }]);
  });

  it('the record follows the contest kind: a National Assembly unit with a seat unfilled needs a supplementary round', () => {
    const areas = ['north-01', 'north-02', 'south-01', 'south-02'];
    const sheets = new Map(
      areas.map((pollingAreaId): [string, TallyState] => [
        pollingAreaId,
        foldTally([
          {
            type: 'TallySubmitted',
            data: {
              ...submittedSouth01.data,
              pollingAreaId,
              contestId: 'na',
              unitId: 'na-01',
              counts: {
                ...councilCounts(),
                candidateVotes: { 'na-01-1': 900, 'na-01-2': 400, 'na-01-3': 300 },
              },
            },
          },
        ]),
      ]),
    );
    const [event] = decideUnit(
      certify({ contestId: 'na', unitId: 'na-01' }),
      initialUnitState(),
      index,
      sheets,
    );
    expect(event.type === 'UnitCertified' && event.data).toMatchObject({
      districtIds: ['north', 'south'],
      outcome: 'supplementary-required',
      seatsUnfilled: 1,
      totals: { validBallots: 3960 },
      candidates: [
        { candidateId: 'na-01-1', votes: 3600, elected: true },
        { candidateId: 'na-01-2', votes: 1600, elected: false },
        { candidateId: 'na-01-3', votes: 1200, elected: false },
      ],
    });
  });

  it('certifies from the sheets as corrected, at their latest revision', () => {
    const corrected: TallyCorrected = {
      type: 'TallyCorrected',
      data: {
        ...placementOf(submittedSouth01),
        counts: { ...councilCounts(), candidateVotes: { 'c-02-1': 380, 'c-02-2': 610 } },
        previousCounts: councilCounts(),
        changedFields: ['candidateVotes.c-02-1', 'candidateVotes.c-02-2'],
        reason: 'Recount ordered',
        anomalies: [],
        correctedAt: '2021-05-24T08:00:00.000Z',
      },
    };
    const sheets = new Map([['south-01', foldTally([submittedSouth01, corrected])]]);
    const [event] = decideUnit(certify(), initialUnitState(), index, sheets);
    expect(event.type === 'UnitCertified' && event.data).toMatchObject({
      sheets: [{ pollingAreaId: 'south-01', revision: 1 }],
      candidates: [
        { candidateId: 'c-02-2', votes: 610, elected: true },
        { candidateId: 'c-02-1', votes: 380, elected: false },
      ],
    });
  });

  it('UNIT.NOT_COMPLETE (409): names every polling area that is not counted', () => {
    const error = specWith(new Map()).given([]).when(certify()).thenThrows('UNIT.NOT_COMPLETE', 'conflict');
    expect(error.details.pollingAreas).toEqual({ unreported: ['south-01'] });
    const partly = new Map([
      [
        'north-01',
        foldTally([
          {
            ...submittedSouth01,
            data: { ...submittedSouth01.data, pollingAreaId: 'north-01', contestId: 'na', unitId: 'na-01' },
          },
        ]),
      ],
    ]);
    const more = specWith(partly)
      .given([])
      .when(certify({ contestId: 'na', unitId: 'na-01' }))
      .thenThrows('UNIT.NOT_COMPLETE', 'conflict');
    expect(more.details.pollingAreas).toEqual({ unreported: ['north-02', 'south-01', 'south-02'] });
  });

  it('UNIT.ALREADY_CERTIFIED (409)', () => {
    spec.given([certified]).when(certify()).thenThrows('UNIT.ALREADY_CERTIFIED', 'conflict');
  });

  it('certifies again after a revocation', () => {
    spec.given([certified, revoked]).when(certify()).then([certified]);
  });

  it('UNIT.NOT_FOUND (404): an unknown unit or contest', () => {
    spec
      .given([])
      .when(certify({ unitId: 'c-99' }))
      .thenThrows('UNIT.NOT_FOUND', 'not_found');
    spec
      .given([])
      .when(certify({ contestId: 'senate' }))
      .thenThrows('UNIT.NOT_FOUND', 'not_found');
  });

  it('ELECTION.NOT_FOUND (404)', () => {
    specWith(counted, 'undefined').given([]).when(certify()).thenThrows('ELECTION.NOT_FOUND', 'not_found');
  });
});

describe('unit decider: RevokeCertification', () => {
  it('reopens a certified unit with the trimmed reason', () => {
    spec
      .given([certified])
      .when(revoke({ reason: '  Khiếu nại về khu vực south-01 ' }))
      .then([revoked]);
  });
  it('UNIT.NOT_CERTIFIED (409): nothing to revoke', () => {
    spec.given([]).when(revoke()).thenThrows('UNIT.NOT_CERTIFIED', 'conflict');
    spec.given([certified, revoked]).when(revoke()).thenThrows('UNIT.NOT_CERTIFIED', 'conflict');
  });
  it('TALLY.REASON_TOO_SHORT (422)', () => {
    spec
      .given([certified])
      .when(revoke({ reason: ' wrong ' }))
      .thenThrows('TALLY.REASON_TOO_SHORT', 'invalid');
  });
  it('UNIT.NOT_FOUND (404)', () => {
    spec
      .given([certified])
      .when(revoke({ unitId: 'c-99' }))
      .thenThrows('UNIT.NOT_FOUND', 'not_found');
  });
});

describe('unit decider: AnnulUnitResult', () => {
  it('annuls the result of a unit with the trimmed reason', () => {
    spec.given([]).when(annul()).then([annulled]);
  });
  it('annuls a unit whose certification was revoked', () => {
    spec.given([certified, revoked]).when(annul()).then([annulled]);
  });
  it('UNIT.ALREADY_ANNULLED (409): once only', () => {
    const error = spec.given([annulled]).when(annul()).thenThrows('UNIT.ALREADY_ANNULLED', 'conflict');
    expect(error.details).toMatchObject({ unitId: 'c-02', annulledAt: '2021-05-29T09:00:00.000Z' });
    spec.given([annulled, certified, revoked]).when(annul()).thenThrows('UNIT.ALREADY_ANNULLED', 'conflict');
  });
  it('UNIT.ANNUL_CERTIFIED (409): a certified unit is revoked first', () => {
    const error = spec.given([certified]).when(annul()).thenThrows('UNIT.ANNUL_CERTIFIED', 'conflict');
    expect(error.details).toMatchObject({ unitId: 'c-02', certifiedAt: '2021-05-25T10:00:00.000Z' });
  });
  it('TALLY.REASON_TOO_SHORT (422): at least 10 characters once trimmed', () => {
    spec
      .given([])
      .when(annul({ reason: '   vi phạm  ' }))
      .thenThrows('TALLY.REASON_TOO_SHORT', 'invalid');
    spec
      .given([])
      .when(annul({ reason: '0123456789' }))
      .then([{ ...annulled, data: { ...annulled.data, reason: '0123456789' } }]);
  });
  it('UNIT.NOT_FOUND (404) and ELECTION.NOT_FOUND (404)', () => {
    spec
      .given([])
      .when(annul({ unitId: 'c-99' }))
      .thenThrows('UNIT.NOT_FOUND', 'not_found');
    spec
      .given([])
      .when(annul({ contestId: 'senate' }))
      .thenThrows('UNIT.NOT_FOUND', 'not_found');
    specWith(counted, 'undefined').given([]).when(annul()).thenThrows('ELECTION.NOT_FOUND', 'not_found');
  });
  it('an annulled unit may still be certified: its record requires a re-vote and elects nobody', () => {
    spec
      .given([annulled])
      .when(certify())
      .then([
        {
          ...certified,
          data: {
            ...certified.data,
            candidates: [
              { candidateId: 'c-02-1', votes: 600, elected: false },
              { candidateId: 'c-02-2', votes: 390, elected: false },
            ],
            status: 'seats_unfilled',
            outcome: 're-vote-required',
            outcomeReason: 'annulled',
            seatsUnfilled: 1,
          },
        },
      ]);
  });
});

describe('unit decider: ReconcileCertification (a sheet changed while the unit was being certified)', () => {
  it('revokes, automatically, when the sheet moved past the revision the record was made from', () => {
    const [event] = decideUnit(reconcile(1), foldUnit([certified]), index);
    expect(event).toMatchObject({
      type: 'UnitCertificationRevoked',
      data: { ...ref, automatic: true, reason: expect.stringContaining('south-01 changed (revision 1)') },
    });
  });
  it('does nothing when the record already holds that revision, or the unit is not certified', () => {
    spec.given([certified]).when(reconcile(0)).thenNothing();
    spec.given([]).when(reconcile(3)).thenNothing();
    spec.given([certified, revoked]).when(reconcile(3)).thenNothing();
  });
});

describe('foldUnit', () => {
  it('tracks the certification and the stream revision', () => {
    expect(foldUnit([])).toEqual({ revision: -1, certification: null, annulled: null });
    expect(foldUnit([certified])).toEqual({
      revision: 0,
      certification: { certifiedAt: '2021-05-25T10:00:00.000Z', sheets: { 'south-01': 0 }, revision: 0 },
      annulled: null,
    });
    expect(foldUnit([certified, revoked])).toEqual({ revision: 1, certification: null, annulled: null });
  });
  it('tracks the annulment through certifications and revocations', () => {
    const annulment = {
      at: '2021-05-29T09:00:00.000Z',
      reason: 'Số phiếu thu vào nhiều hơn số phiếu phát ra',
    };
    expect(foldUnit([certified, revoked, annulled])).toEqual({
      revision: 2,
      certification: null,
      annulled: annulment,
    });
    expect(foldUnit([annulled, certified])).toEqual({
      revision: 1,
      certification: { certifiedAt: '2021-05-25T10:00:00.000Z', sheets: { 'south-01': 0 }, revision: 1 },
      annulled: annulment,
    });
  });
});

function placementOf(event: TallySubmitted) {
  const { electionId, pollingAreaId, contestId, districtId, unitId } = event.data;
  return { electionId, pollingAreaId, contestId, districtId, unitId };
}
