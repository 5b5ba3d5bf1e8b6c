import {
  formatDuration,
  localClock,
  progressLine,
  ProgressState,
  simulatedClock,
  waitingFor,
} from './progress';

const MINUTE = 60_000;
/** Local Hanoi time (UTC+7) on polling day as a UTC instant. */
const hanoi = (hhmm: string, day = '2021-05-23') => Date.parse(`${day}T${hhmm}:00+07:00`);

/**
 * The case of issue 9 at --speed 60: the plan starts at 12:25, the 12:30 reports went out by 12:44, and the next
 * action is the 18:30 reports, nearly six real minutes later.
 */
const afterNoon = (realMs: number, overrides: Partial<ProgressState> = {}): ProgressState => ({
  startedAt: 1_000_000,
  now: 1_000_000 + realMs,
  planStart: hanoi('12:25'),
  speed: 60,
  next: { at: hanoi('18:30'), kind: 'turnout' },
  inFlight: 0,
  sent: { turnout: 4825, sheet: 0, correction: 0 },
  totals: { turnout: 14475, sheet: 9650, correction: 12 },
  retries: 0,
  refused: 0,
  utcOffset: '+07:00',
  pollingDate: '2021-05-23',
  ...overrides,
});

describe('simulate progress', () => {
  it('the clock advances with real time × speed while the simulator waits (not the last sent event’s time)', () => {
    expect(localClock(simulatedClock(afterNoon(60_000)), '+07:00', '2021-05-23')).toBe('13:25');
    expect(localClock(simulatedClock(afterNoon(180_000)), '+07:00', '2021-05-23')).toBe('15:25');
    expect(localClock(simulatedClock(afterNoon(360_000)), '+07:00', '2021-05-23')).toBe('18:25');
  });

  it('says what it waits for: the next action, its time, and how long that is simulated and real', () => {
    expect(progressLine(afterNoon(60_000))).toBe(
      '  13:25  next turnout at 18:30, in 5 h 5 min (5 min 5 s real) | ' +
        'turnout 4825/14475  sheets 0/9650  corrections 0/12  retries 0  refused 0',
    );
    expect(waitingFor(afterNoon(360_000))).toBe('next turnout at 18:30, in 5 min (5 s real)');
  });

  it('an action up to a second (real) past its time is being sent; a later one is behind, by how much', () => {
    expect(waitingFor(afterNoon(365_000 - 400))).toBe('next turnout at 18:30, in 24 s (0 s real)');
    expect(waitingFor(afterNoon(365_000))).toBe('next turnout at 18:30, sending');
    expect(waitingFor(afterNoon(365_000 + 900))).toBe('next turnout at 18:30, sending');
    const late = afterNoon(365_000 + 3 * 1000, { next: { at: hanoi('18:30'), kind: 'sheet' } });
    expect(waitingFor(late)).toBe('next sheet due 18:30, 3 min behind (rate, concurrency or a slow api)');
  });

  it('once everything is sent, it waits for the answers still outstanding', () => {
    expect(waitingFor(afterNoon(900_000, { next: undefined, inFlight: 7 }))).toBe(
      'all sent, waiting for 7 answer(s)',
    );
    expect(waitingFor(afterNoon(900_000, { next: undefined }))).toBe('all sent');
  });

  it('the local clock marks the day after polling day, and follows the election’s own UTC offset', () => {
    expect(localClock(hanoi('23:59'), '+07:00', '2021-05-23')).toBe('23:59');
    expect(localClock(hanoi('01:05', '2021-05-24'), '+07:00', '2021-05-23')).toBe('01:05 (+1 day)');
    expect(localClock(Date.parse('2021-05-24T02:00:00Z'), '-05:00', '2021-05-23')).toBe('21:00');
    expect(localClock(Date.parse('2021-05-24T02:00:00Z'), undefined, '2021-05-23')).toBe('09:00 (+1 day)');
    expect(localClock(Date.parse('2021-05-22T20:00:00Z'), '+07:00', '2021-05-23')).toBe('03:00');
    expect(localClock(Date.parse('2021-05-22T16:00:00Z'), '+07:00', '2021-05-23')).toBe('23:00 (-1 day)');
  });

  it('rounds durations to the second before choosing the unit', () => {
    expect(formatDuration(400)).toBe('0 s');
    expect(formatDuration(59_600)).toBe('1 min');
    expect(formatDuration(61_000)).toBe('1 min 1 s');
    expect(formatDuration(3_599_600)).toBe('1 h');
    expect(formatDuration(5 * 60 * MINUTE + 46 * MINUTE + 30_000)).toBe('5 h 46 min');
    expect(formatDuration(-90_000)).toBe('1 min 30 s');
  });
});
