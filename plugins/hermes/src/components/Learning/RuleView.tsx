import type { TriageRuleInput } from '@hermes-backstage/plugin-hermes-common';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Fragment } from 'react';

type Match = TriageRuleInput['match'];

// Rules read from stored YAML may still hold a single string where a list is allowed.
function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The match fields in the order a person reads them: where, what, which fields, who. */
function conditions(
  match: Match,
): Array<{ label: string; values: string[]; code?: boolean }> {
  const rows = [
    { label: 'Clusters', values: list(match.clusters) },
    { label: 'Namespaces', values: list(match.namespaces) },
    { label: 'Kinds', values: list(match.kinds) },
    { label: 'Names', values: list(match.names) },
    {
      label: 'Labels',
      values: Object.entries(match.labels ?? {}).map(([k, v]) => `${k}=${v}`),
      code: true,
    },
    { label: 'Drift types', values: list(match.types) },
    { label: 'Paths', values: list(match.paths), code: true },
    { label: 'Written by', values: list(match.managerClasses) },
    { label: 'Managers', values: list(match.managers), code: true },
  ];
  return rows.filter(r => r.values.length > 0);
}

// `unknown` rules classify nothing: the drift is left to a person, and the model is not asked.
const RULE_COLORS = {
  critical: 'error',
  harmless: 'success',
  unknown: 'default',
} as const;

/** A triage rule as sentences and lists instead of YAML: when it matches, what it decides. */
export function RuleView(props: { rule: TriageRuleInput }) {
  const { rule } = props;
  const rows = conditions(rule.match ?? {});
  return (
    <Box>
      {rows.length === 0 ? (
        <Typography variant="body2">Matches every finding</Typography>
      ) : (
        <Box
          component="dl"
          aria-label="Matches"
          sx={{
            display: 'grid',
            gridTemplateColumns: 'max-content 1fr',
            columnGap: 2,
            rowGap: 0.5,
            m: 0,
          }}
        >
          {rows.map(row => (
            <Fragment key={row.label}>
              <Typography component="dt" variant="body2" color="text.secondary">
                {row.label}
              </Typography>
              <Typography
                component="dd"
                variant="body2"
                sx={{
                  m: 0,
                  wordBreak: 'break-all',
                  fontFamily: row.code ? 'monospace' : undefined,
                }}
              >
                {row.values.join(', ')}
              </Typography>
            </Fragment>
          ))}
        </Box>
      )}
      <Stack direction="row" gap={1} alignItems="center" sx={{ mt: 1 }}>
        <Typography variant="body2">
          {rule.classify === 'unknown' ? '→ leave to a person:' : '→ classify'}
        </Typography>
        <Chip
          size="small"
          color={RULE_COLORS[rule.classify]}
          label={rule.classify}
        />
        <Typography variant="body2">{rule.reason}</Typography>
      </Stack>
      {rule.recommend && (
        <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
          Recommend: {rule.recommend}
        </Typography>
      )}
    </Box>
  );
}
