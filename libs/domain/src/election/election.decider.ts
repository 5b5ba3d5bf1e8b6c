import { assertNever } from '../shared/assert-never';
import { DomainError } from '../shared/domain-error';
import { ElectionCommand } from './election.commands';
import { ElectionEvent } from './election.events';
import { validateElectionDefinition } from './election-rules';
import { ElectionDefinition } from './election.types';

export type ElectionState =
  { status: 'none' } | { status: 'defined'; definition: ElectionDefinition; definedAt: string };

export const ElectionErrorCode = {
  ALREADY_DEFINED: 'ELECTION.ALREADY_DEFINED',
  NOT_FOUND: 'ELECTION.NOT_FOUND',
} as const;

export const initialElectionState = (): ElectionState => ({ status: 'none' });

export function evolveElection(state: ElectionState, event: ElectionEvent): ElectionState {
  switch (event.type) {
    case 'ElectionDefined':
      return { status: 'defined', definition: event.data.definition, definedAt: event.data.definedAt };
    default:
      // A one-event union does not narrow the object itself, so the check is on its type.
      return assertNever(event.type);
  }
}

export function foldElection(events: readonly ElectionEvent[]): ElectionState {
  return events.reduce(evolveElection, initialElectionState());
}

export function decideElection(command: ElectionCommand, state: ElectionState): ElectionEvent[] {
  switch (command.type) {
    case 'DefineElection': {
      const { definition, context } = command;
      if (state.status === 'defined') {
        throw new DomainError(
          'conflict',
          ElectionErrorCode.ALREADY_DEFINED,
          `Election ${definition.electionId} is already defined; a definition cannot be replaced`,
          [],
          { electionId: definition.electionId },
        );
      }
      const violations = validateElectionDefinition(definition);
      if (violations.length > 0) throw DomainError.invalid(violations);
      return [{ type: 'ElectionDefined', data: { definition, definedAt: context.now } }];
    }
    default:
      return assertNever(command.type);
  }
}
