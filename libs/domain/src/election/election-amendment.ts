import { RuleViolation } from '../shared/domain-error';
import { ElectionIndex } from './election-index';
import { ElectionRuleCode, validateElectionDefinition } from './election-rules';
import { Candidate, Contest, ElectionDefinition, ElectoralUnit, PollingArea } from './election.types';

/**
 * Changes to an election definition after it was defined (POST /elections/{e}/amendments, ElectionAmended). Each change
 * names what it changes by id; they apply in order, so a later change sees the earlier ones (add a polling area, then
 * change its voters). The amended definition must pass validateElectionDefinition like a new one.
 */

/** One electoral unit of one contest. */
export interface UnitRef {
  contestId: string;
  unitId: string;
}

/** Hà Nội 2021: one of NA unit 10's four candidates was withdrawn seven days before polling day. */
export interface WithdrawCandidate {
  type: 'withdrawCandidate';
  contestId: string;
  candidateId: string;
}

export interface AddCandidate {
  type: 'addCandidate';
  contestId: string;
  unitId: string;
  candidate: Candidate;
}

/**
 * A new polling area. It takes part in every contest whose unit covers its district (districtIds); `units` names, for
 * contests whose units list polling areas, the unit it joins.
 */
export interface AddPollingArea {
  type: 'addPollingArea';
  pollingArea: PollingArea;
  units?: UnitRef[];
}

export interface RemovePollingArea {
  type: 'removePollingArea';
  pollingAreaId: string;
}

/**
 * To another district (`districtId`), and/or to other units (`units`: per contest, the unit it now belongs to). A unit
 * that covers whole districts takes the areas of its districts: moving an area there means moving it to one of them.
 */
export interface MovePollingArea {
  type: 'movePollingArea';
  pollingAreaId: string;
  districtId?: string;
  units?: UnitRef[];
}

/** The voter list was updated (Law 85/2015 Art. 33: up to 24 hours before polling). */
export interface ChangeRegisteredVoters {
  type: 'changeRegisteredVoters';
  pollingAreaId: string;
  registeredVoters: number;
}

export interface ChangeSeats {
  type: 'changeSeats';
  contestId: string;
  unitId: string;
  seats: number;
}

/**
 * A follow-up round (Art. 79, 80) defined on the night after the results: a new contest with `round` and its own
 * `pollingDate`, checked by the rules of a round in a new definition. It changes no polling area's place in the
 * original contest, so stored sheets never contradict it.
 */
export interface AddRound {
  type: 'addRound';
  contest: Contest;
}

export const RENAME_TARGETS = [
  'election',
  'district',
  'pollingArea',
  'contest',
  'unit',
  'candidate',
] as const;
export type RenameTarget = (typeof RENAME_TARGETS)[number];

/** `id` names the district, polling area, contest, unit or candidate (none for the election); units and candidates also need `contestId`. */
export interface Rename {
  type: 'rename';
  target: RenameTarget;
  id?: string;
  contestId?: string;
  name: string;
}

export type AmendmentChange =
  | WithdrawCandidate
  | AddCandidate
  | AddPollingArea
  | RemovePollingArea
  | MovePollingArea
  | ChangeRegisteredVoters
  | ChangeSeats
  | Rename
  | AddRound;

export const AMENDMENT_CHANGE_TYPES = [
  'withdrawCandidate',
  'addCandidate',
  'addPollingArea',
  'removePollingArea',
  'movePollingArea',
  'changeRegisteredVoters',
  'changeSeats',
  'rename',
  'addRound',
] as const satisfies ReadonlyArray<AmendmentChange['type']>;

export const AmendmentRuleCode = {
  /** A change names a contest, unit, candidate or polling area the definition does not have (at that point). */
  UNKNOWN_REFERENCE: 'ELECTION.AMENDMENT_UNKNOWN_REFERENCE',
  REASON_TOO_SHORT: 'ELECTION.AMENDMENT_REASON_TOO_SHORT',
  CHANGES_NOTHING: 'ELECTION.AMENDMENT_CHANGES_NOTHING',
} as const;

export const MIN_AMENDMENT_REASON_LENGTH = 10;

