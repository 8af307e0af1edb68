import { formatUtc } from './time';

describe('formatUtc', () => {
  it.each([
    { name: 'a Date', time: new Date(Date.UTC(2026, 10, 25, 9, 30, 59)) },
    { name: 'an ISO string in UTC', time: '2026-11-25T09:30:59.123Z' },
    { name: 'an ISO string with an offset', time: '2026-11-25T10:30:59+01:00' },
  ])('shows $name in UTC to the minute', ({ time }) => {
    expect(formatUtc(time)).toBe('2026-11-25 09:30 UTC');
  });

  it('shows text that is not a time as given', () => {
    expect(formatUtc('yesterday')).toBe('yesterday');
  });
});
