import { ElectionIndex } from '../election/election-index';
import { assertNever } from '../shared/assert-never';
import { DomainError, RuleViolation } from '../shared/domain-error';
import {
  AttachTallyScan,
  CorrectTally,
  ResolveDiscrepancy,
  ReviewTally,
  SubmitTally,
  TallyCommand,
} from './tally.commands';
import { countsEqual, diffCounts, normalizeCounts } from './tally-counts';
import {
  REVIEW_DECISIONS,
  ReviewDecision,
  SheetStanding,
  TallyCorrected,
  TallyDiscrepancyResolved,
  TallyEvent,
  tallyEffect,
  TallyReviewed,
  TallyScanAttached,
  TallySecondEntryRecorded,
  TallySubmitted,
} from './tally.events';
import { holdingCodes, holdOnCodes } from './tally-review';
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
  SECOND_ENTRY_SAME_ACTOR: 'TALLY.SECOND_ENTRY_SAME_ACTOR',
  AWAITING_SECOND_ENTRY: 'TALLY.AWAITING_SECOND_ENTRY',
  DISCREPANCY_UNRESOLVED: 'TALLY.DISCREPANCY_UNRESOLVED',
  NO_DISCREPANCY: 'TALLY.NO_DISCREPANCY',
  NOT_HELD: 'TALLY.NOT_HELD',
  INVALID_DECISION: 'TALLY.INVALID_DECISION',
} as const;

/** What one entry (POST …/tallies) got: the 201's `status`, also answered to its retries. */
export type EntryStatus = 'submitted' | 'held' | 'awaiting-second-entry' | 'verified' | 'discrepancy';

export interface EntryOutcome {
  counts: TallyCounts;
  /** Stream revision of the entry's event. */
  revision: number;
  status: EntryStatus;
  anomalies: Anomaly[];
  discrepancies: string[];
}

/** The last resolution or review: a retry of it (the same If-Match and body) is recognised, not refused. */
export type DecisionRecord =
  | { kind: 'resolution'; fromRevision: number; revision: number; counts: TallyCounts; reason: string }
  | { kind: 'review'; fromRevision: number; revision: number; decision: ReviewDecision; reason: string };

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
  /** Whether the sheet is in the totals, and if not, what it waits for. */
  standing: Exclude<SheetStanding, 'unreported'>;
  /** The anomaly codes that hold it (standing `held` or `correction-required`); [] otherwise. */
  heldOn: string[];
  /** Double entry: the actor of the first entry, while a second must come from someone else. */
  enteredBy?: string;
  /** The second entry's figures (double entry), kept for a resolution's record. */
  secondCounts?: TallyCounts;
  /** Every entry by submissionId (the first, and a second one): a retry of either gets what it got. */
  entries: Record<string, EntryOutcome>;
  lastDecision?: DecisionRecord;
}

export type TallyState = { status: 'empty' } | RecordedTally;

export type { SheetStanding } from './tally.events';

