import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Classification,
  DriftFindingRecord,
  DriftState,
} from '@hermes-backstage/plugin-hermes-common';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TablePagination from '@mui/material/TablePagination';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useDebounce from 'react-use/esm/useDebounce';
import { hermesApiRef } from '../../api';
import { AuditsCard } from './AuditsCard';
import { DriftChart } from './DriftChart';
import { FindingsTable, ResolveHandler } from './FindingsTable';
import { AuditReport } from './report/AuditReport';

type StateFilter = DriftState | 'all';
const STATES: StateFilter[] = ['open', 'silenced', 'resolved', 'all'];
const CLASSIFICATIONS: Array<Classification | ''> = [
  '',
  'critical',
  'unknown',
  'harmless',
];
const PAGE_SIZES = [25, 50, 100];

interface Filters {
  cluster: string;
  namespace: string;
  owner: string;
  classification: Classification | '';
  state: StateFilter;
}

/**
 * The Drift tab of the Hermes page: drift across all clusters, including objects no catalog
 * entity owns, filtered and paged, below the audit runs; or, with `?audit=<id>` (where
 * findings and notifications link), that audit's report page.
 */
export function DriftContent() {
  const [params, setParams] = useSearchParams();
  const auditId = params.get('audit') || undefined;
  const allDrift = () =>
    setParams(current => {
      const updated = new URLSearchParams(current);
      updated.delete('audit');
      updated.delete('finding');
      return updated;
    });
  if (auditId)
    return <AuditReport key={auditId} auditId={auditId} onBack={allDrift} />;
  return <AllDrift />;
}

function AllDrift() {
  const hermesApi = useApi(hermesApiRef);
  const [filters, setFilters] = useState<Filters>({
    cluster: '',
    namespace: '',
    owner: '',
    classification: '',
    state: 'open',
  });
  const [limit, setLimit] = useState(PAGE_SIZES[0]);
  const [offset, setOffset] = useState(0);
  const page = useAsyncRetry(
    () =>
      hermesApi.pageFindings({
        ...filters,
        // An empty filter means any.
        classification: filters.classification || undefined,
        limit,
        offset,
      }),
    [hermesApi, filters, limit, offset],
  );
  const filter = (change: Partial<Filters>) => {
    setFilters(current => ({ ...current, ...change }));
    setOffset(0);
  };
  // Typed names query once typing pauses, not on every keystroke.
  const [typed, setTyped] = useState({
    cluster: '',
    namespace: '',
    owner: '',
  });
  useDebounce(
    () => {
      if (
        typed.cluster !== filters.cluster ||
        typed.namespace !== filters.namespace ||
        typed.owner !== filters.owner
      )
        filter(typed);
    },
    300,
    [typed],
  );
  const resolve: ResolveHandler = async (finding, resolution, details) => {
    await hermesApi.resolveFinding(finding.id, resolution, details);
    page.retry();
  };
  const undo = async (finding: DriftFindingRecord) => {
    await hermesApi.undoResolution(finding.id);
    page.retry();
  };
  const value = page.value;
  return (
    <Stack gap={2}>
      <DriftChart />
      <AuditsCard />
      <InfoCard title="Drift findings">
        <Stack
          direction="row"
          gap={2}
          flexWrap="wrap"
          sx={{ mb: 2 }}
          component="form"
          role="search"
          aria-label="Filter findings"
          onSubmit={e => e.preventDefault()}
        >
          <TextField
            size="small"
            label="Cluster"
            value={typed.cluster}
            onChange={e => setTyped({ ...typed, cluster: e.target.value })}
          />
          <TextField
            size="small"
            label="Namespace"
            value={typed.namespace}
            onChange={e => setTyped({ ...typed, namespace: e.target.value })}
          />
          <TextField
            size="small"
            label="Owner"
            placeholder="group:default/ml-platform"
            value={typed.owner}
            onChange={e => setTyped({ ...typed, owner: e.target.value })}
          />
          <TextField
            select
            size="small"
            label="Classification"
            value={filters.classification}
            sx={{ minWidth: 160 }}
            onChange={e =>
              filter({ classification: e.target.value as Classification })
            }
          >
            {CLASSIFICATIONS.map(c => (
              <MenuItem key={c} value={c}>
                {c || 'any'}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            size="small"
            label="State"
            value={filters.state}
            sx={{ minWidth: 140 }}
            onChange={e => filter({ state: e.target.value as StateFilter })}
          >
            {STATES.map(s => (
              <MenuItem key={s} value={s}>
                {s}
              </MenuItem>
            ))}
          </TextField>
        </Stack>
        {page.loading && !value && <Progress />}
        {page.error && <ResponseErrorPanel error={page.error} />}
        {value && value.findings.length === 0 && (
          <Typography>No findings match.</Typography>
        )}
        {value && value.findings.length > 0 && (
          <FindingsTable
            findings={value.findings}
            onResolve={resolve}
            onUndo={undo}
          />
        )}
        {value && (
          <TablePagination
            component="div"
            count={value.total}
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
    </Stack>
  );
}
