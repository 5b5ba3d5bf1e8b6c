import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  /** Lower-case names; a repeated header keeps its last value. */
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are over a fresh TCP connection and reads one HTTP/1.1 response. Unlike fetch or node:http it
 * sends anything: header blocks past Node's 16 KiB limit, thousands of headers, malformed request lines. Resolves
 * with null when the server closes the connection without answering. 1xx interim responses are skipped; an
 * event stream is returned as soon as its head arrives.
 */
export function rawRequest(port: number, request: string, timeoutMs = 10_000): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (response: RawResponse | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(response);
    };
    const timer = setTimeout(() => {
      settled = true;
      socket.destroy();
      reject(new Error(`no complete response within ${timeoutMs} ms:\n${received.toString('latin1')}`));
    }, timeoutMs);
    // The server may answer and close before it has read everything (a 431 stops reading): not an error.
    socket.on('error', () => finish(parseResponse(received, true)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const response = parseResponse(received, false);
      if (response) finish(response);
    });
    socket.on('end', () => finish(parseResponse(received, true)));
    socket.on('close', () => finish(parseResponse(received, true)));
    socket.write(request, 'latin1');
  });
}

/** A complete response in `data`, or null; `ended`: the connection is closed, take what there is. */
function parseResponse(data: Buffer, ended: boolean): RawResponse | null {
  let text = data.toString('latin1');
  // Interim 1xx responses (100 Continue) come before the real one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(text) && text.includes('\r\n\r\n')) {
    text = text.slice(text.indexOf('\r\n\r\n') + 4);
  }
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(match[1]);
  const rest = Buffer.from(text.slice(headEnd + 4), 'latin1');
  if (String(headers['content-type']).startsWith('text/event-stream')) {
    return { status, headers, body: '' };
  }
  if (headers['transfer-encoding'] === 'chunked') {
    const body = dechunk(rest);
    if (body === null) return ended ? { status, headers, body: rest.toString('utf8') } : null;
    return { status, headers, body };
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  if (status === 204 || status === 304) return { status, headers, body: '' };
  if (length !== undefined && rest.length >= length) {
    return { status, headers, body: rest.subarray(0, length).toString('utf8') };
  }
  return ended ? { status, headers, body: rest.toString('utf8') } : null;
}

function dechunk(data: Buffer): string | null {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset, 'latin1');
    if (lineEnd < 0) return null;
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return null;
    if (size === 0) return Buffer.concat(parts).toString('utf8');
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return null;
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}
