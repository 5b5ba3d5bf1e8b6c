import { ElectionDefinition } from '@tally/domain';
import { generateHanoi2021 } from '../sample/hanoi-2021';
import { DayPlan, PlannedAction, planElectionDay } from './day-plan';
import { localClock, progressLine } from './progress';
import { pacedDurationMs, RatePacer } from './rate-pacer';

export interface SimulationOptions {
  api: string;
  electionId: string;
  /** Simulated seconds per real second (60: a minute of the day per second). */
  speed: number;
  /** Cap on tally sheets (and corrections) per second; undefined: as the plan says. */
  rate?: number;
  seed: string;
  /** Requests in flight at most (default 16). */
  concurrency?: number;
  /** Only these kinds of actions (default all): the bench sends sheets only. */
  kinds?: ReadonlyArray<PlannedAction['kind']>;
  /** Only the first N of those actions (default all). */
  limit?: number;
  /** One bearer token for every request (the CLI passes $TALLY_TOKEN). */
  token?: string;
  /**
   * Instead of one token: the token of whoever reports for a district (its submitter), or with no district the city
   * admin (definition, corrections). Each district's officials then count against the api's rate limit on their own,
   * as on a real election night.
   */
  tokenFor?: (districtId: string | undefined, as?: Official) => Promise<string | undefined>;
  /**
   * The workflow of an official count: the election is defined with `verification.doubleEntry` (when the simulator
   * defines it), every sheet is entered twice by two officials of its district, a few entries differ and a district
   * admin resolves them, and a few sheets listing more voters than the definition are held and then released.
   * Needs `tokenFor` (two officials per district cannot share one token).
   */
  doubleEntry?: boolean;
  /** Plan only the first N polling areas of the definition (a short run that still goes through every step). */
  pollingAreas?: number;
  log: (line: string) => void;
  /** Progress line interval (default 2000 ms; 0: none). */
  progressMs?: number;
  /** Called after every 201 with the global position it returned. */
  onCreated?: (action: PlannedAction, position: number) => void;
}

/** Who acts for a district: its submitter, its second official (double entry), or its admin (resolve, release). */
export type Official = 'submitter' | 'second' | 'admin';

export interface SimulationResult {
  plan: DayPlan;
  sent: Record<PlannedAction['kind'], number>;
  /** Refused by the api (4xx other than an idempotent replay): listed on stderr. */
  refused: number;
  retries: number;
  seconds: number;
}

const MAX_ATTEMPTS = 8;

