/** An error the CLI reports in one line and ends with `exitCode` (2 unless said otherwise). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'CliError';
  }
}

/** A small client for the Hermes REST API of one portal, with one token. */
export interface Portal {
  /** The plugin's base URL, e.g. http://localhost:7007/api/hermes */
  readonly baseUrl: string;
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Reads the portal URL (`--portal` or HERMES_PORTAL_URL) and the token (HERMES_TOKEN).
 * Missing either is a usage error that says what to set; the token is never printed.
 */
export function connectPortal(
  portalOption: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Portal {
  const portal = portalOption ?? env.HERMES_PORTAL_URL;
  if (!portal) {
    throw new CliError(
      "no portal given: pass --portal <url> (the Backstage backend's base URL, e.g. http://localhost:7007) or set HERMES_PORTAL_URL",
    );
  }
  const token = env.HERMES_TOKEN?.trim();
  if (!token) {
    throw new CliError(
      'no token: set HERMES_TOKEN to a Backstage token (a static external-access token from backend.auth.externalAccess, or a user token)',
    );
  }
  let url: URL;
  try {
    url = new URL(portal);
  } catch {
    throw new CliError(
      `--portal must be a URL such as http://localhost:7007, not "${portal}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`--portal must be an http(s) URL, not "${portal}"`);
  }
  // Accept both the backend's root and the plugin's own base URL.
  const root = url.toString().replace(/\/+$/, '');
  const baseUrl = root.endsWith('/api/hermes') ? root : `${root}/api/hermes`;
  // A server may echo the request back; the token must not reach the terminal that way.
  const scrub = (text: string) => text.split(token).join('***');

  return {
    baseUrl,
    async request<T>(method: string, path: string, body?: unknown) {
      const target = `${baseUrl}${path}`;
      let response: Response;
      try {
        response = await fetch(target, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        const e = error as Error & {
          cause?: { code?: string; message?: string };
        };
        const why =
          e.name === 'TimeoutError'
            ? `no answer within ${REQUEST_TIMEOUT_MS / 1000}s`
            : e.cause?.code ?? e.cause?.message ?? e.message;
        throw new CliError(`cannot reach the portal at ${baseUrl}: ${why}`);
      }
      const text = scrub(await response.text());
      let json: any;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        throw new CliError(
          `${method} ${target} answered ${response.status} with something that is not JSON; is --portal the Backstage backend's base URL (e.g. http://localhost:7007)?`,
        );
      }
      if (response.ok) return json as T;
      throw new CliError(
        describeFailure(response.status, json, baseUrl, `${method} ${path}`),
      );
    },
  };
}

function describeFailure(
  status: number,
  json: any,
  baseUrl: string,
  call: string,
): string {
  const message: string | undefined =
    typeof json?.error?.message === 'string' ? json.error.message : undefined;
  if (status === 401) {
    return `the portal at ${baseUrl} refused the token in HERMES_TOKEN (401${
      message ? `: ${message}` : ''
    }) for ${call}; use a valid Backstage static external-access token or a current user token`;
  }
  if (status === 403) {
    // Backstage says which kind of principal a route refused; static tokens are services.
    const hint = /does not allow 'service' credentials/.test(message ?? '')
      ? '; this needs a user token, and HERMES_TOKEN holds a static (service) token'
      : '';
    return `not allowed: ${
      message ?? 'forbidden'
    } (403: the portal refused ${call} for the token in HERMES_TOKEN${hint})`;
  }
  if (message) return `${message} (${status} for ${call})`;
  return `the portal at ${baseUrl} answered ${status} for ${call}`;
}
