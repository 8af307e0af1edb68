import { hostileReport } from '../../__testUtils__/deliveryReports';
import { formatWebhook } from './webhook';

describe('webhook JSON', () => {
  it('is the report model itself with the delivery id and time', () => {
    const report = hostileReport();
    const body = formatWebhook(report, {
      deliveryId: 'd-1',
      time: new Date('2026-05-23T12:00:05Z'),
    });
    expect(JSON.parse(body)).toEqual({
      deliveryId: 'd-1',
      sentAt: '2026-05-23T12:00:05.000Z',
      report,
    });
  });
});
