import { requirePollingArea } from '../election/polling-area-lookup';
import { ElectionIndex } from '../election/election-index';
import { DomainError, RuleViolation } from '../shared/domain-error';
import { COUNT_FIELDS } from './tally-counts';
import { AnomalyCode } from './tally-review';
import { Anomaly, TallyCounts } from './tally.types';

/** Hard rules: a sheet that breaks one is rejected (422) and nothing is appended. */
export const TallyRuleCode = {
  POLLING_AREA_NOT_IN_CONTEST: 'TALLY.POLLING_AREA_NOT_IN_CONTEST',
  CANDIDATES_MISMATCH: 'TALLY.CANDIDATES_MISMATCH',
  VOTERS_VOTED_EXCEED_REGISTERED: 'TALLY.VOTERS_VOTED_EXCEED_REGISTERED',
  BALLOTS_RECEIVED_EXCEED_ISSUED: 'TALLY.BALLOTS_RECEIVED_EXCEED_ISSUED',
  BALLOTS_DO_NOT_ADD_UP: 'TALLY.BALLOTS_DO_NOT_ADD_UP',
  CANDIDATE_VOTES_EXCEED_VALID_BALLOTS: 'TALLY.CANDIDATE_VOTES_EXCEED_VALID_BALLOTS',
  VOTES_EXCEED_SEATS_CAP: 'TALLY.VOTES_EXCEED_SEATS_CAP',
  NEGATIVE_OR_NON_INTEGER: 'TALLY.NEGATIVE_OR_NON_INTEGER',
} as const;

/** Lookups that fail before any rule is checked: 404. */
export const TallyLookupCode = {
  UNKNOWN_POLLING_AREA: 'TALLY.UNKNOWN_POLLING_AREA',
  UNKNOWN_CONTEST: 'TALLY.UNKNOWN_CONTEST',
} as const;

/** Above this share of invalid ballots among those received, a sheet is flagged (not rejected). */
export const HIGH_INVALID_SHARE = 0.1;

/** What the definition expects of one sheet. `unit` is undefined when no unit of the contest covers the area. */
export interface SheetExpectations {
  electionId: string;
  pollingAreaId: string;
  contestId: string;
  districtId: string;
  /** The definition's figure, compared (softly) with the sheet's. */
  registeredVoters: number;
  unit?: { unitId: string; seats: number; candidateIds: readonly string[] };
}

export interface TallyCheck {
  violations: RuleViolation[];
  anomalies: Anomaly[];
}

/**
 * Resolves what the definition expects of the sheet for (pollingAreaId, contestId). Throws not_found for an unknown
 * election (no index), polling area or contest; an area that exists but is outside the contest is left to checkTally,
 * which reports it together with every other broken rule.
 */
export function sheetExpectations(
  index: ElectionIndex | undefined,
  electionId: string,
  pollingAreaId: string,
  contestId: string,
): SheetExpectations {
  const { index: known, area } = requirePollingArea(
    index,
    electionId,
    pollingAreaId,
    TallyLookupCode.UNKNOWN_POLLING_AREA,
  );
  if (!known.hasContest(contestId)) {
    throw new DomainError(
      'not_found',
      TallyLookupCode.UNKNOWN_CONTEST,
      `Contest ${contestId} is not part of election ${electionId}`,
      [],
      { electionId, contestId },
    );
  }
  const unit = known.unitOf(contestId, pollingAreaId);
  return {
    electionId,
    pollingAreaId,
    contestId,
    districtId: area.districtId,
    registeredVoters: area.registeredVoters,
    unit: unit && {
      unitId: unit.unitId,
      seats: unit.seats,
      candidateIds: unit.candidates.map((c) => c.candidateId),
    },
  };
}

/**
 * The arithmetic a counting record must satisfy (Law 85/2015/QH13 and the ballot validity rules) and the soft checks.
 * Reports every broken rule at once, each with the field it concerns, so the official can fix the sheet in one go.
 */