/** Where a polling area stands in a definition: its district, its voters, and its unit in each contest it takes part in. */
export interface AreaPlacement {
  districtId: string;
  registeredVoters: number;
  /** contestId → unitId, in the definition's contest order. */
  units: Record<string, string>;
}

/** A polling area an amendment moved, added, removed or changed: null where it is not part of the election. */
export interface PollingAreaChange {
  pollingAreaId: string;
  before: AreaPlacement | null;
  after: AreaPlacement | null;
}

export interface AmendedDefinition {
  definition: ElectionDefinition;
  /** The references that did not resolve, then every rule the amended definition breaks; [] when it is valid. */
  violations: RuleViolation[];
}

/**
 * Applies the changes, in order, to a copy of the definition (the original is never touched: indexes built on it stay
 * valid), and checks the result with the rules of a new definition. Pure.
 */
export function amendDefinition(
  definition: ElectionDefinition,
  changes: readonly AmendmentChange[],
): AmendedDefinition {
  const amended = structuredClone(definition);
  const violations: RuleViolation[] = [];
  changes.forEach((change, i) => applyChange(amended, change, `changes[${i}]`, violations));
  if (violations.length > 0) return { definition: amended, violations };
  return { definition: amended, violations: validateElectionDefinition(amended) };
}

/** The placement of every polling area of the index. */
export function placementsOf(index: ElectionIndex): Map<string, AreaPlacement> {
  const placements = new Map<string, AreaPlacement>();
  const contestIds = index.definition.contests.map((c) => c.contestId);
  for (const area of index.definition.pollingAreas) {
    if (placements.has(area.pollingAreaId)) continue;
    const units: Record<string, string> = {};
    for (const contestId of contestIds) {
      const unit = index.unitOf(contestId, area.pollingAreaId);
      if (unit) units[contestId] = unit.unitId;
    }
    placements.set(area.pollingAreaId, {
      districtId: area.districtId,
      registeredVoters: area.registeredVoters,
      units,
    });
  }
  return placements;
}

/** Every polling area whose placement differs between the two definitions, in the order of `before` then `after`. */
export function pollingAreaChanges(before: ElectionIndex, after: ElectionIndex): PollingAreaChange[] {
  const old = placementsOf(before);
  const now = placementsOf(after);
  const changes: PollingAreaChange[] = [];
  for (const id of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(id) ?? null;
    const b = now.get(id) ?? null;
    if (!samePlacement(a, b)) changes.push({ pollingAreaId: id, before: a, after: b });
  }
  return changes;
}

/** A unit whose candidate list (as a set) or seats differ between the two definitions. */
export interface UnitChange extends UnitRef {
  withdrawn: string[];
  added: string[];
  seatsBefore?: number;
  seatsAfter?: number;
}

export function unitChanges(before: ElectionIndex, after: ElectionIndex): UnitChange[] {
  const changes: UnitChange[] = [];
  for (const contest of after.definition.contests) {
    for (const unit of contest.electoralUnits) {
      const old = before.unit(contest.contestId, unit.unitId);
      const was = new Set((old?.candidates ?? []).map((c) => c.candidateId));
      const now = new Set(unit.candidates.map((c) => c.candidateId));
      const withdrawn = [...was].filter((id) => !now.has(id));
      const added = [...now].filter((id) => !was.has(id));
      const seatsChanged = old !== undefined && old.seats !== unit.seats;
      if (withdrawn.length + added.length === 0 && !seatsChanged) continue;
      changes.push({
        contestId: contest.contestId,
        unitId: unit.unitId,
        withdrawn,
        added,
        ...(seatsChanged ? { seatsBefore: old.seats, seatsAfter: unit.seats } : {}),
      });
    }
  }
  return changes;
}

/**
 * What an amendment could contradict on record: the polling areas it moves, adds, removes or changes, and the units
 * whose candidates or seats it changes. The handler reads the stored sheets and turnout reports of exactly these.
 */
export interface AmendmentFootprint {
  pollingAreaIds: string[];
  units: UnitRef[];
}

export function footprintOf(before: ElectionIndex, after: ElectionIndex): AmendmentFootprint {
  return {
    pollingAreaIds: pollingAreaChanges(before, after).map((c) => c.pollingAreaId),
    units: unitsTouched(before, after),
  };
}

/**
 * The units whose record an amendment changes: their candidates or seats, or a polling area they gain, lose or whose
 * voters change (each unit the area is in, before and after, in every contest).
 */
