import { RuleViolation } from '../shared/domain-error';
import { ANOMALY_CODES } from '../tally/tally-review';
import { isIsoDate } from '../shared/iso-date';
import { ID_PATTERN } from '../stream-ids';
import { isLocalTime, isUtcOffset } from '../turnout/turnout-schedule';
import {
  CONTEST_KINDS,
  Contest,
  ElectionDefinition,
  ElectoralUnit,
  isContestKind,
  isRoundKind,
  ROUND_KINDS,
} from './election.types';

/** Stable codes of the rules an election definition must satisfy (422 on POST /elections). */
export const ElectionRuleCode = {
  INVALID_ID: 'ELECTION.INVALID_ID',
  DUPLICATE_ID: 'ELECTION.DUPLICATE_ID',
  UNKNOWN_DISTRICT: 'ELECTION.UNKNOWN_DISTRICT',
  UNKNOWN_POLLING_AREA: 'ELECTION.UNKNOWN_POLLING_AREA',
  UNIT_COVERAGE: 'ELECTION.UNIT_COVERAGE',
  POLLING_AREA_IN_TWO_UNITS: 'ELECTION.POLLING_AREA_IN_TWO_UNITS',
  SEATS_OUT_OF_RANGE: 'ELECTION.SEATS_OUT_OF_RANGE',
  INVALID_REGISTERED_VOTERS: 'ELECTION.INVALID_REGISTERED_VOTERS',
  INVALID_DATE: 'ELECTION.INVALID_DATE',
  INVALID_TURNOUT_SCHEDULE: 'ELECTION.INVALID_TURNOUT_SCHEDULE',
  INVALID_CONTEST_KIND: 'ELECTION.INVALID_CONTEST_KIND',
  INVALID_PUBLISH_SCANS: 'ELECTION.INVALID_PUBLISH_SCANS',
  INVALID_VERIFICATION: 'ELECTION.INVALID_VERIFICATION',
  INVALID_REVIEW: 'ELECTION.INVALID_REVIEW',
  /** A follow-up round's shape: its kind, its own polling date only with a round, its contest kind the original's. */
  INVALID_ROUND: 'ELECTION.INVALID_ROUND',
  /** `round.of` names no contest, or a contest that is itself a round. */
  ROUND_UNKNOWN_CONTEST: 'ELECTION.ROUND_UNKNOWN_CONTEST',
  /** The round's units are not exactly `round.units`, units of the original contest covering the same polling areas. */
  ROUND_UNITS: 'ELECTION.ROUND_UNITS',
  /** A supplementary round elects at most the original unit's seats; a re-vote exactly as many. */
  ROUND_SEATS: 'ELECTION.ROUND_SEATS',
  /** A round's polling date is missing, not a date, or not after the election's. */
  ROUND_DATE: 'ELECTION.ROUND_DATE',
} as const;

/** The districts and polling areas the definition declares, for resolving the units' references. */
interface KnownGeography {
  districtIds: ReadonlySet<string>;
  areaDistrict: Map<string, string>;
  areasOfDistrict: Map<string, string[]>;
}

/**
 * Every rule the definition breaks, with the JSON path of the offending field (e.g.
 * `contests[0].electoralUnits[2].seats`); [] when it is valid. Reports all violations, not just the first, so an
 * administrator can fix a large definition in one round trip.
 */
