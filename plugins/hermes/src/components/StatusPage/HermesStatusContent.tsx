import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
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
import { hermesApiRef } from '../../api';

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

      <Section title="Models">
        {status.models.length === 0 ? (
          <None>
            Models: none. Drift detection, triage rules and policy checks work
            without a model; configure hermes.models.chat (and audit,
            reflection) to enable the agent.
          </None>
        ) : (
          <Table size="small">
            <TableHead>
              <TableRow>
                <TableCell>Purpose</TableCell>
                <TableCell>Provider</TableCell>
                <TableCell>Model</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {status.models.map(m => (
                <TableRow key={m.purpose}>
                  <TableCell>{m.purpose}</TableCell>
                  <TableCell>{m.provider}</TableCell>
                  <TableCell>{m.model}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Section>

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
