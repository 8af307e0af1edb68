import {
  Classification,
  DriftFindingRecord,
} from '@hermes-backstage/plugin-hermes-common';
import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useEffect, useId, useRef, useState } from 'react';
import { ResolveHandler } from '../FindingsTable';
import { FindingCard } from './FindingCard';

/** The heading of objects without a namespace. */
export const CLUSTER_SCOPED = 'cluster-scoped';

/** Findings shown per namespace before "Show more": each carries a diff viewer. */
export const GROUP_PAGE = 10;

/** Below this many findings in all, every namespace opens expanded. */
const OPEN_ALL_BELOW = 30;

const RANK: Record<Classification, number> = {
  critical: 0,
  unknown: 1,
  harmless: 2,
};

export interface NamespaceGroup {
  /** Unique per group: a namespace may itself be called "cluster-scoped". */
  key: string;
  namespace: string;
  findings: DriftFindingRecord[];
  counts: Record<Classification, number>;
}

/**
 * Findings by namespace: cluster-scoped objects first, then namespaces by name; within one,
 * critical before unknown before harmless, then by kind and name.
 */
export function groupByNamespace(
  findings: DriftFindingRecord[],
): NamespaceGroup[] {
  const groups = new Map<string, DriftFindingRecord[]>();
  for (const f of findings) {
    const key = f.resource.namespace ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return (
    [...groups.keys()]
      // '' (no namespace) sorts before every name.
      .sort((a, b) => a.localeCompare(b))
      .map(key => {
        const list = groups
          .get(key)!
          .slice()
          .sort(
            (a, b) =>
              RANK[a.classification] - RANK[b.classification] ||
              a.resource.kind.localeCompare(b.resource.kind) ||
              a.resource.name.localeCompare(b.resource.name),
          );
        const counts = { critical: 0, unknown: 0, harmless: 0 };
        for (const f of list) counts[f.classification] += 1;
        return {
          key: key ? `ns/${key}` : '',
          namespace: key || CLUSTER_SCOPED,
          findings: list,
          counts,
        };
      })
  );
}

/** "3 findings · 1 critical · 2 unknown" */
export function countText(group: NamespaceGroup): string {
  const n = group.findings.length;
  const parts = (['critical', 'unknown', 'harmless'] as const)
    .filter(c => group.counts[c] > 0)
    .map(c => `${group.counts[c]} ${c}`);
  return [`${n} ${n === 1 ? 'finding' : 'findings'}`, ...parts].join(' · ');
}

function Group(props: {
  group: NamespaceGroup;
  expanded: boolean;
  selectedId?: string;
  onResolve: ResolveHandler;
  onUndo?: (finding: DriftFindingRecord) => Promise<void> | void;
}) {
  const { group, selectedId, onResolve, onUndo } = props;
  const selectedIndex = group.findings.findIndex(f => f.id === selectedId);
  const [open, setOpen] = useState(props.expanded || selectedIndex >= 0);
  const [shown, setShown] = useState(Math.max(GROUP_PAGE, selectedIndex + 1));
  const selectedRef = useRef<HTMLDivElement>(null);
  // A linked finding (`?finding=`) is brought into view once, when the page opens on it.
  useEffect(() => {
    selectedRef.current?.scrollIntoView?.({ block: 'start' });
  }, []);
  const headingId = useId();
  const rest = group.findings.length - shown;
  return (
    <Accordion
      expanded={open}
      onChange={(_, next) => setOpen(next)}
      disableGutters
      TransitionProps={{ unmountOnExit: true }}
    >
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Stack
          direction="row"
          gap={2}
          alignItems="baseline"
          sx={{ minWidth: 0, width: '100%' }}
        >
          <Typography
            variant="h6"
            component="h3"
            id={headingId}
            noWrap
            title={group.namespace}
            sx={{ minWidth: 0, flexShrink: 1 }}
          >
            {group.namespace}
          </Typography>
          <Typography
            variant="body2"
            color="text.secondary"
            noWrap
            sx={{ flexShrink: 0 }}
          >
            {countText(group)}
          </Typography>
        </Stack>
      </AccordionSummary>
      <AccordionDetails>
        <Stack gap={2} role="list" aria-labelledby={headingId}>
          {group.findings.slice(0, shown).map(f => (
            <div role="listitem" key={f.id}>
              <FindingCard
                ref={f.id === selectedId ? selectedRef : undefined}
                finding={f}
                selected={f.id === selectedId}
                onResolve={onResolve}
                onUndo={onUndo}
              />
            </div>
          ))}
        </Stack>
        {rest > 0 && (
          <Button sx={{ mt: 1 }} onClick={() => setShown(shown + GROUP_PAGE)}>
            Show {Math.min(rest, GROUP_PAGE)} more of {rest}
          </Button>
        )}
      </AccordionDetails>
    </Accordion>
  );
}

/** An audit's findings under one collapsible heading per namespace. */
export function NamespaceGroups(props: {
  findings: DriftFindingRecord[];
  selectedId?: string;
  onResolve: ResolveHandler;
  onUndo?: (finding: DriftFindingRecord) => Promise<void> | void;
}) {
  const { findings, ...rest } = props;
  const groups = groupByNamespace(findings);
  const openAll = findings.length < OPEN_ALL_BELOW;
  return (
    <Stack gap={1}>
      {groups.map(g => (
        <Group
          key={g.key}
          group={g}
          // With many findings, only namespaces with something critical start open.
          expanded={openAll || g.counts.critical > 0}
          {...rest}
        />
      ))}
    </Stack>
  );
}
