import { ElectionDefinition } from '../election/election.types';
import { isIsoDate } from '../shared/iso-date';

/** Hanoi 2021: districts reported turnout at 12:30, 18:30 and 19:30 local time (Vietnam, UTC+7). */
export const DEFAULT_TURNOUT_REPORTING_TIMES = ['12:30', '18:30', '19:30'] as const;
export const DEFAULT_UTC_OFFSET = '+07:00';

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const UTC_OFFSET = /^([+-])(0\d|1[0-4]):([0-5]\d)$/;
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,9}))?)?(Z|[+-](?:0\d|1[0-4]):[0-5]\d)$/;

export function isLocalTime(value: unknown): value is string {
  return typeof value === 'string' && LOCAL_TIME.test(value);
}

export function isUtcOffset(value: unknown): value is string {
  return typeof value === 'string' && UTC_OFFSET.test(value);
}

/** Minutes east of UTC, e.g. "+07:00" → 420. */
export function offsetMinutes(offset: string): number {
  const match = UTC_OFFSET.exec(offset);
  if (!match) throw new Error(`not a UTC offset: ${offset}`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * An ISO-8601 instant with a date, hours and minutes and an explicit zone (Z or ±hh:mm), e.g.
 * "2021-05-23T12:30:00+07:00"; returns it in UTC ("2021-05-23T05:30:00.000Z"), or null when it is not one.
 * A date alone or a local time without a zone is refused: it would mean different instants on different servers.
 */
export function parseIsoInstant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const match = ISO_INSTANT.exec(value);
  if (!match || !isIsoDate(match[1])) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export interface TurnoutSchedule {
  utcOffset: string;
  /** Local times of day, e.g. ["12:30", "18:30", "19:30"]. */
  localTimes: string[];
  /** The same as instants (UTC ISO), oldest first. */
  reportingTimes: string[];
  /** The polling day in local time: [start, end) as UTC ISO instants. */
  dayStart: string;
  dayEnd: string;
}

/**
 * When turnout is reported: the definition's `turnoutReportingTimes` (local "HH:MM", sorted) in its `utcOffset`,
 * by default Hanoi's 12:30, 18:30, 19:30 at UTC+7. The polling day is the local calendar day `pollingDate`.
 * Assumes a valid definition (validateElectionDefinition checks both fields).
 */
export function turnoutSchedule(definition: ElectionDefinition): TurnoutSchedule {
  const utcOffset = definition.utcOffset ?? DEFAULT_UTC_OFFSET;
  const localTimes = [...(definition.turnoutReportingTimes ?? DEFAULT_TURNOUT_REPORTING_TIMES)].sort();
  const offset = offsetMinutes(isUtcOffset(utcOffset) ? utcOffset : DEFAULT_UTC_OFFSET);
  const midnight = Date.parse(`${definition.pollingDate}T00:00:00Z`) - offset * 60_000;
  const at = (minutes: number) => new Date(midnight + minutes * 60_000).toISOString();
  return {
    utcOffset,
    localTimes,
    reportingTimes: localTimes.filter(isLocalTime).map((t) => {
      const [h, m] = t.split(':').map(Number);
      return at(h * 60 + m);
    }),
    dayStart: at(0),
    dayEnd: at(24 * 60),
  };
}
