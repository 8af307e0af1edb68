export { formatSlack, escapeSlack, SLACK_LIMIT } from './slack';
export { formatDiscord, escapeDiscord, DISCORD_LIMIT } from './discord';
export { formatTelegram, escapeTelegram, TELEGRAM_LIMIT } from './telegram';
export { formatSignal, SIGNAL_LIMIT } from './signal';
export { formatWebhook, type WebhookPayload } from './webhook';
export { formatNotification } from './notifications';
