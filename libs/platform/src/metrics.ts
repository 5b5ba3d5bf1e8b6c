import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type MetricObjectWithValues,
} from 'prom-client';
import type { AppendResult, EventStore } from '@tally/event-store';
import type { ProjectionObserver, ProjectionRunner, ProjectionStatus } from '@tally/read-models';

let processMetrics: Registry | undefined;

/** prom-client's process and Node.js metrics, registered once however many apps a process builds (the specs). */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/** The stream category (the part before the first `-`): `tally`, `turnout`, `election`, … */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash > 0 ? streamId.slice(0, dash) : streamId;
}

export type AppendOutcome = 'stored' | 'replayed' | 'conflict' | 'condition_failed' | 'refused';

const APPEND_OUTCOMES: readonly AppendOutcome[] = [
  'stored',
  'replayed',
  'conflict',
  'condition_failed',
  'refused',
];

/** The stream categories the submissions write (streamCategory of their streams), counted from the first scrape. */
const INITIALISED_CATEGORIES = ['tally', 'turnout'] as const;

/**
 * The Prometheus metrics of one process (`prom-client`), served by GET /metrics. Names start with `tally_`; the
 * process metrics (`process_*`, `nodejs_*`) come from prom-client's defaults.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'tally_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'tally_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route template and method',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly appends = new Counter({
    name: 'tally_event_store_appends_total',
    help: 'Appends to the event store, by stream category and outcome (stored, replayed, conflict, condition_failed, refused)',
    labelNames: ['category', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly appendDuration = new Histogram({
    name: 'tally_event_store_append_duration_seconds',
    help: 'Time an append took, until it was durable',
    labelNames: ['category'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly groupCommitBatch = new Histogram({
    name: 'tally_event_store_group_commit_batch_size',
    help: 'Appends committed together in one group-commit transaction (postgres store)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly projectionEvents = new Counter({
    name: 'tally_projection_events_applied_total',
    help: 'Events a projection applied in this process',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  readonly projectionBatchDuration = new Histogram({
    name: 'tally_projection_batch_duration_seconds',
    help: 'Time a projection took to apply one batch and its checkpoint',
    labelNames: ['projection'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly projectionFailures = new Counter({
    name: 'tally_projection_failures_total',
    help: 'Times a projection failed (a batch that did not apply, the database or the store unreachable)',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });
  private readonly lastApplied = new Map<string, Date>();

  /**
   * The process that takes submissions (the api) shows its sheet and turnout append counters from the start, at 0:
   * Prometheus sees a counter's first increments only against an earlier sample, and the alert on "no sheet stored"
   * needs the series to read 0. The projector appends nothing and shows none.
   */
  countSubmissionsFromZero(): void {
    for (const category of INITIALISED_CATEGORIES) {
      for (const outcome of APPEND_OUTCOMES) this.appends.inc({ category, outcome }, 0);
    }
  }

  /**
   * Counts every append of `store`'s callers: wraps its append in place (so the store keeps its class and flags,
   * supportsAppendConditions among them), passing the options (an append condition) through.
   */
  instrument<T extends EventStore>(store: T): T {
    const append = store.append.bind(store);
    store.append = async (streamId, events, expected, options): Promise<AppendResult> => {
      const category = streamCategory(streamId);
      const stop = this.appendDuration.startTimer({ category });
      try {
        const result = await append(streamId, events, expected, options);
        this.appends.inc({ category, outcome: result.alreadyStored ? 'replayed' : 'stored' });
        return result;
      } catch (error) {
        const name = (error as Error)?.name;
        this.appends.inc({
          category,
          outcome:
            name === 'WrongExpectedRevisionError'
              ? 'conflict'
              : name === 'AppendConditionFailedError'
                ? 'condition_failed'
                : 'refused',
        });
        throw error;
      } finally {
        stop();
      }
    };
    return store;
  }

  /** A retry that decide recognised, answered with the original result: nothing reached the store. */
  replayed(category: string): void {
    this.appends.inc({ category, outcome: 'replayed' });
  }

  /** What the projection runner reports of each batch and failure. */
  get projectionObserver(): ProjectionObserver {
    return {
      batchApplied: (projection, events, seconds, last) => {
        this.projectionEvents.inc({ projection }, events);
        this.projectionBatchDuration.observe({ projection }, seconds);
        this.lastApplied.set(projection, last.recordedAt);
      },
      failed: (projection) => this.projectionFailures.inc({ projection }),
    };
  }

  /** Projection position, lag and state, read from the runner at each scrape (one status read for all four). */
  watchProjections(runner: ProjectionRunner): void {
    // The registry starts every collect of a scrape at once: the four gauges share the status read in flight. Only
    // while it is in flight: a scrape right after another (within any fixed window) must not get the older figures.
    let pending: Promise<ProjectionStatus[]> | undefined;
    const statuses = () => {
      pending ??= runner
        .status()
        .catch(() => [])
        .finally(() => {
          pending = undefined;
        });
      return pending;
    };
    const lastApplied = this.lastApplied;
    const gauge = <L extends string>(
      name: string,
      help: string,
      labelNames: readonly L[],
      fill: (set: (labels: Record<L, string>, value: number) => void, s: ProjectionStatus) => void,
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          const all = await statuses();
          this.reset();
          for (const s of all) fill((labels, value) => this.set(labels, value), s);
        },
      });
    gauge(
      'tally_projection_position',
      'The global position a projection has applied (its checkpoint)',
      ['projection'],
      (set, s) => set({ projection: s.name }, s.position),
    );
    gauge(
      'tally_projection_lag_events',
      'Positions between the head of the log and a projection’s checkpoint',
      ['projection'],
      (set, s) => set({ projection: s.name }, s.lag),
    );
    gauge(
      'tally_projection_lag_seconds',
      '0 when a projection has caught up; else seconds since the last event it applied was recorded',
      ['projection'],
      (set, s) => {
        const last = lastApplied.get(s.name);
        set(
          { projection: s.name },
          s.lag > 0 && last ? Math.max(0, (Date.now() - last.getTime()) / 1000) : 0,
        );
      },
    );
    gauge(
      'tally_projection_state',
      'A projection’s state in this process: 1 for the current one (idle, active, standby, failing, stopped)',
      ['projection', 'state'],
      (set, s) => set({ projection: s.name, state: s.state }, 1),
    );
  }

  /** A gauge read at each scrape, e.g. pool usage or live-stream figures. */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    read: () => Array<{ labels?: Partial<Record<L, string>>; value: number }>,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { labels, value } of read()) {
          if (labels) this.set(labels, value);
          else this.set(value);
        }
      },
    });
  }

  /** A counter whose total another component keeps, read at each scrape. */
  counterFrom(name: string, help: string, read: () => number): void {
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  }

  /** The exposition text: the process metrics (once per process) and this instance's. */
  async text(): Promise<string> {
    return `${await processRegistry().metrics()}\n${await this.registry.metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** For specs: the value of a metric with these labels (undefined when absent). */
  async value(name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) return undefined;
    const { values } = (await metric.get()) as MetricObjectWithValues<{ value: number; labels: object }>;
    const found = values.find((v) =>
      Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want),
    );
    return found?.value;
  }
}
