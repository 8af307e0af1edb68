import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Classification,
  DriftAuditRecord,
  formatUtc,
} from '@hermes-backstage/plugin-hermes-common';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { errorText, When } from '../shared';

const PAGE_SIZES = [10, 25, 50];
/** How often the card re-reads the runs while one is running. */
const POLL_MS = 3000;

const CLASSIFICATIONS: Array<{
  key: Classification;
  color: 'error' | 'warning' | 'success';
}> = [
  { key: 'critical', color: 'error' },
  { key: 'unknown', color: 'warning' },
  { key: 'harmless', color: 'success' },
];

function withoutKey<T>(record: Record<string, T>, key: string) {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/** Where an audit's report page is: the Drift tab of the same page, with `audit`. */
export const reportLink = (id: string) =>
  `?tab=drift&audit=${encodeURIComponent(id)}`;

function Status(props: { audit: DriftAuditRecord }) {
  const { audit } = props;
  if (audit.status === 'running')
    return (
      <Stack direction="row" gap={1} alignItems="center">
        <CircularProgress
          size={14}
          aria-label={`Audit of ${audit.cluster} running`}
        />
        running
      </Stack>
    );
  return (
    <Typography
      variant="body2"
      color={audit.status === 'failed' ? 'error' : undefined}
      title={audit.error}
    >
      {audit.status}
    </Typography>
  );
}

function Counts(props: { audit: DriftAuditRecord }) {
  const { summary } = props.audit;
  if (!summary) return null;
  return (
    <Stack direction="row" gap={0.5} flexWrap="wrap">
      {CLASSIFICATIONS.map(({ key, color }) => (
        <Chip
          key={key}
          size="small"
          color={summary[key] > 0 ? color : 'default'}
          variant={summary[key] > 0 ? 'filled' : 'outlined'}
          label={`${summary[key]} ${key}`}
        />
      ))}
    </Stack>
  );
}

/**
 * Audit runs, newest first and paged, each linking to its report page; a button to run each
 * configured audit now. While a run is running the card re-reads the runs every few seconds.
 */
export function AuditsCard(props: { pollMs?: number }) {
  const { pollMs = POLL_MS } = props;
  const hermesApi = useApi(hermesApiRef);
  const [limit, setLimit] = useState(PAGE_SIZES[0]);
  const [offset, setOffset] = useState(0);
  const { value, loading, error, retry } = useAsyncRetry(
    () => hermesApi.listAudits({ limit, offset }),
    [hermesApi, limit, offset],
  );
  // Run-now requests still waiting for their audit to finish, and errors, by audit name.
  const [requested, setRequested] = useState<ReadonlySet<string>>(new Set());
  const [runErrors, setRunErrors] = useState<Record<string, string>>({});
  const audits = value?.audits ?? [];
  const anyRunning =
    requested.size > 0 || audits.some(a => a.status === 'running');

  // Waits for each answer before asking again; the timer goes with the card.
  useEffect(() => {
    if (!anyRunning || loading) return undefined;
    const timer = setTimeout(retry, pollMs);
    return () => clearTimeout(timer);
  }, [anyRunning, loading, retry, pollMs, value]);

  const run = async (name: string) => {
    // While the request waits the card polls, so the run's row shows up, running.
    setRequested(current => new Set(current).add(name));
    setRunErrors(current => withoutKey(current, name));
    setOffset(0);
    try {
      await hermesApi.runAudit(name);
    } catch (e) {
      setRunErrors(current => ({ ...current, [name]: errorText(e as Error) }));
    } finally {
      setRequested(current => {
        const next = new Set(current);
        next.delete(name);
        return next;
      });
      retry();
    }
  };

  if (loading && !value) return <Progress />;
  if (error && !value) return <ResponseErrorPanel error={error} />;
  const definitions = value?.definitions ?? [];
  const total = value?.total ?? offset + audits.length;
  const isRunning = (name: string) =>
    requested.has(name) ||
    audits.some(a => a.name === name && a.status === 'running');
  return (
    <InfoCard title="Drift audits">
      {definitions.length === 0 && (
        <Typography>No audits configured (hermes.audits).</Typography>
      )}
      <Stack direction="row" gap={1} flexWrap="wrap" sx={{ mb: 2 }}>
        {definitions.map(name => (
          <Button
            key={name}
            variant="outlined"
            startIcon={<PlayArrowIcon />}
            disabled={isRunning(name)}
            onClick={() => run(name)}
          >
            {isRunning(name) ? `Running ${name}…` : `Run ${name} now`}
          </Button>
        ))}
      </Stack>
      {Object.entries(runErrors).map(([name, text]) => (
        <Alert key={name} severity="error" sx={{ mb: 2 }}>
          {name}: {text}
        </Alert>
      ))}
      {error && <ResponseErrorPanel error={error} />}
      {audits.length === 0 ? (
        <Typography color="text.secondary">No audit has run yet.</Typography>
      ) : (
        <Table
          size="small"
          aria-label="Audit runs"
          sx={{
            // No word breaks inside a word (the page allows them for long values): names
            // wrap at hyphens, and the short columns keep to one line.
            '& th, & td': { overflowWrap: 'normal', wordBreak: 'normal' },
            '& .one-line': { whiteSpace: 'nowrap' },
          }}
        >
          <TableHead>
            <TableRow>
              <TableCell>Cluster</TableCell>
              <TableCell>Audit</TableCell>
              <TableCell className="one-line">Started</TableCell>
              <TableCell className="one-line">Trigger</TableCell>
              <TableCell className="one-line">Status</TableCell>
              <TableCell>Findings</TableCell>
              <TableCell className="one-line">Report</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {audits.map(audit => (
              <TableRow key={audit.id}>
                <TableCell>{audit.cluster}</TableCell>
                <TableCell>{audit.name ?? '—'}</TableCell>
                <TableCell className="one-line">
                  <When at={audit.startedAt} />
                </TableCell>
                <TableCell className="one-line">{audit.trigger}</TableCell>
                <TableCell className="one-line">
                  <Status audit={audit} />
                </TableCell>
                <TableCell>
                  <Counts audit={audit} />
                </TableCell>
                <TableCell className="one-line">
                  <Link
                    to={reportLink(audit.id)}
                    aria-label={`Report of ${
                      audit.name ?? audit.cluster
                    } audit, started ${formatUtc(audit.startedAt)}`}
                  >
                    Report
                  </Link>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {/* No pager while every run fits on the smallest page. */}
      {(total > PAGE_SIZES[0] || offset > 0) && (
        <TablePagination
          component="div"
          count={total}
          // Named apart from the findings' pager on the same page.
          getItemAriaLabel={type => `Go to ${type} page of audit runs`}
          page={Math.floor(offset / limit)}
          rowsPerPage={limit}
          rowsPerPageOptions={PAGE_SIZES}
          onPageChange={(_, next) => setOffset(next * limit)}
          onRowsPerPageChange={e => {
            setLimit(Number(e.target.value));
            setOffset(0);
          }}
        />
      )}
    </InfoCard>
  );
}
