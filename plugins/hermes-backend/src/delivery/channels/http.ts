import { DeliveryError } from './types';

/** Time one HTTP send may take, unless `hermes.delivery.timeout` says otherwise. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/** The longest rate-limit wait taken between the parts of one report before giving up. */
const MAX_WAIT_BETWEEN_PARTS_MS = 5_000;

/** Every secret replaced by `***`, so no error, log or stored message carries one. */
export function masker(secrets: Array<string | undefined>) {
  const values = secrets
    .filter((s): s is string => !!s && s.length >= 4)
    // The longest first, so a URL is masked whole before its token is.
    .sort((a, b) => b.length - a.length);
  return (text: string) =>
    values.reduce((out, secret) => out.split(secret).join('***'), text);
}

export function seconds(ms: number) {
  return `${Math.round(ms / 100) / 10} s`;
}

/** `Retry-After` as milliseconds: seconds or an HTTP date. */
export function retryAfterHeader(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Statuses a later attempt may get past: timeouts, rate limits, server errors. */
export function retryableStatus(status: number) {
  return status === 408 || status === 429 || status >= 500;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

/**
 * One HTTP request with a deadline covering the answer's body too. A timeout or a network
 * failure is a retryable DeliveryError that names `what` (the channel) and never the URL,
 * which may hold a token.
 */
export async function httpRequest(
  url: string,
  init: RequestInit,
  options: { what: string; timeoutMs: number; mask: (text: string) => string },
): Promise<HttpAnswer> {
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'error', // a redirect could carry the body and its token elsewhere
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      text,
    };
  } catch (error: any) {
    if (error?.name === 'TimeoutError' || error?.name === 'AbortError')
      throw new DeliveryError(
        `${options.what}: timed out after ${seconds(options.timeoutMs)}`,
        { retryable: true },
      );
    const cause = error?.cause?.code ?? error?.cause?.message ?? error?.message;
    throw new DeliveryError(
      options.mask(`${options.what}: could not connect (${cause})`),
      { retryable: true },
    );
  }
}

/** The answer's JSON; an answer that is not JSON is a retryable error that says so. */
export function parseJson(answer: HttpAnswer, what: string): any {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new DeliveryError(
      `${what}: malformed answer (HTTP ${answer.status}, not JSON)`,
      { retryable: true },
    );
  }
}

/** Cuts text from a platform's answer to a length that fits in an error message. */
export function brief(text: string, max = 200) {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/**
 * Sends the parts of one report in order and returns the first part's id. A short rate-limit
 * wait between parts is taken here, so a report is not sent again from the start (which
 * would repeat the parts already posted); any other failure stops the send and says how many
 * parts got through, for the outbox to retry.
 */
export async function sendParts<T>(
  parts: T[],
  sendOne: (
    part: T,
    index: number,
    firstId?: string,
  ) => Promise<string | undefined>,
): Promise<{ messageId?: string }> {
  let firstId: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    for (let attempt = 1; ; attempt++) {
      try {
        const id = await sendOne(parts[i], i, firstId);
        if (i === 0) firstId = id;
        break;
      } catch (error) {
        const wait =
          error instanceof DeliveryError
            ? error.options.retryAfterMs
            : undefined;
        if (
          i > 0 &&
          attempt < 3 &&
          wait !== undefined &&
          wait <= MAX_WAIT_BETWEEN_PARTS_MS
        ) {
          await new Promise(resolve => setTimeout(resolve, wait));
          continue;
        }
        if (i > 0 && error instanceof DeliveryError)
          throw new DeliveryError(
            `${error.message} (after ${i} of ${parts.length} parts were sent)`,
            error.options,
          );
        throw error;
      }
    }
  }
  return { messageId: firstId };
}

/** `work`, or a retryable DeliveryError with `message` once `ms` have passed. */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  message = `no answer within ${Math.round(ms / 1000)} s`,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeliveryError(message, { retryable: true })),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
