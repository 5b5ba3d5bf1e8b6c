import { DomainError, DomainErrorKind } from '../shared/domain-error';

/** The three functions of a decider; `decide` may close over extra inputs (e.g. the ElectionIndex). */
export interface Decider<Command, Event, State> {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}

export interface DeciderThen<Event> {
  then(expected: Event[]): void;
  thenNothing(): void;
  /** Asserts a DomainError whose `code` is `code` (and `kind`, when given); returns it for further checks. */
  thenThrows(code: string, kind?: DomainErrorKind): DomainError;
  /** Asserts an 'invalid' DomainError listing (at least) these violation codes. */
  thenViolates(...codes: string[]): DomainError;
}

/**
 * Given/when/then over a pure decider, after emmett's DeciderSpecification:
 * `spec.given([submitted]).when(correct).then([corrected])` or `.thenThrows('TALLY.REVISION_MISMATCH')`.
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>) {
    return {
      given(events: Event[]) {
        return {
          when(command: Command): DeciderThen<Event> {
            const run = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
            const error = (): DomainError => {
              let thrown: unknown;
              try {
                const produced = run();
                throw new Error(`Expected a DomainError, but decide returned ${JSON.stringify(produced)}`);
              } catch (e) {
                thrown = e;
              }
              if (!(thrown instanceof DomainError)) throw thrown;
              return thrown;
            };
            return {
              then(expected) {
                expect(run()).toEqual(expected);
              },
              thenNothing() {
                expect(run()).toEqual([]);
              },
              thenThrows(code, kind) {
                const e = error();
                expect({ code: e.code, kind: kind ?? e.kind }).toEqual({ code, kind: kind ?? e.kind });
                return e;
              },
              thenViolates(...codes) {
                const e = error();
                expect(e.kind).toBe('invalid');
                expect(e.violations.map((v) => v.code)).toEqual(expect.arrayContaining(codes));
                return e;
              },
            };
          },
        };
      },
    };
  },
};