/**
 * Replays a polling day against a running api: defines the election from the Hanoi sample when it is missing, then
 * sends every planned action when its simulated time comes. Requests are retried on network errors and 5xx with the
 * same ids (the api is idempotent by reportId, submissionId and correctionId), so a re-run repeats nothing.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const { log } = options;
  const http = new ApiClient(options.api, options.token, options.tokenFor);
  if (options.doubleEntry && !options.tokenFor)
    throw new Error(
      '--double-entry needs two officials per district: unset TALLY_TOKEN and use the local key',
    );
  const definition = await ensureElection(http, options.electionId, log, options.doubleEntry === true);
  if (
    options.doubleEntry &&
    (definition as { verification?: { doubleEntry?: boolean } }).verification?.doubleEntry !== true
  )
    throw new Error(
      `${options.electionId} is defined without verification.doubleEntry: simulate --double-entry on a new --election id`,
    );
  const districtOf = new Map(definition.pollingAreas.map((a) => [a.pollingAreaId, a.districtId]));
  const planned = options.pollingAreas
    ? { ...definition, pollingAreas: definition.pollingAreas.slice(0, options.pollingAreas) }
    : definition;
  const plan = planElectionDay(planned, {
    seed: options.seed,
    ...(options.doubleEntry ? { doubleEntry: true, suspicious: 3 } : {}),
  });
  const clock = (ms: number) => localClock(ms, definition.utcOffset, definition.pollingDate);
  const kinds = new Set<PlannedAction['kind']>(
    options.kinds ?? ['turnout', 'sheet', 'correction', 'second-entry', 'resolution', 'review'],
  );
  const actions = plan.actions.filter((a) => kinds.has(a.kind)).slice(0, options.limit ?? Infinity);
  // The schedule at this speed, and the rate cap on top of it: a capped night takes longer than its schedule.
  const estimatedMs = Math.max(
    (plan.end - plan.start) / options.speed,
    pacedDurationMs(
      actions.map((a) => ({ dueMs: (a.at - plan.start) / options.speed, paced: a.kind !== 'turnout' })),
      options.rate,
    ),
  );
  log(
    `Simulating ${options.electionId}: ${plan.turnoutReports} turnout reports, ${plan.sheets} sheets, ` +
      `${plan.corrections} corrections` +
      (options.doubleEntry
        ? `, ${plan.secondEntries} second entries (${plan.resolutions} to resolve), ${plan.reviews} to release`
        : '') +
      `; ${clock(plan.start)} → ${clock(plan.end)} local ` +
      `at ×${options.speed} (about ${Math.ceil(estimatedMs / 1000)} s)` +
      (options.rate ? `, at most ${options.rate} sheets/s` : ''),
  );

  const startedAt = Date.now();
  const sent = { turnout: 0, sheet: 0, correction: 0, 'second-entry': 0, resolution: 0, review: 0 };
  const totals = {
    turnout: count(actions, 'turnout'),
    sheet: count(actions, 'sheet'),
    correction: count(actions, 'correction'),
    'second-entry': count(actions, 'second-entry'),
    resolution: count(actions, 'resolution'),
    review: count(actions, 'review'),
  };
  let refused = 0;
  /** The index of the next action to send: what the simulator waits for. */
  let nextIndex = 0;
  const slots = new Semaphore(options.concurrency ?? 16);
  const sheetDone = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const pacer = options.rate ? new RatePacer(options.rate) : undefined;

  const progressMs = options.progressMs ?? 2000;
  const progress =
    progressMs > 0
      ? setInterval(() => {
          const next = actions[nextIndex];
          log(
            progressLine({
              startedAt,
              now: Date.now(),
              planStart: plan.start,
              speed: options.speed,
              next: next && { at: next.at, kind: next.kind },
              inFlight: inFlight.size,
              sent,
              totals,
              retries: http.retries,
              refused,
              utcOffset: definition.utcOffset,
              pollingDate: definition.pollingDate,
            }),
          );
        }, progressMs)
      : null;

  try {
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i];
      nextIndex = i;
      const due = startedAt + (action.at - plan.start) / options.speed;
      if (due > Date.now()) await sleep(due - Date.now());
      if (action.kind !== 'turnout' && pacer) {
        const wait = pacer.delay();
        if (wait > 0) await sleep(wait);
        pacer.sent();
      }
      await slots.acquire();
      nextIndex = i + 1;
      const task = (async () => {
        try {
          if ('after' in action) await sheetDone.get(action.after);
          const result = await send(http, options.electionId, action, districtOf);
          if (result.ok) {
            sent[action.kind] += 1;
            options.onCreated?.(action, result.position);
          } else {
            refused += 1;
            log(`  refused ${describe(action)}: HTTP ${result.status} ${result.text.slice(0, 300)}`);
          }
        } finally {
          slots.release();
        }
      })();
      if (action.kind === 'sheet' || action.kind === 'second-entry')
        sheetDone.set(
          action.body.submissionId,
          task.catch(() => undefined),
        );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => undefined);
    }
    await Promise.all(inFlight);
  } finally {
    if (progress) clearInterval(progress);
  }
  const seconds = (Date.now() - startedAt) / 1000;
  log(
    `Done in ${seconds.toFixed(1)} s: ${sent.turnout} turnout reports, ${sent.sheet} sheets, ${sent.correction} ` +
      `corrections` +
      (options.doubleEntry
        ? `, ${sent['second-entry']} second entries, ${sent.resolution} resolutions, ${sent.review} releases`
        : '') +
      `; ${http.retries} retries, ${refused} refused`,
  );
  return { plan, sent, refused, retries: http.retries, seconds };
}

