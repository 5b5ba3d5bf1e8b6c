import { ElectionIndex } from '../election/election-index';
import { assertNever } from '../shared/assert-never';
import { DomainError, RuleViolation } from '../shared/domain-error';
import { AttachTallyScan, CorrectTally, SubmitTally, TallyCommand } from './tally.commands';
import { countsEqual, diffCounts, normalizeCounts } from './tally-counts';
import { TallyCorrected, TallyEvent, TallyScanAttached, TallySubmitted } from './tally.events';
import { checkTally, SheetExpectations, sheetExpectations } from './tally-rules';
import { decideAttachTallyScan } from './tally-scan.decider';
import { Anomaly, TallyCounts, TallyPlacement, TallyScan } from './tally.types';

export const TallyErrorCode = {
  SUBMISSION_ID_REUSED: 'TALLY.SUBMISSION_ID_REUSED',
  ALREADY_SUBMITTED: 'TALLY.ALREADY_SUBMITTED',
  NOT_FOUND: 'TALLY.NOT_FOUND',
  REVISION_MISMATCH: 'TALLY.REVISION_MISMATCH',
  REASON_TOO_SHORT: 'TALLY.REASON_TOO_SHORT',
  CORRECTION_CHANGES_NOTHING: 'TALLY.CORRECTION_CHANGES_NOTHING',
  CORRECTION_ID_REUSED: 'TALLY.CORRECTION_ID_REUSED',
  UNIT_CERTIFIED: 'TALLY.UNIT_CERTIFIED',
} as const;

export const MIN_REASON_LENGTH = 10;

export interface RecordedTally {
  status: 'recorded';
  placement: TallyPlacement;
  /** The submission that created the sheet, kept so a retry of it is recognised even after corrections. */
  submissionId: string;
  submittedCounts: TallyCounts;
  submittedAt: string;
  /** The current figures (after the latest correction, if any). */
  counts: TallyCounts;
  anomalies: Anomaly[];
  /** Stream revision of the latest event (0 after the submission): the sheet's ETag. */
  revision: number;
  /** Stream revision of the event that set the current counts (a scan moves `revision`, not this). */
  countsRevision: number;
  corrections: number;
  /** Corrections made with a client retry key, by that key, so a retry is recognised after the sheet moved on. */
  correctionsById: Record<string, { counts: TallyCounts; reason: string; revision: number }>;
  /** Every scan attached, oldest first; the last one is the current. */
  scans: TallyScan[];
  lastChangedAt: string;
}

export type TallyState = { status: 'empty' } | RecordedTally;

/** Where a polling area's sheet stands for its unit: only a `counted` sheet is in the totals. */
export type SheetStanding = 'unreported' | 'counted';

export function sheetStanding(state: TallyState): SheetStanding {
  return state.status === 'empty' ? 'unreported' : 'counted';
}

/** The counts the sheet puts into its unit's totals; null while it puts none. */
export function countedCounts(state: TallyState): TallyCounts | null {
  return sheetStanding(state) === 'counted' && state.status === 'recorded' ? state.counts : null;
}

/** What the tally decider needs to know of the sheet's electoral unit (its stream, unit-<e>.<contest>.<unit>). */
export interface UnitLock {
  /** The unit's result is certified: its sheets are locked until a city admin revokes the certification. */
  certified: boolean;
}

export const initialTallyState = (): TallyState => ({ status: 'empty' });