export function validateElectionDefinition(def: ElectionDefinition): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const districts = def.districts ?? [];
  const pollingAreas = def.pollingAreas ?? [];
  const contests = def.contests ?? [];

  checkId(def.electionId, 'electionId', violations);
  if (!isIsoDate(def.pollingDate)) {
    violations.push({
      code: ElectionRuleCode.INVALID_DATE,
      message: `pollingDate "${String(def.pollingDate)}" is not a valid YYYY-MM-DD date`,
      field: 'pollingDate',
    });
  }
  checkTurnoutSchedule(def, violations);
  if (def.publishScans !== undefined && typeof def.publishScans !== 'boolean') {
    violations.push({
      code: ElectionRuleCode.INVALID_PUBLISH_SCANS,
      message: 'publishScans must be true or false',
      field: 'publishScans',
    });
  }
  checkWorkflow(def, violations);

  const districtIds = uniqueIds(
    districts.map((d) => d.districtId),
    (i) => `districts[${i}].districtId`,
    'district',
    violations,
  );

  const known: KnownGeography = { districtIds, areaDistrict: new Map(), areasOfDistrict: new Map() };
  uniqueIds(
    pollingAreas.map((a) => a.pollingAreaId),
    (i) => `pollingAreas[${i}].pollingAreaId`,
    'polling area',
    violations,
  );
  pollingAreas.forEach((area, i) => {
    if (!districtIds.has(area.districtId)) {
      violations.push({
        code: ElectionRuleCode.UNKNOWN_DISTRICT,
        message: `polling area ${area.pollingAreaId} refers to unknown district "${area.districtId}"`,
        field: `pollingAreas[${i}].districtId`,
      });
    }
    if (!Number.isSafeInteger(area.registeredVoters) || area.registeredVoters < 0) {
      violations.push({
        code: ElectionRuleCode.INVALID_REGISTERED_VOTERS,
        message: `registeredVoters of ${area.pollingAreaId} must be a non-negative integer`,
        field: `pollingAreas[${i}].registeredVoters`,
      });
    }
    if (!known.areaDistrict.has(area.pollingAreaId)) {
      known.areaDistrict.set(area.pollingAreaId, area.districtId);
      const list = known.areasOfDistrict.get(area.districtId) ?? [];
      list.push(area.pollingAreaId);
      known.areasOfDistrict.set(area.districtId, list);
    }
  });

  uniqueIds(
    contests.map((c) => c.contestId),
    (i) => `contests[${i}].contestId`,
    'contest',
    violations,
  );
  contests.forEach((contest, c) => checkContest(contest, `contests[${c}]`, known, violations));
  contests.forEach((contest, c) => checkRound(def, contest, `contests[${c}]`, known, violations));
  return violations;
}

/**
 * A follow-up round (Art. 79, 80) is a contest of its own that re-runs exactly some units of an original contest: the
 * same unit ids over the same polling areas, with its own candidates and polling day. Whether the original unit did
 * need it (its outcome on the night) is not checked here: a definition knows no results (see docs/api.md).
 */