export function checkTally(counts: TallyCounts, sheet: SheetExpectations): TallyCheck {
  const violations: RuleViolation[] = [];
  const votes = Object.entries(counts.candidateVotes ?? {});

  for (const field of COUNT_FIELDS) {
    if (!isCount(counts[field])) violations.push(notACount(field, counts[field]));
  }
  for (const [id, value] of votes) {
    if (!isCount(value)) violations.push(notACount(`candidateVotes.${id}`, value));
  }

  const { unit } = sheet;
  if (!unit) {
    violations.push({
      code: TallyRuleCode.POLLING_AREA_NOT_IN_CONTEST,
      message: `Polling area ${sheet.pollingAreaId} does not take part in contest ${sheet.contestId}: no electoral unit covers it`,
      field: 'contestId',
    });
  } else {
    const expected = new Set(unit.candidateIds);
    for (const [id] of votes) {
      if (!expected.has(id)) {
        violations.push({
          code: TallyRuleCode.CANDIDATES_MISMATCH,
          message: `${id} is not a candidate of electoral unit ${unit.unitId}`,
          field: `candidateVotes.${id}`,
        });
      }
    }
    for (const id of unit.candidateIds) {
      if (!Object.hasOwn(counts.candidateVotes ?? {}, id)) {
        violations.push({
          code: TallyRuleCode.CANDIDATES_MISMATCH,
          message: `Votes for candidate ${id} of electoral unit ${unit.unitId} are missing`,
          field: `candidateVotes.${id}`,
        });
      }
    }
  }

  if (counts.votersVoted > counts.registeredVoters) {
    violations.push({
      code: TallyRuleCode.VOTERS_VOTED_EXCEED_REGISTERED,
      message: `votersVoted (${counts.votersVoted}) exceeds registeredVoters (${counts.registeredVoters})`,
      field: 'votersVoted',
    });
  }
  if (counts.ballotsReceived > counts.ballotsIssued) {
    violations.push({
      code: TallyRuleCode.BALLOTS_RECEIVED_EXCEED_ISSUED,
      message: `ballotsReceived (${counts.ballotsReceived}) exceeds ballotsIssued (${counts.ballotsIssued})`,
      field: 'ballotsReceived',
    });
  }
  if (counts.validBallots + counts.invalidBallots !== counts.ballotsReceived) {
    violations.push({
      code: TallyRuleCode.BALLOTS_DO_NOT_ADD_UP,
      message: `validBallots (${counts.validBallots}) + invalidBallots (${counts.invalidBallots}) must equal ballotsReceived (${counts.ballotsReceived})`,
      field: 'validBallots',
    });
  }
  for (const [id, value] of votes) {
    if (value > counts.validBallots) {
      violations.push({
        code: TallyRuleCode.CANDIDATE_VOTES_EXCEED_VALID_BALLOTS,
        message: `Candidate ${id} has ${value} votes, more than the ${counts.validBallots} valid ballots`,
        field: `candidateVotes.${id}`,
      });
    }
  }
  if (unit) {
    // A valid ballot keeps at most `seats` names, so the votes cannot exceed valid ballots × seats.
    const total = votes.reduce((sum, [, value]) => sum + value, 0);
    const cap = counts.validBallots * unit.seats;
    if (total > cap) {
      violations.push({
        code: TallyRuleCode.VOTES_EXCEED_SEATS_CAP,
        message: `Candidate votes total ${total}, more than validBallots × seats = ${counts.validBallots} × ${unit.seats} = ${cap}`,
        field: 'candidateVotes',
      });
    }
  }

  return { violations, anomalies: violations.length > 0 ? [] : findAnomalies(counts, sheet) };
}

function findAnomalies(counts: TallyCounts, sheet: SheetExpectations): Anomaly[] {
  const anomalies: Anomaly[] = [];
  if (counts.registeredVoters !== sheet.registeredVoters) {
    anomalies.push({
      code: AnomalyCode.REGISTERED_VOTERS_DIFFER,
      message: `The sheet lists ${counts.registeredVoters} registered voters; the election definition has ${sheet.registeredVoters}`,
      field: 'registeredVoters',
    });
  }
  if (counts.votersVoted > sheet.registeredVoters) {
    anomalies.push({
      code: AnomalyCode.VOTERS_EXCEED_LIST,
      message: `votersVoted (${counts.votersVoted}) exceeds the ${sheet.registeredVoters} voters on the polling area's list in the election definition`,
      field: 'votersVoted',
    });
  }
  if (counts.ballotsIssued !== counts.votersVoted) {
    anomalies.push({
      code: AnomalyCode.BALLOTS_ISSUED_NOT_VOTERS_VOTED,
      message: `ballotsIssued (${counts.ballotsIssued}) differs from votersVoted (${counts.votersVoted})`,
      field: 'ballotsIssued',
    });
  }
  if (counts.ballotsReceived > 0 && counts.invalidBallots > counts.ballotsReceived * HIGH_INVALID_SHARE) {
    anomalies.push({
      code: AnomalyCode.HIGH_INVALID_SHARE,
      message: `${counts.invalidBallots} of ${counts.ballotsReceived} ballots received are invalid (more than ${HIGH_INVALID_SHARE * 100}%)`,
      field: 'invalidBallots',
    });
  }
  return anomalies;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function notACount(field: string, value: unknown): RuleViolation {
  return {
    code: TallyRuleCode.NEGATIVE_OR_NON_INTEGER,
    message: `${field} must be a non-negative integer, got ${JSON.stringify(value)}`,
    field,
  };
}
