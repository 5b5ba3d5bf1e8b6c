import { ElectionErrorCode } from '../election/election.decider';
import { ElectionIndex } from '../election/election-index';
import { decideUnitOutcome } from '../results/winners';
import { assertNever } from '../shared/assert-never';
import { DomainError } from '../shared/domain-error';
import {
  countedCounts,
  initialTallyState,
  MIN_REASON_LENGTH,
  SheetStanding,
  sheetStanding,
  TallyErrorCode,
  TallyState,
} from '../tally/tally.decider';
import {
  AnnulUnitResult,
  CertifyUnit,
  ReconcileCertification,
  RevokeCertification,
  UnitCommand,
} from './unit.commands';
import { CertifiedRecord, UnitCertified, UnitEvent, UnitEventRef } from './unit.events';

export const UnitErrorCode = {
  NOT_FOUND: 'UNIT.NOT_FOUND',
  NOT_COMPLETE: 'UNIT.NOT_COMPLETE',
  ALREADY_CERTIFIED: 'UNIT.ALREADY_CERTIFIED',
  NOT_CERTIFIED: 'UNIT.NOT_CERTIFIED',
  CHANGED_WHILE_CERTIFYING: 'UNIT.CHANGED_WHILE_CERTIFYING',
  ALREADY_ANNULLED: 'UNIT.ALREADY_ANNULLED',
  ANNUL_CERTIFIED: 'UNIT.ANNUL_CERTIFIED',
} as const;

export interface UnitCertification {
  certifiedAt: string;
  /** pollingAreaId → the sheet revision the record was made from. */
  sheets: Record<string, number>;
  /** Stream revision of the UnitCertified event. */
  revision: number;
}

/** The unit's result was annulled (Art. 80): it requires a re-vote, for good (a re-vote round follows it up). */
export interface UnitAnnulment {
  at: string;
  reason: string;
}

export interface UnitState {
  /** Revision of the unit stream's last event; -1 before the first. */
  revision: number;
  certification: UnitCertification | null;
  annulled: UnitAnnulment | null;
}

export const initialUnitState = (): UnitState => ({ revision: -1, certification: null, annulled: null });

export function evolveUnit(state: UnitState, event: UnitEvent): UnitState {
  const revision = state.revision + 1;
  switch (event.type) {
    case 'UnitCertified':
      return {
        ...state,
        revision,
        certification: {
          certifiedAt: event.data.certifiedAt,
          sheets: Object.fromEntries(event.data.sheets.map((s) => [s.pollingAreaId, s.revision])),
          revision,
        },
      };
    case 'UnitCertificationRevoked':
      return { ...state, revision, certification: null };
    case 'UnitResultAnnulled':
      return { ...state, revision, annulled: { at: event.data.annulledAt, reason: event.data.reason } };
    default:
      return assertNever(event);
  }
}

export function foldUnit(events: readonly UnitEvent[]): UnitState {
  return events.reduce(evolveUnit, initialUnitState());
}

/**
 * `index`: the election's definition (undefined: not defined). `sheets`: the current state of every polling area's
 * sheet of the unit, by polling area id (a missing one is unreported); only CertifyUnit reads them.
 */
export function decideUnit(
  command: UnitCommand,
  state: UnitState,
  index: ElectionIndex | undefined,
  sheets: ReadonlyMap<string, TallyState> = new Map(),
): UnitEvent[] {
  switch (command.type) {
    case 'CertifyUnit':
      return decideCertify(command, state, index, sheets);
    case 'RevokeCertification':
      return decideRevoke(command, state, index);
    case 'AnnulUnitResult':
      return decideAnnul(command, state, index);
    case 'ReconcileCertification':
      return decideReconcile(command, state);
    default:
      return assertNever(command);
  }
}

/** The unit of the command, or the 404 it gets. */
export function requireUnit(index: ElectionIndex | undefined, ref: UnitEventRef) {
  if (!index) {
    throw new DomainError(
      'not_found',
      ElectionErrorCode.NOT_FOUND,
      `Election ${ref.electionId} is not defined`,
      [],
      {
        electionId: ref.electionId,
      },
    );
  }
  const unit = index.unit(ref.contestId, ref.unitId);
  const contest = index.contest(ref.contestId);
  if (!unit || !contest) {
    throw new DomainError(
      'not_found',
      UnitErrorCode.NOT_FOUND,
      `Contest ${ref.contestId} of election ${ref.electionId} has no electoral unit ${ref.unitId}`,
      [],
      { contestId: ref.contestId, unitId: ref.unitId },
    );
  }
  return { index, unit, contest };
}