function checkRound(
  def: ElectionDefinition,
  contest: Contest,
  path: string,
  known: KnownGeography,
  violations: RuleViolation[],
): void {
  const round = contest.round;
  const push = (code: string, message: string, field: string): void => {
    violations.push({ code, message, field });
  };
  if (round === undefined) {
    if (contest.pollingDate !== undefined)
      push(
        ElectionRuleCode.INVALID_ROUND,
        `contest ${contest.contestId} has its own pollingDate but is no follow-up round`,
        `${path}.pollingDate`,
      );
    return;
  }
  if (typeof round !== 'object' || round === null || !isRoundKind(round.kind)) {
    return push(
      ElectionRuleCode.INVALID_ROUND,
      `round of contest ${contest.contestId} must have a kind: one of ${ROUND_KINDS.join(', ')}`,
      `${path}.round.kind`,
    );
  }
  if (!isIsoDate(contest.pollingDate) || !(contest.pollingDate > def.pollingDate)) {
    push(
      ElectionRuleCode.ROUND_DATE,
      `round ${contest.contestId} needs its own pollingDate (YYYY-MM-DD) after the election's ${def.pollingDate}`,
      `${path}.pollingDate`,
    );
  }
  const original = (def.contests ?? []).find((c) => c.contestId === round.of);
  if (!original || original.round !== undefined || original === contest) {
    return push(
      ElectionRuleCode.ROUND_UNKNOWN_CONTEST,
      `round ${contest.contestId} follows up "${String(round.of)}", which is no original contest of the election`,
      `${path}.round.of`,
    );
  }
  if (contest.kind !== undefined && contest.kind !== original.kind) {
    push(
      ElectionRuleCode.INVALID_ROUND,
      `round ${contest.contestId} elects for contest ${original.contestId}: its kind is ${String(original.kind)}`,
      `${path}.kind`,
    );
  }
  const listed = Array.isArray(round.units) ? round.units : [];
  const own = new Map((contest.electoralUnits ?? []).map((u) => [u.unitId, u]));
  if (listed.length === 0 || new Set(listed).size !== listed.length) {
    push(
      ElectionRuleCode.ROUND_UNITS,
      `round ${contest.contestId} must list the units it holds, each once`,
      `${path}.round.units`,
    );
  }
  listed.forEach((unitId, i) => {
    const before = original.electoralUnits.find((u) => u.unitId === unitId);
    const field = `${path}.round.units[${i}]`;
    if (!before)
      return push(
        ElectionRuleCode.ROUND_UNITS,
        `unit ${String(unitId)} is not a unit of contest ${original.contestId}`,
        field,
      );
    const unit = own.get(unitId);
    if (!unit)
      return push(
        ElectionRuleCode.ROUND_UNITS,
        `round ${contest.contestId} lists unit ${unitId} but has no electoral unit ${unitId}`,
        field,
      );
    const was = coveredAreas(before, known);
    const now = coveredAreas(unit, known);
    if (was.size !== now.size || [...was].some((a) => !now.has(a))) {
      push(
        ElectionRuleCode.ROUND_UNITS,
        `unit ${unitId} of round ${contest.contestId} must cover the same polling areas as in ${original.contestId}`,
        field,
      );
    }
    const seatsOk = round.kind === 're-vote' ? unit.seats === before.seats : unit.seats <= before.seats;
    if (!seatsOk) {
      push(
        ElectionRuleCode.ROUND_SEATS,
        round.kind === 're-vote'
          ? `a re-vote of unit ${unitId} elects its ${before.seats} seats, not ${String(unit.seats)}`
          : `a supplementary round of unit ${unitId} elects at most its ${before.seats} seats, not ${String(unit.seats)}`,
        `${path}.electoralUnits[${contest.electoralUnits.indexOf(unit)}].seats`,
      );
    }
  });
  (contest.electoralUnits ?? []).forEach((unit, u) => {
    if (!listed.includes(unit.unitId))
      push(
        ElectionRuleCode.ROUND_UNITS,
        `unit ${unit.unitId} of round ${contest.contestId} is not in round.units`,
        `${path}.electoralUnits[${u}].unitId`,
      );
  });
}

function coveredAreas(unit: ElectoralUnit, known: KnownGeography): Set<string> {
  if (unit.districtIds !== undefined)
    return new Set(unit.districtIds.flatMap((d) => known.areasOfDistrict.get(d) ?? []));
  return new Set((unit.pollingAreaIds ?? []).filter((a) => known.areaDistrict.has(a)));
}

function checkContest(
  contest: Contest,
  path: string,
  known: KnownGeography,
  violations: RuleViolation[],
): void {
  const units = contest.electoralUnits ?? [];
  if (contest.kind !== undefined && !isContestKind(contest.kind)) {
    violations.push({
      code: ElectionRuleCode.INVALID_CONTEST_KIND,
      message: `kind "${String(contest.kind)}" of contest ${contest.contestId} is not one of ${CONTEST_KINDS.join(', ')}`,
      field: `${path}.kind`,
    });
  }
  uniqueIds(
    units.map((u) => u.unitId),
    (i) => `${path}.electoralUnits[${i}].unitId`,
    'electoral unit',
    violations,
  );
  // A person stands in one unit per contest, so candidate ids are unique across the whole contest.
  const candidateIds = units.flatMap((u, i) =>
    (u.candidates ?? []).map((c, j) => ({
      id: c.candidateId,
      field: `${path}.electoralUnits[${i}].candidates[${j}].candidateId`,
    })),
  );
  uniqueIds(
    candidateIds.map((c) => c.id),
    (k) => candidateIds[k].field,
    'candidate',
    violations,
  );

  // Which unit already claimed each polling area, to catch an area counted twice in one contest.
  const claimedBy = new Map<string, string>();
  units.forEach((unit, u) => {
    const unitPath = `${path}.electoralUnits[${u}]`;
    checkUnit(unit, unitPath, violations);
    for (const areaId of unitPollingAreas(unit, unitPath, known, violations)) {
      const owner = claimedBy.get(areaId.id);
      if (owner !== undefined && owner !== unit.unitId) {
        violations.push({
          code: ElectionRuleCode.POLLING_AREA_IN_TWO_UNITS,
          message: `polling area ${areaId.id} belongs to units ${owner} and ${unit.unitId} of contest ${contest.contestId}`,
          field: areaId.field,
        });
      } else {
        claimedBy.set(areaId.id, unit.unitId);
      }
    }
  });
}

