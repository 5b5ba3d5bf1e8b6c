import { ElectionIndex } from '../election/election-index';
import { validateElectionDefinition } from '../election/election-rules';
import { DeciderSpecification } from '../testing/decider-spec';
import { smallElection, testContext } from '../testing/election-fixture';
import { ReportTurnout, TurnoutCommand } from './turnout.commands';
import { decideTurnout, evolveTurnout, initialTurnoutState, reportAsOf } from './turnout.decider';
import { TurnoutReported } from './turnout.events';
import { parseIsoInstant, turnoutSchedule } from './turnout-schedule';

// smallElection: polling day 2021-05-23, north-01 has 1000 registered voters; default offset +07:00.
const index = ElectionIndex.of(smallElection());
const spec = DeciderSpecification.for({
  decide: (command: TurnoutCommand, state) => decideTurnout(command, state, index),
  evolve: evolveTurnout,
  initialState: initialTurnoutState,
});
const NOW = '2021-05-23T14:00:00.000Z'; // 21:00 in Hanoi

const report = (overrides: Partial<ReportTurnout> = {}): ReportTurnout => ({
  type: 'ReportTurnout',
  electionId: 'e-1',
  pollingAreaId: 'north-01',
  reportId: 'r-1230',
  asOf: '2021-05-23T12:30:00+07:00',
  votersVoted: 600,
  context: testContext(NOW),
  ...overrides,
});

const reported = (overrides: Partial<TurnoutReported['data']> = {}): TurnoutReported => ({
  type: 'TurnoutReported',
  data: {
    electionId: 'e-1',
    pollingAreaId: 'north-01',
    districtId: 'north',
    reportId: 'r-1230',
    asOf: '2021-05-23T05:30:00.000Z',
    votersVoted: 600,
    registeredVoters: 1000,
    reportedAt: NOW,
    ...overrides,
  },
});

describe('turnout decider', () => {
  it('records a report with the asOf in UTC, the district and the registered voters', () => {
    spec.given([]).when(report()).then([reported()]);
  });

  it('accepts a later report with more voters, and one equal to the registered voters', () => {
    spec
      .given([reported()])
      .when(report({ reportId: 'r-1830', asOf: '2021-05-23T11:30:00Z', votersVoted: 1000 }))
      .then([reported({ reportId: 'r-1830', asOf: '2021-05-23T11:30:00.000Z', votersVoted: 1000 })]);
  });

  it('a retry with the same reportId and figures decides nothing, whatever the zone asOf is written in', () => {
    spec
      .given([reported()])
      .when(report({ asOf: '2021-05-23T05:30:00Z' }))
      .thenNothing();
  });

  it('the same reportId with other figures is 409 TURNOUT.REPORT_ID_REUSED', () => {
    spec
      .given([reported()])
      .when(report({ votersVoted: 601 }))
      .thenThrows('TURNOUT.REPORT_ID_REUSED', 'conflict');
  });

  it('figures never decrease: a later asOf with fewer voters is TURNOUT.DECREASED', () => {
    spec
      .given([reported()])
      .when(report({ reportId: 'r-1830', asOf: '2021-05-23T18:30:00+07:00', votersVoted: 599 }))
      .thenViolates('TURNOUT.DECREASED');
  });

  it('a late report with an earlier asOf must not exceed a later one (TURNOUT.ABOVE_LATER_REPORT)', () => {
    const at1830 = reported({ reportId: 'r-1830', asOf: '2021-05-23T11:30:00.000Z', votersVoted: 900 });
    spec
      .given([at1830])
      .when(report({ votersVoted: 901 }))
      .thenViolates('TURNOUT.ABOVE_LATER_REPORT');
    // ... and is accepted when it lies between its neighbours
    spec
      .given([at1830])
      .when(report({ votersVoted: 900 }))
      .then([reported({ votersVoted: 900 })]);
  });

  it('two reports with the same asOf must agree', () => {
    spec
      .given([reported()])
      .when(report({ reportId: 'r-again', votersVoted: 650 }))
      .thenViolates('TURNOUT.ABOVE_LATER_REPORT');
    spec
      .given([reported()])
      .when(report({ reportId: 'r-again', votersVoted: 550 }))
      .thenViolates('TURNOUT.DECREASED');
    spec
      .given([reported()])
      .when(report({ reportId: 'r-again' }))
      .then([reported({ reportId: 'r-again' })]);
  });

  it('never more than the registered voters of the polling area', () => {
    spec
      .given([])
      .when(report({ votersVoted: 1001 }))
      .thenViolates('TURNOUT.EXCEEDS_REGISTERED');
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])(
    'votersVoted %p is TURNOUT.NEGATIVE_OR_NON_INTEGER',
    (votersVoted) => {
      spec.given([]).when(report({ votersVoted })).thenViolates('TURNOUT.NEGATIVE_OR_NON_INTEGER');
    },
  );

  it.each([
    'yesterday',
    '2021-05-23',
    '2021-05-23T12:30:00', // no zone
    '2021-02-30T12:30:00Z',
    '2021-05-23T24:00:00Z',
    '2021-05-23 12:30:00Z',
  ])('asOf %p is TURNOUT.INVALID_AS_OF', (asOf) => {
    spec.given([]).when(report({ asOf })).thenViolates('TURNOUT.INVALID_AS_OF');
  });

  it.each(['2021-05-22T23:59:59+07:00', '2021-05-24T00:00:00+07:00', '2021-05-23T17:00:00Z'])(
    'asOf %p outside the local polling day is TURNOUT.AS_OF_OUTSIDE_POLLING_DAY',
    (asOf) => {
      spec.given([]).when(report({ asOf })).thenViolates('TURNOUT.AS_OF_OUTSIDE_POLLING_DAY');
    },
  );

  it('the first and last minute of the local polling day are inside it', () => {
    const late = testContext('2021-05-24T00:00:00.000Z');
    for (const asOf of ['2021-05-23T00:00:00+07:00', '2021-05-23T23:59:59+07:00']) {
      expect(
        decideTurnout(report({ asOf, votersVoted: 0, context: late }), initialTurnoutState(), index),
      ).toHaveLength(1);
    }
  });

  it('asOf more than 5 minutes after the server time is TURNOUT.AS_OF_IN_FUTURE', () => {
    const context = testContext('2021-05-23T05:00:00.000Z'); // 12:00 in Hanoi
    spec.given([]).when(report({ context })).thenViolates('TURNOUT.AS_OF_IN_FUTURE');
    spec
      .given([])
      .when(report({ asOf: '2021-05-23T12:05:00+07:00', context }))
      .then([reported({ asOf: '2021-05-23T05:05:00.000Z', reportedAt: context.now })]);
  });

  it('lists every broken rule at once', () => {
    const error = spec
      .given([])
      .when(report({ votersVoted: -5, asOf: 'noon' }))
      .thenViolates();
    expect(error.violations.map((v) => v.code)).toEqual([
      'TURNOUT.NEGATIVE_OR_NON_INTEGER',
      'TURNOUT.INVALID_AS_OF',
    ]);
  });

  it('an unknown polling area is 404 TURNOUT.UNKNOWN_POLLING_AREA, an unknown election ELECTION.NOT_FOUND', () => {
    spec
      .given([])
      .when(report({ pollingAreaId: 'east-01' }))
      .thenThrows('TURNOUT.UNKNOWN_POLLING_AREA', 'not_found');
    expect(() => decideTurnout(report(), initialTurnoutState(), undefined)).toThrow(
      expect.objectContaining({ code: 'ELECTION.NOT_FOUND', kind: 'not_found' }),
    );
  });
});