export function evolveTally(state: TallyState, event: TallyEvent): TallyState {
  switch (event.type) {
    case 'TallySubmitted': {
      const { submissionId, counts, anomalies, submittedAt, ...placement } = event.data;
      return {
        status: 'recorded',
        placement: pickPlacement(placement),
        submissionId,
        submittedCounts: counts,
        submittedAt,
        counts,
        anomalies,
        revision: state.status === 'recorded' ? state.revision + 1 : 0,
        countsRevision: state.status === 'recorded' ? state.revision + 1 : 0,
        corrections: 0,
        correctionsById: {},
        scans: [],
        lastChangedAt: submittedAt,
      };
    }
    case 'TallyCorrected': {
      const { counts, anomalies, correctedAt } = event.data;
      if (state.status === 'empty') {
        // Never produced by decide; folding a stored fact must not fail, so reconstruct what we can.
        return {
          status: 'recorded',
          placement: pickPlacement(event.data),
          submissionId: '',
          submittedCounts: event.data.previousCounts,
          submittedAt: correctedAt,
          counts,
          anomalies,
          revision: 1,
          countsRevision: 1,
          corrections: 1,
          correctionsById: {},
          scans: [],
          lastChangedAt: correctedAt,
        };
      }
      return {
        ...state,
        counts,
        anomalies,
        revision: state.revision + 1,
        countsRevision: state.revision + 1,
        corrections: state.corrections + 1,
        correctionsById: event.data.correctionId
          ? {
              ...state.correctionsById,
              [event.data.correctionId]: { counts, reason: event.data.reason, revision: state.revision + 1 },
            }
          : state.correctionsById,
        lastChangedAt: correctedAt,
      };
    }
    case 'TallyScanAttached': {
      // Never produced by decide before a sheet exists; folding a stored fact must not fail, so it is ignored.
      if (state.status === 'empty') return state;
      const { digest, size, contentType, countsRevision, attachedAt } = event.data;
      const revision = state.revision + 1;
      return {
        ...state,
        revision,
        scans: [...state.scans, { digest, size, contentType, revision, countsRevision, attachedAt }],
      };
    }
    default:
      return assertNever(event);
  }
}

export function foldTally(events: readonly TallyEvent[]): TallyState {
  return events.reduce(evolveTally, initialTallyState());
}

/**
 * `index` is the definition of the command's election, undefined when it is not defined; `unit` the state of the
 * sheet's unit (undefined: not certified; a first submission needs no lock, a certified unit has no unreported
 * sheet). Returns [] for a retry that is already stored: the handler then answers with the original result.
 */
