import { FieldChange } from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import { useTheme } from '@mui/material/styles';
import { useMemo } from 'react';
import ReactDiffViewer, { DiffMethod } from 'react-diff-viewer-continued';
import { fieldYaml } from './fieldYaml';

/**
 * Desired (Git) and live side by side, as YAML of only the declared fields that differ.
 * The diff runs on the main thread: these documents are a few lines, and a worker from a
 * blob URL is what a strict Content-Security-Policy blocks.
 */
export function FieldDiff(props: { changes: FieldChange[]; label: string }) {
  const { changes, label } = props;
  const theme = useTheme();
  const { desired, live } = useMemo(() => fieldYaml(changes), [changes]);
  return (
    <Box
      role="region"
      aria-label={label}
      sx={{
        overflowX: 'auto',
        fontSize: '0.8125rem',
        '& pre': { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
      }}
    >
      {/* Titles of our own: the viewer's title row overlapped its first line in Chromium. */}
      <Box
        sx={{
          display: 'grid',
          gridTemplateColumns: '1fr 1fr',
          typography: 'caption',
          color: 'text.secondary',
          mb: 0.5,
        }}
      >
        <span>Desired (Git)</span>
        <span>Live (cluster)</span>
      </Box>
      <ReactDiffViewer
        oldValue={desired}
        newValue={live}
        splitView
        compareMethod={DiffMethod.WORDS}
        showDiffOnly={false}
        hideSummary
        disableWorker
        useDarkTheme={theme.palette.mode === 'dark'}
      />
    </Box>
  );
}
