import { ResponseError } from '@backstage/errors';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { formatNotification } from '../format/notifications';
import { retryableStatus, seconds, withDeadline } from './http';
import { Channel, DeliveryError } from './types';

export interface NotificationsSettings {
  name: string;
  /** User or group entity refs. */
  recipients: string[];
  /** Also the owners of the task's entity (the task's owner when it has none). */
  owners: boolean;
  notifications: NotificationService;
  timeoutMs: number;
}

/**
 * Backstage notifications. The scope is the delivery id: Backstage updates a notification
 * sent again with the same scope instead of adding one, so a retry never shows twice.
 */
export function createNotificationsChannel(
  settings: NotificationsSettings,
): Channel {
  const what = `notifications ${settings.name}`;
  return {
    name: settings.name,
    type: 'notifications',
    async send(request) {
      const entityRef = [
        ...settings.recipients,
        // Backstage resolves a non-user entity to its owners.
        ...(settings.owners ? [request.entityRef ?? request.owner] : []),
      ];
      const { title, description, link, severity } = formatNotification(
        request.report,
      );
      try {
        await withDeadline(
          settings.notifications.send({
            recipients: { type: 'entity', entityRef: [...new Set(entityRef)] },
            payload: {
              title,
              description,
              link,
              severity,
              topic: 'hermes-task',
              scope: `hermes:delivery:${request.deliveryId}`,
            },
          }),
          settings.timeoutMs,
          `${what}: timed out after ${seconds(settings.timeoutMs)}`,
        );
      } catch (error: any) {
        if (error instanceof DeliveryError) throw error;
        const status = ResponseError.is(error) ? error.statusCode : undefined;
        throw new DeliveryError(`${what}: ${error?.message ?? error}`, {
          retryable: status === undefined || retryableStatus(status),
        });
      }
      return {};
    },
  };
}
