import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import CardHeader from '@mui/material/CardHeader';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { ReactNode } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { hermesApiRef, ModelCheck } from '../../api';
import { errorText, When } from '../shared';

const DATABASE_NAMES: Record<string, string> = {
  'better-sqlite3': 'SQLite',
  sqlite3: 'SQLite',
  pg: 'PostgreSQL',
  mysql2: 'MySQL',
};

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Card
      variant="outlined"
      sx={{ flex: '1 1 320px' }}
      aria-label={props.title}
      component="section"
    >
      <CardHeader
        title={props.title}
        titleTypographyProps={{ variant: 'h6' }}
      />
      <CardContent>{props.children}</CardContent>
    </Card>
  );
}

function None(props: { children: ReactNode }) {
  return (
    <Typography variant="body2" color="text.secondary">
      {props.children}
    </Typography>
  );
}

const API_NAMES: Record<ModelCheck['api'], string> = {
  chat: 'Chat Completions',
  responses: 'Responses API',
};

function CheckResult(props: { check?: ModelCheck }) {
  const { check } = props;
  if (!check) return null;
  const via = API_NAMES[check.api] ?? check.api;
  return check.ok ? (
    <Chip
      color="success"
      size="small"
      label={`OK · ${check.latencyMs} ms`}
      title={`answered through ${via}`}
    />
  ) : (
    <Typography variant="body2" color="error" title={`through ${via}`}>
      {check.error}
    </Typography>
  );
}

/** The configured models; a check calls each one once, on request only (it costs tokens). */
function ModelsSection(props: { models: HermesStatus['models'] }) {
  const { models } = props;
  const hermesApi = useApi(hermesApiRef);
  const [checks, check] = useAsyncFn(
    () => hermesApi.checkModels(),
    [hermesApi],
  );
  const resultFor = (purpose: string) =>
    checks.value?.models.find(m => m.purpose === purpose);
  return (
    <Section title="Models">
      {models.length === 0 ? (
        <None>
          Models: none. Drift detection, triage rules and policy checks work
          without a model; configure hermes.models.chat (and audit, reflection)
          to enable the agent.
        </None>
      ) : (
        <>
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Purpose</TableCell>
                <TableCell>Provider</TableCell>
                <TableCell>Model</TableCell>
                {checks.value && <TableCell>Check</TableCell>}
              </TableRow>
            </TableHead>
            <TableBody>
              {models.map(m => (
                <TableRow key={m.purpose}>
                  <TableCell>{m.purpose}</TableCell>
                  <TableCell>{m.provider}</TableCell>
                  <TableCell>{m.model}</TableCell>
                  {checks.value && (
                    <TableCell>
                      <CheckResult check={resultFor(m.purpose)} />
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Stack direction="row" alignItems="center" gap={1} sx={{ mt: 1 }}>
            <Button
              variant="outlined"
              size="small"
              onClick={() => check()}
              disabled={checks.loading}
            >
              {checks.loading ? 'Checking models…' : 'Check models'}
            </Button>
            <Typography variant="caption" color="text.secondary">
              {checks.value ? (
                <>
                  Checked <When at={checks.value.checkedAt} />
                </>
              ) : (
                'Sends each model a one-word prompt.'
              )}
            </Typography>
          </Stack>
          {checks.error && (
            <Alert severity="error" sx={{ mt: 1 }}>
              Could not check the models: {errorText(checks.error)}
            </Alert>
          )}
        </>
      )}
    </Section>
  );
}

/** Shows what the Hermes backend is connected to, as reported by `GET /api/hermes/status`. */
export function HermesStatusView(props: { status: HermesStatus }) {
  const { status } = props;
  const database =
    DATABASE_NAMES[status.database.client] ?? status.database.client;
  return (
    <Stack direction="row" flexWrap="wrap" gap={2}>
      <Section title="Backend">
        <Typography>Plugin version {status.version}</Typography>
        <Typography>
          Database: {database} ({status.database.client})
        </Typography>
      </Section>

      <Section title="Clusters">
        {status.clusters.length === 0 ? (
          <None>
            No clusters configured. Add them under
            kubernetes.clusterLocatorMethods or hermes.clusters.
          </None>
        ) : (
          <Stack direction="row" flexWrap="wrap" gap={1}>
            {status.clusters.map(cluster => (
              <Chip
                key={cluster.name}
                label={cluster.name}
                title={`from the ${cluster.source} config section`}
              />
            ))}
          </Stack>
        )}
      </Section>

      <ModelsSection models={status.models} />

      <Section title="Skills">
        <Typography gutterBottom>
          {status.skills.names.length}{' '}
          {status.skills.names.length === 1 ? 'skill' : 'skills'} loaded
        </Typography>
        <Stack direction="row" flexWrap="wrap" gap={1}>
          {status.skills.names.map(name => (
            <Chip key={name} label={name} variant="outlined" size="small" />
          ))}
        </Stack>
        {status.skills.errors.map(error => (
          <Alert key={error.location} severity="warning" sx={{ mt: 1 }}>
            {error.location}: {error.message}
          </Alert>
        ))}
      </Section>
    </Stack>
  );
}

/** Loads the status and shows it, with progress and errors handled. */
export function HermesStatusContent() {
  const hermesApi = useApi(hermesApiRef);
  const { value, loading, error } = useAsync(
    () => hermesApi.getStatus(),
    [hermesApi],
  );
  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  return value ? <HermesStatusView status={value} /> : null;
}