export function unitsTouched(before: ElectionIndex, after: ElectionIndex): UnitRef[] {
  const touched = new Map<string, UnitRef>();
  const add = (contestId: string, unitId: string) =>
    touched.set(`${contestId}|${unitId}`, { contestId, unitId });
  for (const { contestId, unitId } of unitChanges(before, after)) add(contestId, unitId);
  for (const { before: was, after: now } of pollingAreaChanges(before, after)) {
    // Added, removed, or its voters changed: every unit it is in; else only the contests whose unit it changes.
    const whole = !was || !now || was.registeredVoters !== now.registeredVoters;
    for (const placement of [was, now]) {
      for (const [contestId, unitId] of Object.entries(placement?.units ?? {})) {
        if (whole || was?.units[contestId] !== now?.units[contestId]) add(contestId, unitId);
      }
    }
  }
  return [...touched.values()];
}

function samePlacement(a: AreaPlacement | null, b: AreaPlacement | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.districtId !== b.districtId || a.registeredVoters !== b.registeredVoters) return false;
  const keys = Object.keys(a.units);
  return keys.length === Object.keys(b.units).length && keys.every((c) => a.units[c] === b.units[c]);
}

function applyChange(
  def: ElectionDefinition,
  change: AmendmentChange,
  path: string,
  violations: RuleViolation[],
): void {
  const unknown = (field: string, what: string) =>
    violations.push({
      code: AmendmentRuleCode.UNKNOWN_REFERENCE,
      message: `${what} is not part of election ${def.electionId}`,
      field: `${path}.${field}`,
    });
  const contestOf = (contestId: string): Contest | undefined => {
    const contest = def.contests.find((c) => c.contestId === contestId);
    if (!contest) unknown('contestId', `Contest ${contestId}`);
    return contest;
  };
  const unitOf = (contest: Contest, unitId: string, field = 'unitId'): ElectoralUnit | undefined => {
    const unit = contest.electoralUnits.find((u) => u.unitId === unitId);
    if (!unit) unknown(field, `Unit ${unitId} of contest ${contest.contestId}`);
    return unit;
  };
  const areaOf = (pollingAreaId: string): PollingArea | undefined => {
    const area = def.pollingAreas.find((a) => a.pollingAreaId === pollingAreaId);
    if (!area) unknown('pollingAreaId', `Polling area ${pollingAreaId}`);
    return area;
  };

  switch (change.type) {
    case 'withdrawCandidate': {
      const contest = contestOf(change.contestId);
      if (!contest) return;
      const unit = contest.electoralUnits.find((u) =>
        u.candidates.some((c) => c.candidateId === change.candidateId),
      );
      if (!unit)
        return void unknown('candidateId', `Candidate ${change.candidateId} of contest ${contest.contestId}`);
      unit.candidates = unit.candidates.filter((c) => c.candidateId !== change.candidateId);
      return;
    }
    case 'addCandidate': {
      const contest = contestOf(change.contestId);
      const unit = contest && unitOf(contest, change.unitId);
      if (!unit) return;
      const { candidateId, name, birthDate } = change.candidate;
      unit.candidates.push({ candidateId, name, birthDate });
      return;
    }
    case 'addPollingArea': {
      const { pollingAreaId, districtId, registeredVoters, name } = change.pollingArea;
      const area: PollingArea = {
        pollingAreaId,
        districtId,
        registeredVoters,
        ...(name !== undefined ? { name } : {}),
      };
      def.pollingAreas.push(area);
      joinUnits(def, area, change.units ?? [], path, violations, unknown);
      return;
    }
    case 'removePollingArea': {
      if (!areaOf(change.pollingAreaId)) return;
      def.pollingAreas = def.pollingAreas.filter((a) => a.pollingAreaId !== change.pollingAreaId);
      for (const contest of def.contests) {
        for (const unit of contest.electoralUnits) {
          if (unit.pollingAreaIds)
            unit.pollingAreaIds = unit.pollingAreaIds.filter((a) => a !== change.pollingAreaId);
        }
      }
      return;
    }
    case 'movePollingArea': {
      const area = areaOf(change.pollingAreaId);
      if (!area) return;
      if (change.districtId !== undefined) area.districtId = change.districtId;
      joinUnits(def, area, change.units ?? [], path, violations, unknown);
      return;
    }
    case 'changeRegisteredVoters': {
      const area = areaOf(change.pollingAreaId);
      if (area) area.registeredVoters = change.registeredVoters;
      return;
    }
    case 'changeSeats': {
      const contest = contestOf(change.contestId);
      const unit = contest && unitOf(contest, change.unitId);
      if (unit) unit.seats = change.seats;
      return;
    }
    case 'rename':
      return rename(def, change, unknown);
    case 'addRound': {
      const contest = change.contest;
      if (contest?.round === undefined) {
        violations.push({
          code: ElectionRuleCode.INVALID_ROUND,
          message: 'addRound needs a contest with a round (kind, of, units)',
          field: `${path}.contest.round`,
        });
        return;
      }
      def.contests.push(structuredClone(contest));
      return;
    }
    default:
      // A stored change of a kind this code does not know: reported, so the amendment is not applied half-way.
      violations.push({
        code: AmendmentRuleCode.UNKNOWN_REFERENCE,
        message: `Unknown change type ${JSON.stringify((change as { type?: unknown }).type)}`,
        field: `${path}.type`,
      });
  }
}

