import { requirePollingArea } from '../election/polling-area-lookup';
import { ElectionIndex } from '../election/election-index';
import { assertNever } from '../shared/assert-never';
import { DomainError, RuleViolation } from '../shared/domain-error';
import { ReportTurnout, TurnoutCommand } from './turnout.commands';
import { TurnoutEvent } from './turnout.events';
import { parseIsoInstant, turnoutSchedule } from './turnout-schedule';

export const TurnoutErrorCode = {
  UNKNOWN_POLLING_AREA: 'TURNOUT.UNKNOWN_POLLING_AREA',
  REPORT_ID_REUSED: 'TURNOUT.REPORT_ID_REUSED',
  NEGATIVE_OR_NON_INTEGER: 'TURNOUT.NEGATIVE_OR_NON_INTEGER',
  EXCEEDS_REGISTERED: 'TURNOUT.EXCEEDS_REGISTERED',
  INVALID_AS_OF: 'TURNOUT.INVALID_AS_OF',
  AS_OF_OUTSIDE_POLLING_DAY: 'TURNOUT.AS_OF_OUTSIDE_POLLING_DAY',
  AS_OF_IN_FUTURE: 'TURNOUT.AS_OF_IN_FUTURE',
  DECREASED: 'TURNOUT.DECREASED',
  ABOVE_LATER_REPORT: 'TURNOUT.ABOVE_LATER_REPORT',
} as const;

/** How far ahead of the server's clock an `asOf` may be (clocks of polling stations drift). */
export const AS_OF_CLOCK_SKEW_MS = 5 * 60_000;

export interface TurnoutReport {
  reportId: string;
  /** UTC ISO instant. */
  asOf: string;
  votersVoted: number;
  /** Stream revision of the report's event. */
  revision: number;
}

/** The reports of one polling area, in the order they were recorded. */
export interface TurnoutState {
  reports: TurnoutReport[];
}

export const initialTurnoutState = (): TurnoutState => ({ reports: [] });

export function evolveTurnout(state: TurnoutState, event: TurnoutEvent): TurnoutState {
  switch (event.type) {
    case 'TurnoutReported': {
      const { reportId, asOf, votersVoted } = event.data;
      return { reports: [...state.reports, { reportId, asOf, votersVoted, revision: state.reports.length }] };
    }
    default:
      return assertNever(event.type);
  }
}

export function foldTurnout(events: readonly TurnoutEvent[]): TurnoutState {
  return events.reduce(evolveTurnout, initialTurnoutState());
}

/** The report a polling area's figures at `at` come from: the one with the latest asOf at or before `at`. */
export function reportAsOf<R extends { asOf: string }>(reports: readonly R[], at: string): R | undefined {
  let best: R | undefined;
  for (const r of reports) if (r.asOf <= at && (!best || r.asOf >= best.asOf)) best = r;
  return best;
}

export function decideTurnout(
  command: TurnoutCommand,
  state: TurnoutState,
  index: ElectionIndex | undefined,
): TurnoutEvent[] {
  switch (command.type) {
    case 'ReportTurnout':
      return decideReportTurnout(command, state, index);
    default:
      return assertNever(command.type);
  }
}

/**
 * Rules (422, every broken one listed):
 * - votersVoted is an integer ≥ 0 and at most the polling area's registered voters (definition);
 * - asOf is an ISO instant with a zone, on the polling day in the election's local time (00:00 to 24:00 at its
 *   utcOffset), and not after the server's time plus AS_OF_CLOCK_SKEW_MS;
 * - figures only grow with asOf: a report may arrive late (an earlier asOf than the latest), but it must lie between
 *   its neighbours: not below any report with an earlier or equal asOf (DECREASED), not above any report with a
 *   later or equal asOf (ABOVE_LATER_REPORT). Two reports with the same asOf must therefore agree.
 * The same reportId again with the same asOf (as an instant) and votersVoted is a retry: nothing is decided ([]).
 * With other figures it is 409 TURNOUT.REPORT_ID_REUSED.
 */
