import ContentCopyIcon from '@mui/icons-material/ContentCopy';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { Hint } from './hints';

/** A hint: what it does, and its command in a block with a button that copies it. */
export function CopyableHint(props: { hint: Hint }) {
  const { title, note, command } = props.hint;
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command ?? '');
      setCopied('yes');
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text stays selectable.
      setCopied('failed');
    }
  };
  return (
    <Box sx={{ minWidth: 0 }} role="group" aria-label={title}>
      <Typography variant="subtitle2" component="h5">
        {title}
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 0.5 }}>
        {note}
      </Typography>
      {command && (
        <Box
          sx={{
            display: 'flex',
            alignItems: 'flex-start',
            gap: 1,
            bgcolor: 'action.hover',
            borderRadius: 1,
            p: 1,
          }}
        >
          <Box
            component="pre"
            aria-label={`${title} command`}
            sx={{
              m: 0,
              flex: 1,
              minWidth: 0,
              fontFamily: 'monospace',
              fontSize: '0.8125rem',
              whiteSpace: 'pre-wrap',
              // Long names break at any point rather than widening the page.
              overflowWrap: 'anywhere',
            }}
          >
            {command}
          </Box>
          <Button
            size="small"
            startIcon={<ContentCopyIcon fontSize="small" />}
            aria-label={`Copy ${title.toLowerCase()} command`}
            onClick={copy}
            sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}
          >
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </Button>
        </Box>
      )}
      {copied === 'failed' && (
        <Typography variant="caption" color="error" role="alert">
          Could not reach the clipboard; select the text to copy it.
        </Typography>
      )}
    </Box>
  );
}