/**
 * Certification needs every polling area's sheet counted (none unreported, held, awaiting its second entry or in
 * discrepancy); the record is made from those sheets with the same rules as the results (Art. 78–80). An annulled
 * unit may be certified too: its record says re-vote-required.
 */
function decideCertify(
  command: CertifyUnit,
  state: UnitState,
  index: ElectionIndex | undefined,
  sheets: ReadonlyMap<string, TallyState>,
): UnitEvent[] {
  const { index: known, unit, contest } = requireUnit(index, command);
  const ref = unitRef(command);
  if (state.certification) {
    throw new DomainError(
      'conflict',
      UnitErrorCode.ALREADY_CERTIFIED,
      `Unit ${ref.unitId} of contest ${ref.contestId} is already certified (since ${state.certification.certifiedAt})`,
      [],
      { contestId: ref.contestId, unitId: ref.unitId, certifiedAt: state.certification.certifiedAt },
    );
  }
  const areas = known.pollingAreasOfUnit(ref.contestId, ref.unitId);
  const pending: Partial<Record<SheetStanding, string[]>> = {};
  for (const pollingAreaId of areas) {
    const standing = sheetStanding(sheets.get(pollingAreaId) ?? initialTallyState());
    if (standing !== 'counted') (pending[standing] ??= []).push(pollingAreaId);
  }
  const waiting = Object.values(pending).reduce((n, list) => n + list.length, 0);
  if (waiting > 0) {
    throw new DomainError(
      'conflict',
      UnitErrorCode.NOT_COMPLETE,
      `${waiting} of the ${areas.length} polling areas of unit ${ref.unitId} are not counted yet (${Object.entries(
        pending,
      )
        .map(([standing, list]) => `${list.length} ${standing}`)
        .join(', ')}): certify it once every sheet counts`,
      [],
      { contestId: ref.contestId, unitId: ref.unitId, pollingAreas: pending },
    );
  }

  const record = certifiedRecord(
    areas.map((pollingAreaId) => [pollingAreaId, sheets.get(pollingAreaId)!] as const),
    unit.seats,
    unit.candidates,
    contest.kind,
    state.annulled !== null,
  );
  const reason = command.reason?.trim() || null;
  const event: UnitCertified = {
    type: 'UnitCertified',
    data: {
      ...ref,
      districtIds: known.districtsOfUnit(ref.contestId, ref.unitId),
      ...record,
      reason,
      certifiedAt: command.context.now,
    },
  };
  return [event];
}

/** The unit's result from its counted sheets, with the results' own rules. */
export function certifiedRecord(
  sheets: ReadonlyArray<readonly [string, TallyState]>,
  seats: number,
  candidates: ReadonlyArray<{ candidateId: string; name: string; birthDate: string }>,
  kind: Parameters<typeof decideUnitOutcome>[0]['kind'],
  annulled = false,
): CertifiedRecord {
  const totals = { registeredVoters: 0, votersVoted: 0, validBallots: 0, invalidBallots: 0 };
  const votes = new Map(candidates.map((c) => [c.candidateId, 0]));
  const revisions: CertifiedRecord['sheets'] = [];
  for (const [pollingAreaId, state] of sheets) {
    const counts = countedCounts(state);
    if (!counts || state.status !== 'recorded') continue;
    revisions.push({ pollingAreaId, revision: state.revision });
    totals.registeredVoters += counts.registeredVoters;
    totals.votersVoted += counts.votersVoted;
    totals.validBallots += counts.validBallots;
    totals.invalidBallots += counts.invalidBallots;
    for (const [id, n] of Object.entries(counts.candidateVotes))
      if (votes.has(id)) votes.set(id, votes.get(id)! + n);
  }
  const outcome = decideUnitOutcome({
    kind,
    annulled,
    seats,
    registeredVoters: totals.registeredVoters,
    votersVoted: totals.votersVoted,
    validBallots: totals.validBallots,
    candidates: candidates.map((c) => ({ ...c, votes: votes.get(c.candidateId) ?? 0 })),
  });
  return {
    sheets: revisions,
    totals,
    candidates: outcome.candidates.map((c) => ({
      candidateId: c.candidateId,
      votes: c.votes,
      elected: c.elected,
    })),
    status: outcome.status,
    outcome: outcome.outcome,
    outcomeReason: outcome.outcomeReason,
    seatsUnfilled: outcome.seatsUnfilled,
  };
}

