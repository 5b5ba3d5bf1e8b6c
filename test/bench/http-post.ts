import { Agent, request } from 'node:http';

export interface JsonAnswer {
  status: number;
  body: string;
}

/**
 * POSTs JSON over kept-alive connections with node:http. The bench's clients share two cores with the api, the
 * projector and PostgreSQL, so they should cost as little as they can: node:http takes about a third of the CPU per
 * request that fetch (undici) takes here, and every millisecond the clients spend is one the api cannot.
 */
export class JsonPoster {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(base: string, connections: number) {
    this.url = new URL(base);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  post(path: string, body: string, headers: Record<string, string> = {}): Promise<JsonAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
