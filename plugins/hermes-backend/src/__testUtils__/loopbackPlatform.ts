import http from 'node:http';
import { AddressInfo } from 'node:net';

/*
 * The machinery under every loopback platform server (see platformServers.ts): one HTTP
 * server on 127.0.0.1, faults injected in order or at a seeded random rate, accepted
 * messages recorded in order.
 */

export type Fault =
  | { status: 429; retryAfter: number }
  | { status: 500 | 502 | 503 }
  | { status: 400 | 401 | 403 | 404 }
  | { malformed: true }
  | { hang: true };

export interface PlatformServer {
  /** Base URL to configure (discord: the full webhook URL; webhook: the target URL). */
  url: string;
  /** Accepted messages, in order. */
  received: Array<{
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: any;
  }>;
  /** Every request, failed ones included. */
  requests: number;
  /** The next requests answer with these faults, in order. */
  failNext(...faults: Fault[]): void;
  /** Deterministic pseudo-random faults: each request fails with probability `rate`. */
  failRandomly(rate: number, faults: Fault[], seed?: number): void;
  close(): Promise<void>;
}

export interface Incoming {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** Sent as is (HTML error pages, broken JSON). */
  text?: string;
  headers?: Record<string, string>;
  /** Counts as an accepted message: recorded in `received`. */
  accepted?: boolean;
}

export interface Platform {
  /** Path prefix the base URL points at. */
  base: string;
  fault(fault: Exclude<Fault, { malformed: true } | { hang: true }>): Answer;
  handle(request: Incoming, count: number): Answer;
}

/** A small seeded generator (mulberry32): the same seed fails the same requests. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function parseBody(raw: string, type: string | undefined): any {
  if (!raw) return undefined;
  if (type?.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export async function startPlatform(
  platform: Platform,
): Promise<PlatformServer> {
  const queued: Fault[] = [];
  let random: { rate: number; faults: Fault[]; next: () => number } | undefined;
  let accepted = 0;
  const state: PlatformServer = {
    url: '',
    received: [],
    requests: 0,
    failNext: (...faults) => void queued.push(...faults),
    failRandomly: (rate, faults, seed = 1) => {
      random = { rate, faults, next: seeded(seed) };
    },
    close: async () => {
      // eslint-disable-next-line @typescript-eslint/no-use-before-define
      const listening = server;
      listening.closeAllConnections(); // hung requests included
      await new Promise(resolve => listening.close(resolve));
    },
  };
  const nextFault = (): Fault | undefined => {
    if (queued.length) return queued.shift();
    if (random && random.faults.length && random.next() < random.rate)
      return random.faults[Math.floor(random.next() * random.faults.length)];
    return undefined;
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', chunk => (raw += chunk));
    req.on('end', () => {
      state.requests += 1;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const fault = nextFault();
      if (fault && 'hang' in fault) return; // never answers: the client's timeout must fire
      let answer: Answer;
      if (fault && 'malformed' in fault)
        answer = { status: 200, text: '{"ok": tru', accepted: false };
      else if (fault) answer = platform.fault(fault);
      else {
        const request: Incoming = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          raw,
          body: parseBody(raw, req.headers['content-type']),
        };
        answer = platform.handle(request, accepted + 1);
        if (answer.accepted) {
          accepted += 1;
          state.received.push({
            path: url.pathname,
            headers: { ...req.headers },
            body: request.body,
          });
        }
      }
      const text =
        answer.text ??
        (answer.body === undefined ? '' : JSON.stringify(answer.body));
      res.writeHead(answer.status, {
        'content-type':
          answer.text && !answer.text.startsWith('{')
            ? 'text/html'
            : 'application/json; charset=utf-8',
        ...answer.headers,
      });
      res.end(text);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}${platform.base}`;
  return state;
}
