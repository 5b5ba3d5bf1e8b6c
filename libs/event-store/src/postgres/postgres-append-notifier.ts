import { Client, type ClientConfig } from 'pg';
import { EVENT_STORE_NOTIFY_CHANNEL } from './postgres-migrations';

export interface AppendNotifierOptions {
  /** First delay before reconnecting a dropped LISTEN connection; doubles up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/**
 * One LISTEN connection per store, shared by its subscriptions. It only shortens latency: subscriptions also poll,
 * so a dropped connection or a lost notification delays events by at most one poll interval, never loses them.
 *
 * Wake-ups are counted in a generation number: a subscription notes the generation before it reads, and waiting
 * returns at once if a notification came in meanwhile, so one that arrives between "read" and "wait" is not missed.
 */
export class AppendNotifier {
  private generation = 0;
  private readonly waiters = new Set<() => void>();
  private client: Client | undefined;
  private started = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly config: ClientConfig,
    options: AppendNotifierOptions = {},
  ) {
    this.initialDelayMs = options.reconnectDelayMs ?? 250;
    this.maxDelayMs = options.maxReconnectDelayMs ?? 5_000;
    this.reconnectDelayMs = this.initialDelayMs;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  /** Whether the LISTEN connection is up (for tests and health reporting). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Starts listening on first use; later calls do nothing. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.connect();
  }

  /** Resolves when a notification newer than `seenGeneration` arrives, after `timeoutMs`, or when `signal` aborts. */
  wait(seenGeneration: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.generation !== seenGeneration || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the connection, for a reconnect test or a failover: subscriptions keep going on their poll. */
  async dropConnection(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await client.end().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.wakeAll();
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client(this.config);
    let dropped = false;
    const onDrop = (): void => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    // Without an 'error' listener a network error on this idle connection would crash the process.
    client.on('error', onDrop);
    client.on('end', onDrop);
    client.on('notification', (message) => {
      if (message.channel === EVENT_STORE_NOTIFY_CHANNEL) this.wakeAll();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENT_STORE_NOTIFY_CHANNEL}`);
    } catch {
      onDrop();
      return;
    }
    if (this.stopped || dropped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = this.initialDelayMs;
    // Appends may have committed while nobody was listening: let every subscription look.
    this.wakeAll();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, this.maxDelayMs);
  }

  private wakeAll(): void {
    this.generation += 1;
    for (const wake of [...this.waiters]) wake();
  }
}
