import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { hermesApiRef } from '../../api';
import { When } from '../shared';

/** Audit runs with their status and report, and a button to run each configured audit. */
export function AuditsCard() {
  const hermesApi = useApi(hermesApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => hermesApi.listAudits(),
    [hermesApi],
  );
  const [running, setRunning] = useState<string | undefined>();
  const run = async (name: string) => {
    setRunning(name);
    try {
      await hermesApi.runAudit(name);
    } finally {
      setRunning(undefined);
      retry();
    }
  };
  if (loading && !value) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  const { definitions = [], audits = [] } = value ?? {};
  return (
    <InfoCard title="Drift audits">
      {definitions.length === 0 && (
        <Typography>No audits configured (hermes.audits).</Typography>
      )}
      <Stack direction="row" gap={1} sx={{ mb: 2 }}>
        {definitions.map(name => (
          <Button
            key={name}
            variant="outlined"
            disabled={running !== undefined}
            onClick={() => run(name)}
          >
            {running === name ? `Running ${name}…` : `Run ${name} now`}
          </Button>
        ))}
      </Stack>
      {audits.map(audit => (
        <Accordion
          key={audit.id}
          disableGutters
          aria-label={`Audit of ${audit.cluster} at ${audit.startedAt}`}
        >
          <AccordionSummary>
            <Typography>
              {audit.cluster} · <When at={audit.startedAt} /> · {audit.trigger}{' '}
              · {audit.status}
              {audit.summary &&
                ` · ${audit.summary.critical} critical, ${audit.summary.unknown} unknown, ${audit.summary.harmless} harmless`}
            </Typography>
          </AccordionSummary>
          <AccordionDetails>
            {audit.error && (
              <Typography color="error">{audit.error}</Typography>
            )}
            {audit.report && (
              <Typography
                component="pre"
                variant="body2"
                sx={{ fontFamily: 'monospace', whiteSpace: 'pre-wrap' }}
              >
                {audit.report}
              </Typography>
            )}
          </AccordionDetails>
        </Accordion>
      ))}
    </InfoCard>
  );
}
