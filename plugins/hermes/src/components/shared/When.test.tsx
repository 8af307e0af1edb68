import { fireEvent, render, screen } from '@testing-library/react';
import { relativeTime, When } from './When';

const NOW = Date.parse('2026-11-24T13:00:00Z');

describe('relativeTime', () => {
  it.each([
    {
      name: 'seconds ago as just now',
      at: '2026-11-24T12:59:30Z',
      text: 'just now',
    },
    { name: 'minutes ago', at: '2026-11-24T12:48:00Z', text: '12 min ago' },
    { name: 'hours ago, rounded', at: '2026-11-24T09:40:00Z', text: '3 h ago' },
    { name: 'days ago', at: '2026-11-21T13:00:00Z', text: '3 d ago' },
    { name: 'a future time', at: '2026-11-24T13:20:00Z', text: 'in 20 min' },
    {
      name: 'over a month ago as its UTC date',
      at: '2026-09-01T08:00:00Z',
      text: '2026-09-01',
    },
    {
      name: 'text that is not a time as given',
      at: 'yesterday',
      text: 'yesterday',
    },
  ])('shows $name', ({ at, text }) => {
    expect(relativeTime(at, NOW)).toBe(text);
  });
});

describe('When', () => {
  afterEach(() => jest.restoreAllMocks());

  it('shows how long ago, and the exact UTC time on hover', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    render(<When at="2026-11-24T09:58:00+00:00" />);

    const time = screen.getByText('3 h ago');
    expect(time).toHaveAttribute('datetime', '2026-11-24T09:58:00.000Z');
    expect(time).toHaveAttribute('title', '2026-11-24 09:58 UTC');
    fireEvent.mouseOver(time);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      '2026-11-24 09:58 UTC',
    );
  });

  it('takes the clock it is given', () => {
    render(<When at="2026-11-24T12:00:00Z" now={NOW} />);
    expect(screen.getByText('1 h ago')).toBeInTheDocument();
  });
});
