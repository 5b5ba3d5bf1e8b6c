import { assertNever } from '../shared/assert-never';
import { DomainError, RuleViolation } from '../shared/domain-error';
import { conflictsWithRecord } from './amendment-conflicts';
import { AmendElection, DefineElection, ElectionCommand } from './election.commands';
import {
  amendDefinition,
  AmendmentChange,
  AmendmentFootprint,
  AmendmentRuleCode,
  footprintOf,
  MIN_AMENDMENT_REASON_LENGTH,
  pollingAreaChanges,
} from './election-amendment';
import { ElectionEvent } from './election.events';
import { ElectionIndex } from './election-index';
import { validateElectionDefinition } from './election-rules';
import { ElectionDefinition } from './election.types';

export type ElectionState =
  | { status: 'none' }
  | {
      status: 'defined';
      /** The definition in force: as defined, with every amendment applied. */
      definition: ElectionDefinition;
      definedAt: string;
      /** Revision of the election stream's last event (0 when never amended): the definition's ETag. */
      revision: number;
      amendments: number;
      /** The last amendment: a retry of it (the same If-Match, reason and changes) is recognised, not refused. */
      lastAmendment?: AmendmentRecord;
    };

/** What an amendment was decided on and what it said. */
export interface AmendmentRecord {
  /** The revision it was made at (its If-Match) and the one it produced. */
  fromRevision: number;
  revision: number;
  reason: string;
  changes: AmendmentChange[];
}

export const ElectionErrorCode = {
  ALREADY_DEFINED: 'ELECTION.ALREADY_DEFINED',
  NOT_FOUND: 'ELECTION.NOT_FOUND',
  REVISION_MISMATCH: 'ELECTION.REVISION_MISMATCH',
  AMENDMENT_CONFLICTS_WITH_SHEETS: 'ELECTION.AMENDMENT_CONFLICTS_WITH_SHEETS',
  AMENDMENT_CONFLICTS_WITH_TURNOUT: 'ELECTION.AMENDMENT_CONFLICTS_WITH_TURNOUT',
  AMENDMENT_CONFLICTS_WITH_CERTIFICATION: 'ELECTION.AMENDMENT_CONFLICTS_WITH_CERTIFICATION',
} as const;

export const initialElectionState = (): ElectionState => ({ status: 'none' });

export function evolveElection(state: ElectionState, event: ElectionEvent): ElectionState {
  switch (event.type) {
    case 'ElectionDefined':
      return {
        status: 'defined',
        definition: event.data.definition,
        definedAt: event.data.definedAt,
        revision: state.status === 'defined' ? state.revision + 1 : 0,
        amendments: 0,
      };
    case 'ElectionAmended': {
      // Never produced before a definition; folding a stored fact must not fail.
      if (state.status !== 'defined') return state;
      const amended = amendDefinition(state.definition, event.data.changes ?? []);
      return {
        ...state,
        // A stored amendment that does not apply cleanly (never produced by decide) changes nothing, here and in
        // every read model alike.
        definition: amended.violations.length === 0 ? amended.definition : state.definition,
        revision: state.revision + 1,
        amendments: state.amendments + 1,
        lastAmendment: {
          fromRevision: state.revision,
          revision: state.revision + 1,
          reason: event.data.reason,
          changes: event.data.changes ?? [],
        },
      };
    }
    default:
      return assertNever(event);
  }
}

export function foldElection(events: readonly ElectionEvent[]): ElectionState {
  return events.reduce(evolveElection, initialElectionState());
}

export function decideElection(command: ElectionCommand, state: ElectionState): ElectionEvent[] {
  switch (command.type) {
    case 'DefineElection':
      return decideDefine(command, state);
    case 'AmendElection':
      return decideAmend(command, state);
    default:
      return assertNever(command);
  }
}

function decideDefine({ definition, context }: DefineElection, state: ElectionState): ElectionEvent[] {
  if (state.status === 'defined') {
    throw new DomainError(
      'conflict',
      ElectionErrorCode.ALREADY_DEFINED,
      `Election ${definition.electionId} is already defined; amend it instead (POST /elections/${definition.electionId}/amendments)`,
      [],
      { electionId: definition.electionId },
    );
  }
  const violations = validateElectionDefinition(definition);
  if (violations.length > 0) throw DomainError.invalid(violations);
  return [{ type: 'ElectionDefined', data: { definition, definedAt: context.now } }];
}