function checkUnit(unit: ElectoralUnit, unitPath: string, violations: RuleViolation[]): void {
  const candidates = unit.candidates ?? [];
  if (!Number.isSafeInteger(unit.seats) || unit.seats < 1 || unit.seats > candidates.length) {
    violations.push({
      code: ElectionRuleCode.SEATS_OUT_OF_RANGE,
      message: `unit ${unit.unitId} has ${String(unit.seats)} seats for ${candidates.length} candidates: seats must be an integer from 1 to the number of candidates`,
      field: `${unitPath}.seats`,
    });
  }
  candidates.forEach((candidate, i) => {
    if (!isIsoDate(candidate.birthDate)) {
      violations.push({
        code: ElectionRuleCode.INVALID_DATE,
        message: `birthDate "${String(candidate.birthDate)}" of candidate ${candidate.candidateId} is not a valid YYYY-MM-DD date`,
        field: `${unitPath}.candidates[${i}].birthDate`,
      });
    }
  });
}

/**
 * The polling areas a unit covers, each with the field that brought it in. Reports coverage that is neither or both
 * of districtIds/pollingAreaIds, and references that do not resolve.
 */
function unitPollingAreas(
  unit: ElectoralUnit,
  unitPath: string,
  known: KnownGeography,
  violations: RuleViolation[],
): Array<{ id: string; field: string }> {
  const byDistrict = unit.districtIds !== undefined;
  const byArea = unit.pollingAreaIds !== undefined;
  const list = unit.districtIds ?? unit.pollingAreaIds ?? [];
  if (byDistrict === byArea || list.length === 0) {
    violations.push({
      code: ElectionRuleCode.UNIT_COVERAGE,
      message: `unit ${unit.unitId} must give exactly one non-empty list: districtIds or pollingAreaIds`,
      field: unitPath,
    });
    if (byDistrict && byArea) return [];
  }

  if (byDistrict) {
    const districtsPath = `${unitPath}.districtIds`;
    const listed = uniqueIds(
      unit.districtIds ?? [],
      (i) => `${districtsPath}[${i}]`,
      'district reference',
      violations,
      false,
    );
    const covered: Array<{ id: string; field: string }> = [];
    (unit.districtIds ?? []).forEach((districtId, i) => {
      if (!known.districtIds.has(districtId)) {
        violations.push({
          code: ElectionRuleCode.UNKNOWN_DISTRICT,
          message: `unit ${unit.unitId} refers to unknown district "${districtId}"`,
          field: `${districtsPath}[${i}]`,
        });
      }
    });
    for (const districtId of listed) {
      const i = (unit.districtIds ?? []).indexOf(districtId);
      for (const areaId of known.areasOfDistrict.get(districtId) ?? [])
        covered.push({ id: areaId, field: `${districtsPath}[${i}]` });
    }
    return covered;
  }

  const areasPath = `${unitPath}.pollingAreaIds`;
  uniqueIds(
    unit.pollingAreaIds ?? [],
    (i) => `${areasPath}[${i}]`,
    'polling area reference',
    violations,
    false,
  );
  const covered: Array<{ id: string; field: string }> = [];
  (unit.pollingAreaIds ?? []).forEach((areaId, i) => {
    if (!known.areaDistrict.has(areaId)) {
      violations.push({
        code: ElectionRuleCode.UNKNOWN_POLLING_AREA,
        message: `unit ${unit.unitId} refers to unknown polling area "${areaId}"`,
        field: `${areasPath}[${i}]`,
      });
    } else {
      covered.push({ id: areaId, field: `${areasPath}[${i}]` });
    }
  });
  return covered;
}

