import { electionStreamId } from '@tally/domain';
import { PostgresEventStore } from '@tally/event-store';
import { request } from 'node:http';
import { http, processAdminToken, startApiProcess } from '../support/api-process';
import { createTestDatabase, TestDatabase } from '../support/database';
import { smallElection } from '../support/fixtures';
import { SseClient } from '../support/sse-client';

interface Outcome {
  electionId: string;
  /** The answer's status, or null when the request got no answer (the connection was refused or cut). */
  status: number | null;
  code?: string;
  contentType?: string;
  error?: string;
}

/**
 * One POST /elections on its own connection (no keep-alive pool to race with the server closing it). With
 * `delayBodyMs`, it asks `Expect: 100-continue`, calls `onHead` once the server has read the head (its 100 Continue),
 * then sends half the body and the rest that much later.
 */
function defineElection(
  url: string,
  token: string,
  electionId: string,
  delayBodyMs = 0,
  onHead: () => void = () => undefined,
): Promise<Outcome> {
  const body = JSON.stringify(smallElection(electionId));
  return new Promise((resolve) => {
    const req = request(
      `${url}/elections`,
      {
        method: 'POST',
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(delayBodyMs > 0 ? { expect: '100-continue' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          const contentType = String(res.headers['content-type']);
          const code = contentType.includes('json') && text ? JSON.parse(text).code : undefined;
          resolve({ electionId, status: res.statusCode ?? 0, code, contentType });
        });
        res.on('error', (error) => resolve({ electionId, status: null, error: error.message }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ electionId, status: null, error: error.code ?? error.message }),
    );
    if (delayBodyMs === 0) {
      req.end(body);
    } else {
      // Half the body now, the rest later: the request is in flight for that long.
      req.on('continue', () => {
        onHead();
        req.write(body.slice(0, 100));
        setTimeout(() => req.end(body.slice(100)), delayBodyMs);
      });
      req.flushHeaders();
    }
  });
}

describe('graceful shutdown (SIGTERM)', () => {
  let db: TestDatabase;
  beforeAll(async () => (db = await createTestDatabase('shutdown')));
  afterAll(() => db.drop());

  it('finishes the appends in flight, refuses new ones cleanly, ends live streams with a retry hint, exits 0 within 10 s', async () => {
    const api = await startApiProcess({ DATABASE_URL: db.url, PROJECTIONS: 'inline' });
    const token = await processAdminToken();
    const live = smallElection('gs-live');
    expect((await http('POST', `${api.url}/elections`, live)).status).toBe(201);
    const stream = await SseClient.connect(`${api.url}/elections/${live.electionId}/live`);
    expect(stream.status).toBe(200);
    await stream.waitFor((m) => m.event === 'snapshot');

    // Load: 6 clients, each sending one election after another until the server stops answering.
    const outcomes: Outcome[] = [];
    let sent = 0;
    let stop = false;
    const client = async () => {
      while (!stop) {
        const outcome = await defineElection(api.url, token, `gs-${sent++}`);
        outcomes.push(outcome);
        if (outcome.status === null) return;
      }
    };
    const clients = Array.from({ length: 6 }, client);
    while (outcomes.filter((o) => o.status === 201).length < 20) await new Promise((r) => setTimeout(r, 20));
    // One request whose body is still arriving when SIGTERM comes: it must get its 201, not a cut connection.
    let headRead!: () => void;
    const headArrived = new Promise<void>((r) => (headRead = r));
    const slow = defineElection(api.url, token, 'gs-slow', 1500, headRead);
    await headArrived; // the server has read the slow request's head (it answered 100 Continue)
    const signalledAt = Date.now();
    api.child.kill('SIGTERM');
    const exitCode = await api.exited;
    const exitedAfterMs = Date.now() - signalledAt;
    stop = true;
    await Promise.all(clients);
    const slowOutcome = await slow;

    expect(exitCode).toBe(0);
    expect(exitedAfterMs).toBeLessThan(10_000);
    expect(slowOutcome).toMatchObject({ status: 201 });

    // The live stream was told to come back (retry: field) and why, then closed.
    expect(stream.messages.find((m) => m.event === 'reconnect')).toMatchObject({
      data: { reason: 'shutdown' },
    });
    expect(stream.retries.length).toBeGreaterThanOrEqual(2); // the one at connect, the one of the farewell
    for (let i = 0; i < 150 && !stream.closed; i++) await new Promise((r) => setTimeout(r, 100));
    expect(stream.closed).toBe(true);

    // Every answer during the drain is 201 or a problem+json 503 (SERVICE.SHUTTING_DOWN), never anything else.
    const answered = outcomes.filter((o) => o.status !== null);
    for (const outcome of answered) {
      if (outcome.status === 201) continue;
      expect(outcome).toMatchObject({ status: 503, code: 'SERVICE.SHUTTING_DOWN' });
      expect(outcome.contentType).toMatch(/^application\/problem\+json/);
    }
    // What got no answer was never accepted: refused, or reset while still in the listen backlog (checked below:
    // not stored, so not cut after it was read).
    for (const outcome of outcomes.filter((o) => o.status === null)) {
      expect(['ECONNREFUSED', 'ECONNRESET']).toContain(outcome.error);
    }

    // Every 201 is stored; nothing refused or unanswered is.
    const store = new PostgresEventStore(db.url);
    try {
      const stored = new Set((await store.readAll({ maxCount: 100_000 })).map((e) => e.streamId));
      for (const outcome of [...outcomes, slowOutcome]) {
        expect([outcome.electionId, stored.has(electionStreamId(outcome.electionId))]).toEqual([
          outcome.electionId,
          outcome.status === 201,
        ]);
      }
    } finally {
      await store.close();
    }
    expect(api.output()).toContain('SIGTERM: shutting down');
    expect(api.output()).toContain('Projections stopped');
  }, 120_000);
});