export function decideTally(
  command: SubmitTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallySubmitted[];
export function decideTally(
  command: CorrectTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyCorrected[];
export function decideTally(
  command: AttachTallyScan,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyScanAttached[];
export function decideTally(
  command: TallyCommand,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyEvent[];
export function decideTally(
  command: TallyCommand,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyEvent[] {
  switch (command.type) {
    case 'SubmitTally':
      return decideSubmitTally(command, state, index, unit);
    case 'CorrectTally':
      return decideCorrectTally(command, state, index, unit);
    case 'AttachTallyScan':
      return decideAttachTallyScan(command, state, index);
    default:
      return assertNever(command);
  }
}

export function decideSubmitTally(
  command: SubmitTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallySubmitted[] {
  const sheet = sheetExpectations(index, command.electionId, command.pollingAreaId, command.contestId);
  if (state.status === 'recorded') {
    if (state.submissionId === command.submissionId) {
      if (countsEqual(state.submittedCounts, command.counts)) return [];
      throw new DomainError(
        'conflict',
        TallyErrorCode.SUBMISSION_ID_REUSED,
        `Submission ${command.submissionId} was already used with different counts`,
        [],
        {
          submissionId: command.submissionId,
          changedFields: diffCounts(state.submittedCounts, command.counts),
        },
      );
    }
    assertUnitOpen(unit, state.placement);
    throw new DomainError(
      'conflict',
      TallyErrorCode.ALREADY_SUBMITTED,
      `A sheet for polling area ${command.pollingAreaId} and contest ${command.contestId} is already recorded (revision ${state.revision}); use a correction to change it`,
      [],
      { submissionId: state.submissionId, revision: state.revision },
    );
  }

  const { violations, anomalies } = checkTally(command.counts, sheet);
  if (violations.length > 0) throw DomainError.invalid(violations);
  return [
    {
      type: 'TallySubmitted',
      data: {
        ...placementOf(sheet),
        submissionId: command.submissionId,
        counts: normalizeCounts(command.counts),
        anomalies,
        submittedAt: command.context.now,
      },
    },
  ];
}

export function decideCorrectTally(
  command: CorrectTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyEvent[] {
  const sheet = sheetExpectations(index, command.electionId, command.pollingAreaId, command.contestId);
  if (state.status === 'empty') {
    throw new DomainError(
      'not_found',
      TallyErrorCode.NOT_FOUND,
      `No sheet is recorded for polling area ${command.pollingAreaId} and contest ${command.contestId}: submit it first`,
      [],
      { pollingAreaId: command.pollingAreaId, contestId: command.contestId },
    );
  }
  // A retry carries the If-Match of its first try, so it is recognised before the revision is checked.
  const earlier = command.correctionId ? state.correctionsById[command.correctionId] : undefined;
  if (earlier) {
    if (countsEqual(earlier.counts, command.counts) && earlier.reason === (command.reason ?? '').trim())
      return [];
    throw new DomainError(
      'conflict',
      TallyErrorCode.CORRECTION_ID_REUSED,
      `correctionId ${command.correctionId} was already used for another correction (revision ${earlier.revision})`,
      [],
      { correctionId: command.correctionId, revision: earlier.revision },
    );
  }
  assertUnitOpen(unit, state.placement);
  if (command.expectedRevision !== state.revision) {
    throw new DomainError(
      'stale',
      TallyErrorCode.REVISION_MISMATCH,
      `The sheet is at revision ${state.revision}, not ${command.expectedRevision}: reload it and correct again`,
      [],
      { expectedRevision: command.expectedRevision, currentRevision: state.revision },
    );
  }

  const reason = (command.reason ?? '').trim();
  const violations: RuleViolation[] = [];
  if (reason.length < MIN_REASON_LENGTH) {
    violations.push({
      code: TallyErrorCode.REASON_TOO_SHORT,
      message: `A correction needs a reason of at least ${MIN_REASON_LENGTH} characters`,
      field: 'reason',
    });
  }
  const check = checkTally(command.counts, sheet);
  violations.push(...check.violations);
  if (violations.length > 0) throw DomainError.invalid(violations);

  const changedFields = diffCounts(state.counts, command.counts);
  if (changedFields.length === 0) {
    throw DomainError.invalid([
      {
        code: TallyErrorCode.CORRECTION_CHANGES_NOTHING,
        message: `The counts are identical to revision ${state.revision}; nothing to correct`,
        field: 'counts',
      },
    ]);
  }
  return [
    {
      type: 'TallyCorrected',
      data: {
        ...state.placement,
        counts: normalizeCounts(command.counts),
        previousCounts: state.counts,
        changedFields,
        reason,
        ...(command.correctionId ? { correctionId: command.correctionId } : {}),
        anomalies: check.anomalies,
        correctedAt: command.context.now,
      },
    },
  ];
}

/** 409 TALLY.UNIT_CERTIFIED: a certified unit's sheets change only after a city admin revokes the certification. */
export function assertUnitOpen(unit: UnitLock | undefined, placement: TallyPlacement): void {
  if (!unit?.certified) return;
  throw new DomainError(
    'conflict',
    TallyErrorCode.UNIT_CERTIFIED,
    `The result of unit ${placement.unitId} of contest ${placement.contestId} is certified: a city admin must revoke the certification before its sheets change`,
    [],
    { contestId: placement.contestId, unitId: placement.unitId },
  );
}

function placementOf(sheet: SheetExpectations): TallyPlacement {
  // checkTally has already rejected a sheet without a unit, so unit is present here.
  return {
    electionId: sheet.electionId,
    pollingAreaId: sheet.pollingAreaId,
    contestId: sheet.contestId,
    districtId: sheet.districtId,
    unitId: sheet.unit?.unitId ?? '',
  };
}

function pickPlacement(data: TallyPlacement): TallyPlacement {
  return {
    electionId: data.electionId,
    pollingAreaId: data.pollingAreaId,
    contestId: data.contestId,
    districtId: data.districtId,
    unitId: data.unitId,
  };
}