/** Reports ids that repeat (and, when `checkPattern`, ids that break ID_PATTERN); returns the distinct ids. */
function uniqueIds(
  ids: string[],
  fieldOf: (index: number) => string,
  what: string,
  violations: RuleViolation[],
  checkPattern = true,
): Set<string> {
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (checkPattern) checkId(id, fieldOf(i), violations);
    if (seen.has(id)) {
      violations.push({
        code: ElectionRuleCode.DUPLICATE_ID,
        message: `${what} id "${id}" appears more than once`,
        field: fieldOf(i),
      });
    }
    seen.add(id);
  });
  return seen;
}

function checkId(id: unknown, field: string, violations: RuleViolation[]): void {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    violations.push({
      code: ElectionRuleCode.INVALID_ID,
      message: `id "${String(id)}" must match ${ID_PATTERN.source} (lowercase ASCII letters, digits and '-')`,
      field,
    });
  }
}

/** Optional `utcOffset` ("+07:00") and `turnoutReportingTimes` (1 to 24 distinct local "HH:MM" times). */
function checkTurnoutSchedule(def: ElectionDefinition, violations: RuleViolation[]): void {
  if (def.utcOffset !== undefined && !isUtcOffset(def.utcOffset)) {
    violations.push({
      code: ElectionRuleCode.INVALID_TURNOUT_SCHEDULE,
      message: `utcOffset "${String(def.utcOffset)}" is not an offset like +07:00`,
      field: 'utcOffset',
    });
  }
  const times = def.turnoutReportingTimes;
  if (times === undefined) return;
  const valid =
    Array.isArray(times) &&
    times.length >= 1 &&
    times.length <= 24 &&
    times.every(isLocalTime) &&
    new Set(times).size === times.length;
  if (!valid) {
    violations.push({
      code: ElectionRuleCode.INVALID_TURNOUT_SCHEDULE,
      message: 'turnoutReportingTimes must be 1 to 24 distinct local times written HH:MM',
      field: 'turnoutReportingTimes',
    });
  }
}

/** `verification` and `review`: what the definition may ask of the sheets before they count. */
function checkWorkflow(def: ElectionDefinition, violations: RuleViolation[]): void {
  const { verification, review } = def;
  if (verification !== undefined) {
    const ok =
      isPlainObject(verification) &&
      Object.keys(verification).every((k) => k === 'doubleEntry') &&
      (verification.doubleEntry === undefined || typeof verification.doubleEntry === 'boolean');
    if (!ok) {
      violations.push({
        code: ElectionRuleCode.INVALID_VERIFICATION,
        message: 'verification must be an object { "doubleEntry": true | false }',
        field: 'verification',
      });
    }
  }
  if (review !== undefined) {
    const holdOn = isPlainObject(review) ? review.holdOn : undefined;
    const ok =
      isPlainObject(review) &&
      Object.keys(review).every((k) => k === 'holdOn') &&
      (holdOn === undefined ||
        (Array.isArray(holdOn) &&
          holdOn.every((code) => (ANOMALY_CODES as readonly unknown[]).includes(code))));
    if (!ok) {
      violations.push({
        code: ElectionRuleCode.INVALID_REVIEW,
        message: `review must be an object { "holdOn": [anomaly codes] }; the codes are ${ANOMALY_CODES.join(', ')}`,
        field: 'review.holdOn',
      });
    }
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