function decideRevoke(
  command: RevokeCertification,
  state: UnitState,
  index: ElectionIndex | undefined,
): UnitEvent[] {
  requireUnit(index, command);
  const ref = unitRef(command);
  if (!state.certification) {
    throw new DomainError(
      'conflict',
      UnitErrorCode.NOT_CERTIFIED,
      `Unit ${ref.unitId} of contest ${ref.contestId} is not certified: there is nothing to revoke`,
      [],
      { contestId: ref.contestId, unitId: ref.unitId },
    );
  }
  const reason = (command.reason ?? '').trim();
  if (reason.length < MIN_REASON_LENGTH) {
    throw DomainError.invalid([
      {
        code: TallyErrorCode.REASON_TOO_SHORT,
        message: `A revocation needs a reason of at least ${MIN_REASON_LENGTH} characters`,
        field: 'reason',
      },
    ]);
  }
  return [
    {
      type: 'UnitCertificationRevoked',
      data: { ...ref, reason, automatic: false, revokedAt: command.context.now },
    },
  ];
}

/**
 * A city admin annuls the unit's result (Art. 80). Once only: the annulment stands until a re-vote round follows it
 * up. A certified unit is refused: the certified record must be revoked first, so no certification says "elected"
 * for a result that no longer counts.
 */
function decideAnnul(
  command: AnnulUnitResult,
  state: UnitState,
  index: ElectionIndex | undefined,
): UnitEvent[] {
  requireUnit(index, command);
  const ref = unitRef(command);
  if (state.annulled) {
    throw new DomainError(
      'conflict',
      UnitErrorCode.ALREADY_ANNULLED,
      `The result of unit ${ref.unitId} of contest ${ref.contestId} is annulled already (since ${state.annulled.at})`,
      [],
      { contestId: ref.contestId, unitId: ref.unitId, annulledAt: state.annulled.at },
    );
  }
  if (state.certification) {
    throw new DomainError(
      'conflict',
      UnitErrorCode.ANNUL_CERTIFIED,
      `Unit ${ref.unitId} of contest ${ref.contestId} is certified (since ${state.certification.certifiedAt}): revoke the certification first`,
      [],
      { contestId: ref.contestId, unitId: ref.unitId, certifiedAt: state.certification.certifiedAt },
    );
  }
  const reason = (command.reason ?? '').trim();
  if (reason.length < MIN_REASON_LENGTH) {
    throw DomainError.invalid([
      {
        code: TallyErrorCode.REASON_TOO_SHORT,
        message: `An annulment needs a reason of at least ${MIN_REASON_LENGTH} characters`,
        field: 'reason',
      },
    ]);
  }
  return [{ type: 'UnitResultAnnulled', data: { ...ref, reason, annulledAt: command.context.now } }];
}

/** A sheet moved past the revision the certification was made from: the record no longer holds, so it is revoked. */
function decideReconcile(command: ReconcileCertification, state: UnitState): UnitEvent[] {
  const certification = state.certification;
  if (!certification) return [];
  const recorded = certification.sheets[command.pollingAreaId];
  if (recorded !== undefined && command.revision <= recorded) return [];
  return [
    {
      type: 'UnitCertificationRevoked',
      data: {
        ...unitRef(command),
        reason: `The sheet of ${command.pollingAreaId} changed (revision ${command.revision}) while the unit was being certified; certify it again`,
        automatic: true,
        revokedAt: command.context.now,
      },
    },
  ];
}

function unitRef(ref: UnitEventRef): UnitEventRef {
  return { electionId: ref.electionId, contestId: ref.contestId, unitId: ref.unitId };
}
