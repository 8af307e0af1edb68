import Typography from '@mui/material/Typography';
import { formatInZone } from './format';

/** The next run times of a schedule, in its own zone. */
export function NextRuns(props: { next: string[]; timezone: string }) {
  if (props.next.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No upcoming runs (disabled).
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="caption" color="text.secondary">
        Next runs
      </Typography>
      <Typography
        component="ol"
        variant="body2"
        aria-label="Next runs"
        sx={{ m: 0, pl: 3 }}
      >
        {props.next.map(time => (
          <li key={time}>{formatInZone(time, props.timezone)}</li>
        ))}
      </Typography>
    </>
  );
}
