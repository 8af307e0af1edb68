import Typography from '@mui/material/Typography';

/** Text as written, in a monospace block: front matter, a whole SKILL.md. */
export function Monospace(props: { children: string }) {
  return (
    <Typography
      component="pre"
      variant="body2"
      sx={{
        fontFamily: 'monospace',
        whiteSpace: 'pre-wrap',
        m: 0,
        p: 1,
        bgcolor: 'action.hover',
        borderRadius: 1,
      }}
    >
      {props.children}
    </Typography>
  );
}