export function sheetStanding(state: TallyState): SheetStanding {
  return state.status === 'empty' ? 'unreported' : state.standing;
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
  const effect = tallyEffect(event.type, event.data as unknown as Record<string, unknown>);
  switch (event.type) {
    case 'TallySubmitted': {
      const { submissionId, counts, anomalies, submittedAt } = event.data;
      const revision = state.status === 'recorded' ? state.revision + 1 : 0;
      const standing = effect?.standing ?? 'counted';
      const status: EntryStatus =
        standing === 'awaiting-second-entry' ? standing : standing === 'held' ? 'held' : 'submitted';
      return {
        status: 'recorded',
        placement: pickPlacement(event.data),
        submissionId,
        submittedCounts: counts,
        submittedAt,
        counts,
        anomalies,
        revision,
        countsRevision: revision,
        corrections: 0,
        correctionsById: {},
        scans: [],
        lastChangedAt: submittedAt,
        standing,
        heldOn: standing === 'held' ? (event.data.heldOn ?? []) : [],
        ...(standing === 'awaiting-second-entry' ? { enteredBy: event.data.enteredBy ?? '' } : {}),
        entries: { [submissionId]: { counts, revision, status, anomalies, discrepancies: [] } },
      };
    }
    case 'TallyCorrected': {
      const { counts, anomalies, correctedAt } = event.data;
      const standing = effect?.standing === 'held' ? 'held' : 'counted';
      const heldOn = standing === 'held' ? (event.data.heldOn ?? []) : [];
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
          standing,
          heldOn,
          entries: {},
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
        standing,
        heldOn,
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
    case 'TallySecondEntryRecorded': {
      // Never produced by decide before a first entry; folding a stored fact must not fail, so it is ignored.
      if (state.status === 'empty') return state;
      const { submissionId, counts, anomalies, discrepancies, enteredAt } = event.data;
      const revision = state.revision + 1;
      const standing = effect?.standing ?? 'counted';
      const status: EntryStatus =
        standing === 'discrepancy' ? 'discrepancy' : standing === 'held' ? 'held' : 'verified';
      const { enteredBy: _done, ...rest } = state;
      return {
        ...rest,
        ...(standing === 'discrepancy' ? {} : { counts, anomalies, countsRevision: revision }),
        revision,
        lastChangedAt: enteredAt,
        standing,
        heldOn: standing === 'held' ? (event.data.heldOn ?? []) : [],
        secondCounts: counts,
        entries: {
          ...state.entries,
          [submissionId]: { counts, revision, status, anomalies, discrepancies },
        },
      };
    }
    case 'TallyDiscrepancyResolved': {
      if (state.status === 'empty') return state;
      const { counts, anomalies, reason, resolvedAt } = event.data;
      const revision = state.revision + 1;
      const standing = effect?.standing === 'held' ? 'held' : 'counted';
      return {
        ...state,
        counts,
        anomalies,
        revision,
        countsRevision: revision,
        lastChangedAt: resolvedAt,
        standing,
        heldOn: standing === 'held' ? (event.data.heldOn ?? []) : [],
        lastDecision: { kind: 'resolution', fromRevision: state.revision, revision, counts, reason },
      };
    }
    case 'TallyReviewed': {
      if (state.status === 'empty') return state;
      const { decision, reason, reviewedAt } = event.data;
      const revision = state.revision + 1;
      const standing = effect?.standing === 'correction-required' ? 'correction-required' : 'counted';
      return {
        ...state,
        revision,
        lastChangedAt: reviewedAt,
        standing,
        heldOn: standing === 'counted' ? [] : state.heldOn,
        lastDecision: { kind: 'review', fromRevision: state.revision, revision, decision, reason },
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
  command: ResolveDiscrepancy,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyDiscrepancyResolved[];
export function decideTally(
  command: ReviewTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyReviewed[];
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
    case 'ResolveDiscrepancy':
      return decideResolveDiscrepancy(command, state, index, unit);
    case 'ReviewTally':
      return decideReviewTally(command, state, index, unit);
    default:
      return assertNever(command);
  }
}

export function decideSubmitTally(
  command: SubmitTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): Array<TallySubmitted | TallySecondEntryRecorded> {
  const sheet = sheetExpectations(index, command.electionId, command.pollingAreaId, command.contestId);
  if (state.status === 'recorded') {
    const earlier = state.entries[command.submissionId];
    if (earlier) {
      if (countsEqual(earlier.counts, command.counts)) return [];
      throw new DomainError(
        'conflict',
        TallyErrorCode.SUBMISSION_ID_REUSED,
        `Submission ${command.submissionId} was already used with different counts`,
        [],
        {
          submissionId: command.submissionId,
          changedFields: diffCounts(earlier.counts, command.counts),
        },
      );
    }
    assertUnitOpen(unit, state.placement);
    if (state.standing === 'awaiting-second-entry') return decideSecondEntry(command, state, sheet, index);
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
  const doubleEntry = index?.definition.verification?.doubleEntry === true;
  const heldOn = holdingCodes(anomalies, holdOnCodes(index?.definition));
  return [
    {
      type: 'TallySubmitted',
      data: {
        ...placementOf(sheet),
        submissionId: command.submissionId,
        counts: normalizeCounts(command.counts),
        anomalies,
        submittedAt: command.context.now,
        ...(doubleEntry
          ? { standing: 'awaiting-second-entry' as const, enteredBy: command.context.actor.id }
          : heldOn.length > 0
            ? { standing: 'held' as const, heldOn }
            : {}),
      },
    },
  ];
}

/**
 * The second entry of a double-entry sheet: someone other than the first official, the same arithmetic rules, and
 * the figures compared field by field with the first entry's.
 */
function decideSecondEntry(
  command: SubmitTally,
  state: RecordedTally,
  sheet: SheetExpectations,
  index: ElectionIndex | undefined,
): TallySecondEntryRecorded[] {
  if (command.context.actor.id === state.enteredBy) {
    throw new DomainError(
      'conflict',
      TallyErrorCode.SECOND_ENTRY_SAME_ACTOR,
      `The first entry of this sheet was made by ${state.enteredBy}: the second entry must come from another official`,
      [],
      {
        pollingAreaId: command.pollingAreaId,
        contestId: command.contestId,
        firstSubmissionId: state.submissionId,
      },
    );
  }
  const { violations, anomalies } = checkTally(command.counts, sheet);
  if (violations.length > 0) throw DomainError.invalid(violations);
  const discrepancies = diffCounts(state.submittedCounts, command.counts);
  const heldOn = holdingCodes(anomalies, holdOnCodes(index?.definition));
  const standing = discrepancies.length > 0 ? 'discrepancy' : heldOn.length > 0 ? 'held' : 'counted';
  return [
    {
      type: 'TallySecondEntryRecorded',
      data: {
        ...state.placement,
        submissionId: command.submissionId,
        counts: normalizeCounts(command.counts),
        anomalies,
        firstSubmissionId: state.submissionId,
        discrepancies,
        standing,
        ...(standing === 'held' ? { heldOn } : {}),
        enteredAt: command.context.now,
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
  assertEntriesSettled(state);
  assertRevision(command.expectedRevision, state);

  const reason = (command.reason ?? '').trim();
  const violations: RuleViolation[] = reasonViolations(reason, 'A correction');
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
        ...held(check.anomalies, index),
      },
    },
  ];
}

/** An admin of the district settles a discrepancy with the figures of the paper record. */
export function decideResolveDiscrepancy(
  command: ResolveDiscrepancy,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyDiscrepancyResolved[] {
  const sheet = sheetExpectations(index, command.electionId, command.pollingAreaId, command.contestId);
  const recorded = requireRecorded(state, command);
  const reason = (command.reason ?? '').trim();
  const last = recorded.lastDecision;
  if (
    last?.kind === 'resolution' &&
    last.fromRevision === command.expectedRevision &&
    last.reason === reason &&
    countsEqual(last.counts, command.counts)
  ) {
    return [];
  }
  assertUnitOpen(unit, recorded.placement);
  if (recorded.standing !== 'discrepancy') {
    throw new DomainError(
      'conflict',
      TallyErrorCode.NO_DISCREPANCY,
      `The sheet is ${recorded.standing}: only a sheet whose two entries differ is resolved`,
      [],
      { standing: recorded.standing },
    );
  }
  assertRevision(command.expectedRevision, recorded);
  const violations = reasonViolations(reason, 'A resolution');
  const check = checkTally(command.counts, sheet);
  violations.push(...check.violations);
  if (violations.length > 0) throw DomainError.invalid(violations);
  const hold = held(check.anomalies, index);
  return [
    {
      type: 'TallyDiscrepancyResolved',
      data: {
        ...recorded.placement,
        counts: normalizeCounts(command.counts),
        firstCounts: recorded.submittedCounts,
        secondCounts: recorded.secondCounts ?? recorded.submittedCounts,
        reason,
        anomalies: check.anomalies,
        standing: hold.standing ?? 'counted',
        ...(hold.heldOn ? { heldOn: hold.heldOn } : {}),
        resolvedAt: command.context.now,
      },
    },
  ];
}

/** An admin of the district decides on a held sheet: release it into the totals, or require a correction. */
export function decideReviewTally(
  command: ReviewTally,
  state: TallyState,
  index: ElectionIndex | undefined,
  unit?: UnitLock,
): TallyReviewed[] {
  sheetExpectations(index, command.electionId, command.pollingAreaId, command.contestId);
  const recorded = requireRecorded(state, command);
  const reason = (command.reason ?? '').trim();
  const last = recorded.lastDecision;
  if (
    last?.kind === 'review' &&
    last.fromRevision === command.expectedRevision &&
    last.decision === command.decision &&
    last.reason === reason
  ) {
    return [];
  }
  assertUnitOpen(unit, recorded.placement);
  if (recorded.standing !== 'held') {
    throw new DomainError(
      'conflict',
      TallyErrorCode.NOT_HELD,
      `The sheet is ${recorded.standing}, not held for review`,
      [],
      { standing: recorded.standing },
    );
  }
  assertRevision(command.expectedRevision, recorded);
  const violations = reasonViolations(reason, 'A review decision');
  if (!(REVIEW_DECISIONS as readonly unknown[]).includes(command.decision)) {
    violations.push({
      code: TallyErrorCode.INVALID_DECISION,
      message: `decision must be one of ${REVIEW_DECISIONS.join(', ')}`,
      field: 'decision',
    });
  }
  if (violations.length > 0) throw DomainError.invalid(violations);
  return [
    {
      type: 'TallyReviewed',
      data: {
        ...recorded.placement,
        decision: command.decision,
        reason,
        heldOn: recorded.heldOn,
        standing: command.decision === 'release' ? 'counted' : 'correction-required',
        reviewedAt: command.context.now,
      },
    },
  ];
}

/** `standing: held` and its codes when the anomalies hold the sheet under the definition's review rules. */
function held(
  anomalies: Anomaly[],
  index: ElectionIndex | undefined,
): { standing?: 'held'; heldOn?: string[] } {
  const heldOn = holdingCodes(anomalies, holdOnCodes(index?.definition));
  return heldOn.length > 0 ? { standing: 'held', heldOn } : {};
}

function requireRecorded(
  state: TallyState,
  command: { pollingAreaId: string; contestId: string },
): RecordedTally {
  if (state.status === 'recorded') return state;
  throw new DomainError(
    'not_found',
    TallyErrorCode.NOT_FOUND,
    `No sheet is recorded for polling area ${command.pollingAreaId} and contest ${command.contestId}: submit it first`,
    [],
    { pollingAreaId: command.pollingAreaId, contestId: command.contestId },
  );
}

function assertRevision(expectedRevision: number, state: RecordedTally): void {
  if (expectedRevision === state.revision) return;
  throw new DomainError(
    'stale',
    TallyErrorCode.REVISION_MISMATCH,
    `The sheet is at revision ${state.revision}, not ${expectedRevision}: reload it and try again`,
    [],
    { expectedRevision, currentRevision: state.revision },
  );
}

/** A correction waits while the entries of a double-entry sheet are not settled. */
function assertEntriesSettled(state: RecordedTally): void {
  if (state.standing === 'awaiting-second-entry') {
    throw new DomainError(
      'conflict',
      TallyErrorCode.AWAITING_SECOND_ENTRY,
      'The sheet awaits its second entry: it is corrected once its entries agree or a discrepancy is resolved',
      [],
      { standing: state.standing },
    );
  }
  if (state.standing === 'discrepancy') {
    throw new DomainError(
      'conflict',
      TallyErrorCode.DISCREPANCY_UNRESOLVED,
      'The two entries of the sheet differ: resolve the discrepancy (POST …/resolution) instead of correcting it',
      [],
      { standing: state.standing },
    );
  }
}

function reasonViolations(reason: string, what: string): RuleViolation[] {
  return reason.length < MIN_REASON_LENGTH
    ? [
        {
          code: TallyErrorCode.REASON_TOO_SHORT,
          message: `${what} needs a reason of at least ${MIN_REASON_LENGTH} characters`,
          field: 'reason',
        },
      ]
    : [];
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
