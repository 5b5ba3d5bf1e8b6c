import { PlannedAction } from './day-plan';

type Kind = PlannedAction['kind'];

/** What the simulator knows when it prints a progress line. */
export interface ProgressState {
  /** Real time (ms) the simulation started; the simulated clock then read `planStart`. */
  startedAt: number;
  /** Real time (ms) now. */
  now: number;
  planStart: number;
  /** Simulated seconds per real second. */
  speed: number;
  /** The next planned action not yet sent (undefined once all were). */
  next?: { at: number; kind: Kind };
  /** Requests sent and not yet answered. */
  inFlight: number;
  sent: Partial<Record<Kind, number>>;
  totals: Partial<Record<Kind, number>>;
  retries: number;
  refused: number;
  /** The election's local time: its UTC offset (default +07:00) and polling date. */
  utcOffset?: string;
  pollingDate: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** The simulated clock: it advances with real time at `speed`, whether or not anything is sent. */
export function simulatedClock(
  state: Pick<ProgressState, 'startedAt' | 'now' | 'planStart' | 'speed'>,
): number {
  return state.planStart + Math.max(0, state.now - state.startedAt) * state.speed;
}

function offsetMinutes(offset = '+07:00'): number {
  return (offset.startsWith('-') ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
}

/** A simulated instant in the election's local time, e.g. "19:42", or "01:05 (+1 day)" after the polling date. */
export function localClock(ms: number, utcOffset: string | undefined, pollingDate: string): string {
  const local = new Date(ms + offsetMinutes(utcOffset) * MINUTE).toISOString();
  const days = Math.round((Date.parse(local.slice(0, 10)) - Date.parse(pollingDate)) / DAY);
  const suffix = days === 0 ? '' : ` (${days > 0 ? '+' : ''}${days} day${Math.abs(days) === 1 ? '' : 's'})`;
  return `${local.slice(11, 16)}${suffix}`;
}

/** A duration rounded to the second: "45 s", "6 min 5 s", "5 h 46 min" (seconds dropped from an hour on). */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** What the simulator waits for: the next planned action and when it is due, or the answers still outstanding. */
export function waitingFor(state: ProgressState, clock = simulatedClock(state)): string {
  const { next } = state;
  if (!next) return state.inFlight > 0 ? `all sent, waiting for ${state.inFlight} answer(s)` : 'all sent';
  const due = localClock(next.at, state.utcOffset, state.pollingDate);
  const ahead = next.at - clock;
  if (ahead > 0)
    return `next ${next.kind} at ${due}, in ${formatDuration(ahead)} (${formatDuration(ahead / state.speed)} real)`;
  // Up to a second (real) late, the action is being sent; later than that, something holds it back.
  if (-ahead < state.speed * 1000) return `next ${next.kind} at ${due}, sending`;
  return `next ${next.kind} due ${due}, ${formatDuration(-ahead)} behind (rate, concurrency or a slow api)`;
}

/** One progress line: the advancing simulated clock, what it waits for, and the counts so far. */
export function progressLine(state: ProgressState): string {
  const clock = simulatedClock(state);
  const count = (kind: Kind, label: string) => `${label} ${state.sent[kind] ?? 0}/${state.totals[kind] ?? 0}`;
  // The double-entry workflow's counts only when there is such work.
  const workflow = (state.totals['second-entry'] ?? 0) > 0;
  return (
    `  ${localClock(clock, state.utcOffset, state.pollingDate)}  ${waitingFor(state, clock)} | ` +
    `${count('turnout', 'turnout')}  ${count('sheet', 'sheets')}  ${count('correction', 'corrections')}  ` +
    (workflow
      ? `${count('second-entry', 'second entries')}  ${count('resolution', 'resolutions')}  ` +
        `${count('review', 'releases')}  `
      : '') +
    `retries ${state.retries}  refused ${state.refused}`
  );
}