export function decideReportTurnout(
  command: ReportTurnout,
  state: TurnoutState,
  index: ElectionIndex | undefined,
): TurnoutEvent[] {
  const { electionId, pollingAreaId, reportId, votersVoted } = command;
  const { index: known, area } = requirePollingArea(
    index,
    electionId,
    pollingAreaId,
    TurnoutErrorCode.UNKNOWN_POLLING_AREA,
  );
  const asOf = parseIsoInstant(command.asOf);
  const earlier = state.reports.find((r) => r.reportId === reportId);
  if (earlier) {
    if (earlier.asOf === asOf && earlier.votersVoted === votersVoted) return [];
    throw new DomainError(
      'conflict',
      TurnoutErrorCode.REPORT_ID_REUSED,
      `reportId ${reportId} was already used for another report (${earlier.votersVoted} voters as of ${earlier.asOf})`,
      [],
      { reportId, asOf: earlier.asOf, votersVoted: earlier.votersVoted },
    );
  }

  const violations: RuleViolation[] = [];
  const countOk = Number.isSafeInteger(votersVoted) && votersVoted >= 0;
  if (!countOk) {
    violations.push({
      code: TurnoutErrorCode.NEGATIVE_OR_NON_INTEGER,
      message: 'votersVoted must be a non-negative integer',
      field: 'votersVoted',
    });
  } else if (votersVoted > area.registeredVoters) {
    violations.push({
      code: TurnoutErrorCode.EXCEEDS_REGISTERED,
      message: `votersVoted ${votersVoted} exceeds the ${area.registeredVoters} registered voters of ${pollingAreaId}`,
      field: 'votersVoted',
    });
  }
  if (asOf === null) {
    violations.push({
      code: TurnoutErrorCode.INVALID_AS_OF,
      message: 'asOf must be an ISO-8601 instant with a zone, e.g. 2021-05-23T12:30:00+07:00',
      field: 'asOf',
    });
  } else {
    const schedule = turnoutSchedule(known.definition);
    if (asOf < schedule.dayStart || asOf >= schedule.dayEnd) {
      violations.push({
        code: TurnoutErrorCode.AS_OF_OUTSIDE_POLLING_DAY,
        message: `asOf ${asOf} is not on the polling day ${known.definition.pollingDate} (local time ${schedule.utcOffset})`,
        field: 'asOf',
      });
    } else if (Date.parse(asOf) > Date.parse(command.context.now) + AS_OF_CLOCK_SKEW_MS) {
      violations.push({
        code: TurnoutErrorCode.AS_OF_IN_FUTURE,
        message: `asOf ${asOf} is in the future (server time ${command.context.now})`,
        field: 'asOf',
      });
    }
  }
  if (countOk && asOf !== null) {
    const above = state.reports.find((r) => r.asOf <= asOf && r.votersVoted > votersVoted);
    if (above) {
      violations.push({
        code: TurnoutErrorCode.DECREASED,
        message: `votersVoted ${votersVoted} is below the ${above.votersVoted} already reported as of ${above.asOf}: figures only grow`,
        field: 'votersVoted',
      });
    }
    const below = state.reports.find((r) => r.asOf >= asOf && r.votersVoted < votersVoted);
    if (below) {
      violations.push({
        code: TurnoutErrorCode.ABOVE_LATER_REPORT,
        message: `votersVoted ${votersVoted} is above the ${below.votersVoted} reported as of the later ${below.asOf}: figures only grow`,
        field: 'votersVoted',
      });
    }
  }
  if (violations.length > 0) throw DomainError.invalid(violations);

  return [
    {
      type: 'TurnoutReported',
      data: {
        electionId,
        pollingAreaId,
        districtId: area.districtId,
        reportId,
        asOf: asOf!,
        votersVoted,
        registeredVoters: area.registeredVoters,
        reportedAt: command.context.now,
      },
    },
  ];
}
