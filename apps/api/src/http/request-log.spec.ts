import pino from 'pino';
import { type RequestSummary, requestLogLine } from './request-log';

function linesAt(status: number): Array<{ level: string; status: number }> {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => void lines.push(line) },
  );
  const summary: RequestSummary = {
    requestId: 'r',
    correlationId: 'c',
    method: 'GET',
    route: '/elections/:electionId/results/city',
    url: '/elections/e/results/city?atPosition=2',
    status,
    latencyMs: 1,
    actorId: 'anonymous',
  };
  requestLogLine(logger)(summary);
  return lines.map((line) => JSON.parse(line) as { level: string; status: number });
}

describe('the request log line', () => {
  it('is debug for an answer, error for a server fault, warn for a 503 that asks to come back later', () => {
    expect(linesAt(201)).toMatchObject([{ level: 'debug', status: 201 }]);
    expect(linesAt(404)).toMatchObject([{ level: 'debug', status: 404 }]);
    expect(linesAt(500)).toMatchObject([{ level: 'error', status: 500 }]);
    expect(linesAt(502)).toMatchObject([{ level: 'error', status: 502 }]);
    // Back-pressure, not a fault: time travel busy, read models behind, the instance draining (all with Retry-After).
    expect(linesAt(503)).toMatchObject([{ level: 'warn', status: 503 }]);
  });
});
