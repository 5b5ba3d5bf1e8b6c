import fc from 'fast-check';
import {
  applicationStreamsRegex,
  EVENT_ID_RESERVATION_PREFIX,
  isApplicationStream,
  matchesPrefixes,
} from './kurrentdb-event-mapping';

// The server applies this regex (in .NET) before sending; the adapter applies the same rule again in JavaScript
// as a guard. Both must select exactly the same streams. Runs without a server.
describe('applicationStreamsRegex', () => {
  const streamName = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      '$all',
      '$et-TallySubmitted',
      '$$event-id-x',
      `${EVENT_ID_RESERVATION_PREFIX}0b6c7f4e`,
      'event-ids',
    ),
    fc
      .tuple(
        fc.constantFrom('tally-', 'election-', 'turnout-', 'event-', '$', 'a_b%', 'x.y*', '(?'),
        fc.string(),
      )
      .map(([head, tail]) => head + tail),
  );
  const prefixes = fc.option(
    fc.array(
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.constantFrom('event-', '$', 'tally-hn.', 'a_b%', '[x]', '\\d'),
      ),
      {
        maxLength: 3,
      },
    ),
    { nil: undefined },
  );

  it('selects exactly the application streams that start with a prefix', () => {
    fc.assert(
      fc.property(streamName, prefixes, (stream, given) => {
        const selected = new RegExp(applicationStreamsRegex(given)).test(stream);
        expect(selected).toBe(isApplicationStream(stream) && matchesPrefixes(stream, given));
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps reservations and system streams out even when a prefix covers them', () => {
    const regex = new RegExp(applicationStreamsRegex(['event-', '$']));
    expect(regex.test(`${EVENT_ID_RESERVATION_PREFIX}0b6c7f4e`)).toBe(false);
    expect(regex.test('$all')).toBe(false);
    expect(regex.test('event-log-1')).toBe(true);
  });

  it('escapes only metacharacters (.NET refuses an escaped underscore or letter)', () => {
    expect(applicationStreamsRegex(['tally-hn_2021.ba-dinh'])).toBe(
      '^(?!\\$|event-id-)(?:tally-hn_2021\\.ba-dinh)',
    );
  });
});
