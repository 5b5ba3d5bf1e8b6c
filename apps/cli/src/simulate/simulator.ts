import { ElectionDefinition } from '@tally/domain';
import { generateHanoi2021 } from '../sample/hanoi-2021';
import { DayPlan, PlannedAction, planElectionDay } from './day-plan';
import { localClock, progressLine } from './progress';

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
  tokenFor?: (districtId: string | undefined) => Promise<string | undefined>;
  log: (line: string) => void;
  /** Progress line interval (default 2000 ms; 0: none). */
  progressMs?: number;
  /** Called after every 201 with the global position it returned. */
  onCreated?: (action: PlannedAction, position: number) => void;
}

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
  const definition = await ensureElection(http, options.electionId, log);
  const districtOf = new Map(definition.pollingAreas.map((a) => [a.pollingAreaId, a.districtId]));
  const plan = planElectionDay(definition, { seed: options.seed });
  const clock = (ms: number) => localClock(ms, definition.utcOffset, definition.pollingDate);
  const kinds = new Set(options.kinds ?? ['turnout', 'sheet', 'correction']);
  const actions = plan.actions.filter((a) => kinds.has(a.kind)).slice(0, options.limit ?? Infinity);
  log(
    `Simulating ${options.electionId}: ${plan.turnoutReports} turnout reports, ${plan.sheets} sheets, ` +
      `${plan.corrections} corrections; ${clock(plan.start)} → ${clock(plan.end)} local ` +
      `at ×${options.speed} (about ${Math.ceil((plan.end - plan.start) / options.speed / 1000)} s)` +
      (options.rate ? `, at most ${options.rate} sheets/s` : ''),
  );

  const startedAt = Date.now();
  const sent = { turnout: 0, sheet: 0, correction: 0 };
  const totals = {
    turnout: count(actions, 'turnout'),
    sheet: count(actions, 'sheet'),
    correction: count(actions, 'correction'),
  };
  let refused = 0;
  /** The index of the next action to send: what the simulator waits for. */
  let nextIndex = 0;
  const slots = new Semaphore(options.concurrency ?? 16);
  const sheetDone = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let nextSheetAt = Date.now();

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
      if ((action.kind === 'sheet' || action.kind === 'correction') && options.rate) {
        const wait = nextSheetAt - Date.now();
        if (wait > 0) await sleep(wait);
        nextSheetAt = Math.max(nextSheetAt, Date.now()) + 1000 / options.rate;
      }
      await slots.acquire();
      nextIndex = i + 1;
      const task = (async () => {
        try {
          if (action.kind === 'correction') await sheetDone.get(action.after);
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
      if (action.kind === 'sheet')
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
      `corrections; ${http.retries} retries, ${refused} refused`,
  );
  return { plan, sent, refused, retries: http.retries, seconds };
}

async function ensureElection(
  http: ApiClient,
  electionId: string,
  log: (l: string) => void,
): Promise<ElectionDefinition> {
  const existing = await http.request('GET', `/elections/${electionId}`);
  if (existing.status === 200) return JSON.parse(existing.text) as ElectionDefinition;
  if (existing.status !== 404)
    throw new Error(`GET /elections/${electionId}: HTTP ${existing.status} ${existing.text}`);
  const definition = { ...generateHanoi2021(), electionId };
  const defined = await http.request('POST', '/elections', definition);
  if (defined.status !== 201 && defined.status !== 409) {
    throw new Error(
      `defining ${electionId} from the Hanoi sample failed: HTTP ${defined.status} ${defined.text}`,
    );
  }
  log(`Defined ${electionId} from the Hanoi 2021 sample`);
  return definition;
}

async function send(
  http: ApiClient,
  electionId: string,
  action: PlannedAction,
  districtOf: Map<string, string>,
): Promise<{ ok: boolean; status: number; position: number; text: string }> {
  const e = `/elections/${electionId}`;
  // Sheets and turnout come from the district's officials; corrections from the city admin.
  const response =
    action.kind === 'turnout'
      ? await http.request('POST', `${e}/turnout`, action.body, {}, districtOf.get(action.body.pollingAreaId))
      : action.kind === 'sheet'
        ? await http.request('POST', `${e}/tallies`, action.body, {}, action.districtId)
        : await http.request(
            'POST',
            `${e}/tallies/${action.pollingAreaId}/${action.contestId}/corrections`,
            action.body,
            { 'if-match': '"0"' },
          );
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
    private readonly tokenFor?: (districtId: string | undefined) => Promise<string | undefined>,
  ) {}

  async request(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    districtId?: string,
  ): Promise<{ status: number; text: string }> {
    const token = this.tokenFor ? await this.tokenFor(districtId) : this.token;
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
        if (!retryable || attempt >= MAX_ATTEMPTS) return { status: response.status, text };
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
  return `correction ${action.pollingAreaId}/${action.contestId}`;
}
