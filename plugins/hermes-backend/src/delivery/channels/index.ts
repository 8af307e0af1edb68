import { Config } from '@backstage/config';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { DeliveryChannelType } from '@hermes-backstage/plugin-hermes-common';
import { createDiscordChannel } from './discord';
import { DEFAULT_TIMEOUT_MS } from './http';
import { createNotificationsChannel } from './notifications';
import { createSignalChannel } from './signal';
import { createSlackChannel } from './slack';
import { createTelegramChannel } from './telegram';
import { Channel } from './types';
import { createWebhookChannel } from './webhook';

export * from './types';

/** The settings each type takes; any other key is a mistake worth stopping for. */
const SETTINGS: Record<DeliveryChannelType, string[]> = {
  slack: ['token', 'channel', 'baseUrl'],
  discord: ['webhookUrl'],
  telegram: ['botToken', 'chatId', 'baseUrl'],
  signal: ['baseUrl', 'number', 'recipients'],
  webhook: ['url', 'secret'],
  notifications: ['recipients', 'owners'],
};
const TYPES = Object.keys(SETTINGS) as DeliveryChannelType[];

/** Reads one channel's settings, each error naming the exact key. */
function settingsReader(config: Config, prefix: string, type: string) {
  const key = (name: string) => `${prefix}.${name}`;
  const required = (name: string, why = '') => {
    const value = config.getOptionalString(name)?.trim();
    if (!value)
      throw new Error(`${key(name)} is required for type ${type}${why}`);
    return value;
  };
  const url = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol))
      // The value itself is not shown: a webhook URL holds a token.
      throw new Error(`${key(name)} must be an http(s) URL`);
    return value;
  };
  const list = (name: string) => {
    const values = config.getOptionalStringArray(name) ?? [];
    if (values.some(v => !v.trim()))
      throw new Error(`${key(name)} must not contain empty entries`);
    return values;
  };
  return { key, required, url, list };
}

function readChannel(
  name: string,
  config: Config,
  deps: { notifications: NotificationService; timeoutMs: number },
): Channel {
  const prefix = `hermes.delivery.channels.${name}`;
  const type = config.getOptionalString('type');
  if (!type)
    throw new Error(
      `${prefix}.type is required; accepted types: ${TYPES.join(', ')}`,
    );
  if (!TYPES.includes(type as DeliveryChannelType))
    throw new Error(
      `${prefix}.type "${type}" is not a delivery channel type; accepted types: ${TYPES.join(
        ', ',
      )}`,
    );
  const allowed = SETTINGS[type as DeliveryChannelType];
  for (const k of config.keys())
    if (k !== 'type' && !allowed.includes(k))
      throw new Error(
        `${prefix}.${k} does not apply to type ${type}; its settings are ${allowed.join(
          ', ',
        )}`,
      );
  const { key, required, url, list } = settingsReader(config, prefix, type);
  const { timeoutMs } = deps;
  const baseUrl = url('baseUrl', config.getOptionalString('baseUrl'));
  switch (type as DeliveryChannelType) {
    case 'slack':
      return createSlackChannel({
        name,
        token: required('token'),
        channel: required('channel'),
        baseUrl,
        timeoutMs,
      });
    case 'discord':
      return createDiscordChannel({
        name,
        webhookUrl: url('webhookUrl', required('webhookUrl'))!,
        timeoutMs,
      });
    case 'telegram':
      return createTelegramChannel({
        name,
        botToken: required('botToken'),
        chatId: required('chatId'),
        baseUrl,
        timeoutMs,
      });
    case 'signal': {
      const recipients = list('recipients');
      if (!recipients.length)
        throw new Error(
          `${key(
            'recipients',
          )} is required for type signal (at least one number or group id)`,
        );
      return createSignalChannel({
        name,
        baseUrl: url(
          'baseUrl',
          required('baseUrl', ' (the signal-cli REST API)'),
        )!,
        number: required('number'),
        recipients,
        timeoutMs,
      });
    }
    case 'webhook':
      return createWebhookChannel({
        name,
        url: url('url', required('url'))!,
        secret: required(
          'secret',
          ' (receivers verify X-Hermes-Signature-256 with it)',
        ),
        timeoutMs,
      });
    default: {
      const recipients = list('recipients');
      recipients.forEach((ref, i) => {
        try {
          parseEntityRef(ref);
        } catch {
          throw new Error(
            `${key(
              `recipients[${i}]`,
            )} "${ref}" is not an entity ref (e.g. user:default/ana, group:default/ops)`,
          );
        }
      });
      const owners = config.getOptionalBoolean('owners') ?? false;
      if (!recipients.length && !owners)
        throw new Error(
          `${prefix} needs recipients or owners: true for type notifications`,
        );
      return createNotificationsChannel({
        name,
        recipients,
        owners,
        notifications: deps.notifications,
        timeoutMs,
      });
    }
  }
}

/**
 * The channels configured under `hermes.delivery.channels`, by name. Throws at start-up on
 * the first missing or wrong setting, naming its key, so a typo never becomes a report that
 * silently goes nowhere.
 */
export function readChannels(
  config: Config,
  deps: { notifications: NotificationService; timeoutMs?: number },
): Map<string, Channel> {
  const channels = new Map<string, Channel>();
  const section = config.getOptionalConfig('hermes.delivery.channels');
  for (const name of section?.keys() ?? [])
    channels.set(
      name,
      readChannel(name, section!.getConfig(name), {
        notifications: deps.notifications,
        timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      }),
    );
  return channels;
}