async function ensureElection(
  http: ApiClient,
  electionId: string,
  log: (l: string) => void,
  doubleEntry: boolean,
): Promise<ElectionDefinition> {
  const existing = await http.request('GET', `/elections/${electionId}`);
  if (existing.status === 200) return JSON.parse(existing.text) as ElectionDefinition;
  if (existing.status !== 404)
    throw new Error(`GET /elections/${electionId}: HTTP ${existing.status} ${existing.text}`);
  const definition = {
    ...generateHanoi2021(),
    electionId,
    ...(doubleEntry ? { verification: { doubleEntry: true } } : {}),
  };
  const defined = await http.request('POST', '/elections', definition);
  if (defined.status !== 201 && defined.status !== 409) {
    throw new Error(
      `defining ${electionId} from the Hanoi sample failed: HTTP ${defined.status} ${defined.text}`,
    );
  }
  log(`Defined ${electionId} from the Hanoi 2021 sample${doubleEntry ? ', with double entry' : ''}`);
  return definition;
}

async function send(
  http: ApiClient,
  electionId: string,
  action: PlannedAction,
  districtOf: Map<string, string>,
): Promise<{ ok: boolean; status: number; position: number; text: string }> {
  const e = `/elections/${electionId}`;
  // Sheets and turnout come from the district's officials; corrections from the city admin; resolutions and
  // releases from the district's admin, at the sheet's current revision.
  let response: { status: number; text: string };
  switch (action.kind) {
    case 'turnout':
      response = await http.request(
        'POST',
        `${e}/turnout`,
        action.body,
        {},
        districtOf.get(action.body.pollingAreaId),
      );
      break;
    case 'sheet':
      response = await http.request('POST', `${e}/tallies`, action.body, {}, action.districtId);
      break;
    case 'second-entry':
      response = await http.request('POST', `${e}/tallies`, action.body, {}, action.districtId, 'second');
      break;
    default: {
      const sheet = `${e}/tallies/${action.pollingAreaId}/${action.contestId}`;
      const by = action.kind === 'correction' ? undefined : action.districtId;
      const as: Official = 'admin';
      const current = await http.request('GET', sheet, undefined, {}, by, as);
      const etag = current.etag ?? '"0"';
      const path =
        action.kind === 'correction' ? 'corrections' : action.kind === 'resolution' ? 'resolution' : 'review';
      response = await http.request('POST', `${sheet}/${path}`, action.body, { 'if-match': etag }, by, as);
    }
  }
  const ok = response.status === 201;
  return {
    ok,
    status: response.status,
    position: ok ? Number(JSON.parse(response.text).position) : -1,
    text: response.text,
  };
}

/**
 * fetch with a bearer token, retrying network errors, 5xx and 429 with backoff (the same body: same ids); a 429 waits
 * at least its Retry-After.
 */
class ApiClient {
  retries = 0;

  constructor(
    private readonly base: string,
    private readonly token?: string,
    private readonly tokenFor?: (
      districtId: string | undefined,
      as?: Official,
    ) => Promise<string | undefined>,
  ) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    districtId?: string,
    as?: Official,
  ): Promise<{ status: number; text: string; etag?: string }> {
    const token = this.tokenFor ? await this.tokenFor(districtId, as) : this.token;
    for (let attempt = 1; ; attempt++) {
      let waitAtLeast = 0;
      try {
        const response = await fetch(new URL(path, this.base), {
          method,
          headers: {
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        const retryable = response.status >= 500 || response.status === 429;
        if (!retryable || attempt >= MAX_ATTEMPTS)
          return { status: response.status, text, etag: response.headers.get('etag') ?? undefined };
        waitAtLeast = 1000 * (Number(response.headers.get('retry-after')) || 0);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
      this.retries += 1;
      await sleep(Math.max(waitAtLeast, Math.min(5000, 200 * 2 ** (attempt - 1))));
    }
  }
}

class Semaphore {
  private waiting: Array<() => void> = [];

  constructor(private free: number) {}

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free += 1;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (actions: PlannedAction[], kind: PlannedAction['kind']) =>
  actions.filter((a) => a.kind === kind).length;

function describe(action: PlannedAction): string {
  if (action.kind === 'turnout') return `turnout ${action.body.pollingAreaId} as of ${action.body.asOf}`;
  if (action.kind === 'sheet') return `sheet ${action.body.pollingAreaId}/${action.body.contestId}`;
  if (action.kind === 'second-entry')
    return `second entry ${action.body.pollingAreaId}/${action.body.contestId}`;
  return `${action.kind} ${action.pollingAreaId}/${action.contestId}`;
}
