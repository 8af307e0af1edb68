import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { HermesApi, hermesApiRef } from '../../../api';
import { ResolveHandler } from '../FindingsTable';
import { AuditRun, AuditSummary } from './AuditSummary';
import { NamespaceGroups } from './NamespaceGroups';

/** The server's largest page of findings. */
const PAGE = 500;
/** Findings one report page loads at most; beyond, it says so and points to the filters. */
export const MAX_FINDINGS = 5000;

/**
 * All findings of one audit, whatever became of them since (`state=all`), a server page at a
 * time: grouping by namespace needs them all, and the server orders them by id.
 */
export async function loadAuditFindings(
  api: Pick<HermesApi, 'pageFindings'>,
  auditId: string,
): Promise<{ findings: DriftFindingRecord[]; total: number }> {
  const findings: DriftFindingRecord[] = [];
  let total = 0;
  do {
    const page = await api.pageFindings({
      auditId,
      state: 'all',
      limit: PAGE,
      offset: findings.length,
    });
    total = page.total;
    findings.push(...page.findings);
    if (page.findings.length === 0) break;
  } while (findings.length < Math.min(total, MAX_FINDINGS));
  return { findings, total };
}

/**
 * One audit run as a page to act from (`?tab=drift&audit=<id>`, where findings and
 * notifications link): what ran, then its findings by namespace, each with its diff, the
 * commands to revert or commit it, and the resolve buttons.
 */
export function AuditReport(props: { auditId: string; onBack: () => void }) {
  const { auditId, onBack } = props;
  const hermesApi = useApi(hermesApiRef);
  const [params] = useSearchParams();
  const selectedId = params.get('finding') ?? undefined;
  const audit = useAsyncRetry(
    async (): Promise<AuditRun> => hermesApi.getAudit(auditId),
    [hermesApi, auditId],
  );
  const findings = useAsyncRetry(
    () => loadAuditFindings(hermesApi, auditId),
    [hermesApi, auditId],
  );
  const resolve: ResolveHandler = async (finding, resolution, details) => {
    await hermesApi.resolveFinding(finding.id, resolution, details);
    findings.retry();
  };
  const undo = async (finding: DriftFindingRecord) => {
    await hermesApi.undoResolution(finding.id);
    findings.retry();
  };
  const back = <Button onClick={onBack}>Show all drift</Button>;
  const value = findings.value;
  return (
    <Stack gap={2}>
      <InfoCard
        title={
          audit.value
            ? `Drift audit of ${audit.value.cluster}`
            : `Drift audit ${auditId}`
        }
        subheader={`Audit ${auditId}`}
        action={back}
      >
        {audit.loading && !audit.value && <Progress />}
        {audit.error && <ResponseErrorPanel error={audit.error} />}
        {audit.value && <AuditSummary audit={audit.value} />}
      </InfoCard>
      <InfoCard title="Findings by namespace">
        {findings.loading && !value && <Progress />}
        {findings.error && <ResponseErrorPanel error={findings.error} />}
        {value && value.total > value.findings.length && (
          <Alert severity="info" sx={{ mb: 2 }}>
            Showing {value.findings.length} of {value.total} findings. Use the
            filters of all drift (cluster, namespace) to see the rest.
          </Alert>
        )}
        {value && value.findings.length === 0 && (
          <Typography>This audit found no drift.</Typography>
        )}
        {value && value.findings.length > 0 && (
          <NamespaceGroups
            findings={value.findings}
            selectedId={selectedId}
            onResolve={resolve}
            onUndo={undo}
          />
        )}
      </InfoCard>
    </Stack>
  );
}