/**
 * Puts the area into the named unit of each contest: out of that contest's polling-area lists, into the unit's list,
 * or (a unit that covers districts) nowhere, when the area's district is one of the unit's.
 */
function joinUnits(
  def: ElectionDefinition,
  area: PollingArea,
  units: readonly UnitRef[],
  path: string,
  violations: RuleViolation[],
  unknown: (field: string, what: string) => void,
): void {
  units.forEach((ref, j) => {
    const contest = def.contests.find((c) => c.contestId === ref.contestId);
    if (!contest) return unknown(`units[${j}].contestId`, `Contest ${ref.contestId}`);
    const target = contest.electoralUnits.find((u) => u.unitId === ref.unitId);
    if (!target) return unknown(`units[${j}].unitId`, `Unit ${ref.unitId} of contest ${contest.contestId}`);
    for (const unit of contest.electoralUnits) {
      if (unit.pollingAreaIds)
        unit.pollingAreaIds = unit.pollingAreaIds.filter((a) => a !== area.pollingAreaId);
    }
    if (target.pollingAreaIds) {
      target.pollingAreaIds.push(area.pollingAreaId);
    } else if (!(target.districtIds ?? []).includes(area.districtId)) {
      violations.push({
        code: ElectionRuleCode.UNIT_COVERAGE,
        message: `Unit ${target.unitId} covers whole districts (${(target.districtIds ?? []).join(', ')}): move polling area ${area.pollingAreaId} to one of them instead`,
        field: `${path}.units[${j}]`,
      });
    }
  });
}

function rename(
  def: ElectionDefinition,
  change: Rename,
  unknown: (field: string, what: string) => void,
): void {
  const { target, id, contestId, name } = change;
  const named = <T extends { name?: string }>(item: T | undefined, field: string, what: string) => {
    if (item) item.name = name;
    else unknown(field, what);
  };
  switch (target) {
    case 'election':
      def.name = name;
      return;
    case 'district':
      return named(
        def.districts.find((d) => d.districtId === id),
        'id',
        `District ${String(id)}`,
      );
    case 'pollingArea':
      return named(
        def.pollingAreas.find((a) => a.pollingAreaId === id),
        'id',
        `Polling area ${String(id)}`,
      );
    case 'contest':
      return named(
        def.contests.find((c) => c.contestId === id),
        'id',
        `Contest ${String(id)}`,
      );
    case 'unit':
    case 'candidate': {
      const contest = def.contests.find((c) => c.contestId === contestId);
      if (!contest) return unknown('contestId', `Contest ${String(contestId)}`);
      const item =
        target === 'unit'
          ? contest.electoralUnits.find((u) => u.unitId === id)
          : contest.electoralUnits.flatMap((u) => u.candidates).find((c) => c.candidateId === id);
      return named(
        item,
        'id',
        `${target === 'unit' ? 'Unit' : 'Candidate'} ${String(id)} of contest ${contest.contestId}`,
      );
    }
    default:
      return unknown('target', `Rename target ${JSON.stringify(target)}`);
  }
}