describe('turnout schedule', () => {
  it('defaults to 12:30, 18:30 and 19:30 at UTC+7 on the polling date', () => {
    expect(turnoutSchedule(smallElection())).toEqual({
      utcOffset: '+07:00',
      localTimes: ['12:30', '18:30', '19:30'],
      reportingTimes: ['2021-05-23T05:30:00.000Z', '2021-05-23T11:30:00.000Z', '2021-05-23T12:30:00.000Z'],
      dayStart: '2021-05-22T17:00:00.000Z',
      dayEnd: '2021-05-23T17:00:00.000Z',
    });
  });

  it('follows the definition: its own offset and times (sorted)', () => {
    const schedule = turnoutSchedule({
      ...smallElection(),
      utcOffset: '-03:30',
      turnoutReportingTimes: ['17:00', '09:00'],
    });
    expect(schedule.reportingTimes).toEqual(['2021-05-23T12:30:00.000Z', '2021-05-23T20:30:00.000Z']);
  });

  it('an invalid schedule in a definition is ELECTION.INVALID_TURNOUT_SCHEDULE', () => {
    for (const bad of [
      { utcOffset: '7' },
      { turnoutReportingTimes: [] },
      { turnoutReportingTimes: ['25:00'] },
      { turnoutReportingTimes: ['12:30', '12:30'] },
    ]) {
      const codes = validateElectionDefinition({ ...smallElection(), ...bad }).map((v) => v.code);
      expect([bad, codes]).toEqual([bad, ['ELECTION.INVALID_TURNOUT_SCHEDULE']]);
    }
    expect(validateElectionDefinition({ ...smallElection(), turnoutReportingTimes: ['08:00'] })).toEqual([]);
  });

  it('parses instants with a zone only, and picks the report in force at a time', () => {
    expect(parseIsoInstant('2021-05-23T12:30+07:00')).toBe('2021-05-23T05:30:00.000Z');
    expect(parseIsoInstant('2021-05-23T12:30:00.123456Z')).toBe('2021-05-23T12:30:00.123Z');
    const reports = [
      { asOf: '2021-05-23T11:30:00.000Z', v: 2 },
      { asOf: '2021-05-23T05:30:00.000Z', v: 1 },
    ];
    expect(reportAsOf(reports, '2021-05-23T05:29:59.999Z')).toBeUndefined();
    expect(reportAsOf(reports, '2021-05-23T05:30:00.000Z')?.v).toBe(1);
    expect(reportAsOf(reports, '2021-05-23T12:30:00.000Z')?.v).toBe(2);
  });
});
