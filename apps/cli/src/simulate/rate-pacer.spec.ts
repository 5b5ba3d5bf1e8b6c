import { pacedDurationMs, RatePacer } from './rate-pacer';

/** A clock whose every sleep ends `lateMs` after it was due, as setTimeout does. */
function lateClock(lateMs: number) {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: (ms: number) => {
      if (ms > 0) now += ms + lateMs;
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** Sends `count` sheets through the pacer on `clock`; the times they went. */
function send(pacer: RatePacer, clock: ReturnType<typeof lateClock>, count: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    clock.sleep(pacer.delay());
    pacer.sent();
    times.push(clock.now());
  }
  return times;
}

describe('RatePacer', () => {
  it('holds the rate when every timer fires late: 1,000 sheets at 100/s take 10 s, not 10 s plus the lateness', () => {
    const clock = lateClock(1.5);
    const times = send(new RatePacer(100, clock.now), clock, 1000);
    const seconds = (times[times.length - 1] - times[0]) / 1000;
    // 999 intervals of 10 ms, and at most one timer's lateness on top. A pacer that restarts its schedule from the
    // moment each sheet went gives 999 × 11.5 ms = 11.5 s (87/s instead of 100/s).
    expect(seconds).toBeGreaterThanOrEqual(9.99);
    expect(seconds).toBeLessThan(10.01);
  });

  it('never goes faster than the rate over a busy stretch', () => {
    const clock = lateClock(0);
    const times = send(new RatePacer(50, clock.now), clock, 500);
    for (let i = 50; i < times.length; i++) expect(times[i] - times[i - 50]).toBeGreaterThanOrEqual(1000);
  });

  it('after an idle stretch sends at most a burst at once, then the rate again', () => {
    const clock = lateClock(0);
    const pacer = new RatePacer(100, clock.now, 100);
    send(pacer, clock, 20);
    clock.advance(60_000); // nothing due for a minute: no minute of credit builds up
    const times = send(pacer, clock, 100);
    const atOnce = times.filter((t) => t === times[0]).length;
    expect(atOnce).toBeLessThanOrEqual(11); // 100 ms of sheets at 100/s, and the one due now
    expect(times[times.length - 1] - times[0]).toBeGreaterThanOrEqual(1000 - 110);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new RatePacer(0)).toThrow(/positive/);
    expect(() => new RatePacer(Number.NaN)).toThrow(/positive/);
  });
});

describe('pacedDurationMs (the simulator\'s "about … s")', () => {
  const due = (dueMs: number, paced = true) => ({ dueMs, paced });

  it('is when the last action is due, without a rate or when the rate keeps up', () => {
    expect(pacedDurationMs([due(0), due(500), due(2_000)])).toBe(2_000);
    expect(pacedDurationMs([due(0), due(500), due(2_000)], 100)).toBe(2_000);
  });

  it('is longer than the schedule when the rate cannot keep up: 1,000 sheets due at once at 100/s take ~10 s', () => {
    const sheets = Array.from({ length: 1_000 }, () => due(0));
    expect(pacedDurationMs(sheets, 100)).toBeCloseTo(9_990, -1);
  });

  it('does not pace what is not paced (turnout reports go when due)', () => {
    const reports = Array.from({ length: 1_000 }, () => due(0, false));
    expect(pacedDurationMs(reports, 100)).toBe(0);
  });
});