/**
 * In this order: 404 (not defined), a retry of the last amendment ([]: nothing to append, the handler answers it),
 * 412 (If-Match is not the revision in force), 422 (reason, references, the rules of a definition on the amended one,
 * or a no-op), 409 (it contradicts a stored sheet or turnout report).
 */
function decideAmend(command: AmendElection, state: ElectionState): ElectionEvent[] {
  const { electionId, expectedRevision, changes, onRecord, context } = command;
  const defined = requireDefined(state, electionId);
  if (isRetryOfLastAmendment(defined.lastAmendment, command)) return [];
  if (expectedRevision !== defined.revision) {
    throw new DomainError(
      'stale',
      ElectionErrorCode.REVISION_MISMATCH,
      `The definition is at revision ${defined.revision}, not ${expectedRevision}: read it again (GET /elections/${electionId}) and amend that`,
      [],
      { expectedRevision, currentRevision: defined.revision },
    );
  }
  const reason = (command.reason ?? '').trim();
  const violations: RuleViolation[] = [];
  if (reason.length < MIN_AMENDMENT_REASON_LENGTH) {
    violations.push({
      code: AmendmentRuleCode.REASON_TOO_SHORT,
      message: `An amendment needs a reason of at least ${MIN_AMENDMENT_REASON_LENGTH} characters`,
      field: 'reason',
    });
  }
  const amended = amendDefinition(defined.definition, changes);
  violations.push(...amended.violations);
  if (violations.length > 0) throw DomainError.invalid(violations);
  if (changes.length === 0 || sameJson(amended.definition, defined.definition)) {
    throw DomainError.invalid([
      {
        code: AmendmentRuleCode.CHANGES_NOTHING,
        message: `The changes leave the definition as it is at revision ${defined.revision}`,
        field: 'changes',
      },
    ]);
  }

  const before = ElectionIndex.of(defined.definition);
  const after = ElectionIndex.of(amended.definition);
  const conflicts = conflictsWithRecord(before, after, onRecord);
  if (conflicts.length > 0) {
    const code = conflicts.some((c) => c.record === 'certification')
      ? ElectionErrorCode.AMENDMENT_CONFLICTS_WITH_CERTIFICATION
      : conflicts.some((c) => c.record === 'sheet')
        ? ElectionErrorCode.AMENDMENT_CONFLICTS_WITH_SHEETS
        : ElectionErrorCode.AMENDMENT_CONFLICTS_WITH_TURNOUT;
    throw new DomainError(
      'conflict',
      code,
      conflicts.length === 1
        ? conflicts[0].message
        : `${conflicts.length} things on record contradict the amendment; first: ${conflicts[0].message}`,
      [],
      { conflicts },
    );
  }
  return [
    {
      type: 'ElectionAmended',
      data: {
        electionId,
        reason,
        changes,
        pollingAreaChanges: pollingAreaChanges(before, after),
        amendedAt: context.now,
      },
    },
  ];
}

/** A retry carries the If-Match of its first try: it is recognised before the revision is checked. */
function isRetryOfLastAmendment(last: AmendmentRecord | undefined, command: AmendElection): boolean {
  return (
    last !== undefined &&
    last.fromRevision === command.expectedRevision &&
    last.reason === (command.reason ?? '').trim() &&
    sameJson(last.changes, command.changes)
  );
}

/**
 * The polling areas and units the changes touch, for the handler to read what is on record about them; empty when
 * the election is not defined or the changes do not apply (decide then refuses them before looking at the record).
 */
export function amendmentFootprint(
  state: ElectionState,
  changes: readonly AmendmentChange[],
): AmendmentFootprint {
  if (state.status !== 'defined') return { pollingAreaIds: [], units: [] };
  const amended = amendDefinition(state.definition, changes);
  if (amended.violations.length > 0) return { pollingAreaIds: [], units: [] };
  return footprintOf(ElectionIndex.of(state.definition), ElectionIndex.of(amended.definition));
}

function requireDefined(
  state: ElectionState,
  electionId: string,
): Extract<ElectionState, { status: 'defined' }> {
  if (state.status !== 'defined') {
    throw new DomainError(
      'not_found',
      ElectionErrorCode.NOT_FOUND,
      `Election ${electionId} is not defined`,
      [],
      {
        electionId,
      },
    );
  }
  return state;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
