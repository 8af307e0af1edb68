import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

/** A labelled value as indented JSON, scrolling when long (a tool call's input or output). */
export function Json(props: { label: string; value: unknown }) {
  return (
    <Box sx={{ mb: 1 }}>
      <Typography variant="caption" color="text.secondary">
        {props.label}
      </Typography>
      <Box
        component="pre"
        sx={{
          m: 0,
          fontFamily: 'monospace',
          fontSize: 12,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
          maxHeight: 320,
          overflow: 'auto',
        }}
      >
        {JSON.stringify(props.value, null, 2)}
      </Box>
    </Box>
  );
}
