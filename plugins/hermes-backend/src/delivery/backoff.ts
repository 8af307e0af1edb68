import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';

/** How the outbox retries, from `hermes.delivery.retry` and `hermes.delivery.timeout`. */
export interface RetryPolicy {
  /** Attempts before a delivery is dead. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** How long one request to a platform may take. */
  timeoutMs: number;
}

const DEFAULTS: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 30_000,
  maxDelayMs: 3_600_000,
  timeoutMs: 15_000,
};

function durationMs(config: Config, key: string, fallback: number) {
  if (!config.has(key)) return fallback;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0))
    throw new InputError(`${key} must be a positive duration, got ${ms} ms`);
  return ms;
}

export function readRetryPolicy(config: Config): RetryPolicy {
  const maxAttempts =
    config.getOptionalNumber('hermes.delivery.retry.maxAttempts') ??
    DEFAULTS.maxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new InputError(
      `hermes.delivery.retry.maxAttempts must be a whole number of at least 1, got ${maxAttempts}`,
    );
  const policy: RetryPolicy = {
    maxAttempts,
    initialDelayMs: durationMs(
      config,
      'hermes.delivery.retry.initialDelay',
      DEFAULTS.initialDelayMs,
    ),
    maxDelayMs: durationMs(
      config,
      'hermes.delivery.retry.maxDelay',
      DEFAULTS.maxDelayMs,
    ),
    timeoutMs: durationMs(
      config,
      'hermes.delivery.timeout',
      DEFAULTS.timeoutMs,
    ),
  };
  if (policy.maxDelayMs < policy.initialDelayMs)
    throw new InputError(
      'hermes.delivery.retry.maxDelay must not be shorter than hermes.delivery.retry.initialDelay',
    );
  return policy;
}

/**
 * The wait before the next attempt after `attempts` failed ones: `initialDelay` doubling per
 * attempt up to `maxDelay`, spread ±20% so deliveries that failed together (a platform outage)
 * do not all come back in the same instant.
 */
export function backoffMs(
  attempts: number,
  policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * 2 ** exponent,
  );
  return Math.round(Math.min(policy.maxDelayMs, base * (0.8 + 0.4 * random())));
}
