import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { masker } from './channels/http';
import { Channel, DeliveryError } from './channels/types';
import { DueDelivery } from './DeliveryStore';

// Small parts of sending a delivery, apart from the outbox's state machine.

/** Rows left for a channel that was removed from config: they die with a reason, not silently. */
export function unconfigured(name: string): Channel {
  return {
    name,
    type: 'webhook', // not `notifications`, so the owner is told through notifications

    send: async () => {
      throw new DeliveryError(
        `channel "${name}" is no longer configured under hermes.delivery.channels`,
        { retryable: false },
      );
    },
  };
}

export async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
}

/**
 * Masks every secret of the configured channels in a text. Channels mask their own errors;
 * this second pass keeps an unexpected error (a library's, a bug's) from carrying a token into
 * the database, a log or the API.
 */
export function secretMasker(config: Config): (text: string) => string {
  const secrets = new Set<string>();
  const channels = config.getOptionalConfig('hermes.delivery.channels');
  for (const name of channels?.keys() ?? []) {
    const channel = channels!.getConfig(name);
    for (const key of ['token', 'botToken', 'secret', 'webhookUrl']) {
      const value = channel.getOptional(key);
      if (typeof value === 'string' && value.length >= 6) secrets.add(value);
    }
    // A Discord webhook URL's last segment is its token, also when quoted alone.
    const hook = channel.getOptional('webhookUrl');
    if (typeof hook === 'string')
      for (const part of hook.split(/[/?&=]/))
        if (part.length >= 20) secrets.add(part);
  }
  return masker([...secrets]);
}

function isEntityRef(ref: string) {
  try {
    parseEntityRef(ref);
    return ref.includes(':');
  } catch {
    return false;
  }
}

/**
 * Tells the task's owner, through Backstage notifications, that a delivery is dead. A dead
 * notifications channel cannot carry the news of its own failure, and a task declared in
 * config has no owner entity: those are logged as errors instead.
 */
export async function tellOwner(options: {
  notifications: NotificationService;
  logger: LoggerService;
  channel: Channel;
  delivery: DueDelivery;
  attempts: number;
  error: string;
  mask: (text: string) => string;
}) {
  const { channel, delivery, attempts, error, logger } = options;
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}`;
  const what = `Delivery ${delivery.id} of "${delivery.report.title}" (task ${delivery.taskId}) to ${channel.name} is dead after ${tries}: ${error}`;
  if (channel.type === 'notifications' || !isEntityRef(delivery.owner)) {
    logger.error(what);
    return;
  }
  logger.warn(what);
  try {
    await options.notifications.send({
      recipients: { type: 'entity', entityRef: delivery.owner },
      payload: {
        title: `Hermes could not deliver "${delivery.report.title}" to ${channel.name}`,
        description: `${error} (gave up after ${tries}; retry it from the task's run history)`,
        link: delivery.report.link,
        severity: 'high',
        topic: 'hermes-delivery',
      },
    });
  } catch (notifyError) {
    logger.error(
      `${what}; telling ${delivery.owner} failed too: ${options.mask(
        String(notifyError),
      )}`,
    );
  }
}
