import {
  DriftFinding,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';
import { MemoryDocument } from '../memory/MemoryService';

/** The kinds of memory document drift writes; those about no entity need hermes.drift.read. */
export const DRIFT_MEMORY_KINDS = ['audit', 'finding', 'resolution'];

function describeFinding(finding: DriftFinding): string {
  const { apiVersion, kind, namespace, name } = finding.resource;
  const a = finding.attribution;
  const paths = finding.changes.map(c => c.path);
  return [
    `${kind} ${name} (${apiVersion})${
      namespace ? ` in namespace ${namespace}` : ''
    } on cluster ${finding.cluster}: ${finding.type}, classified ${
      finding.classification
    }.`,
    paths.length
      ? `Fields: ${paths.slice(0, 20).join(', ')}${
          paths.length > 20 ? ` and ${paths.length - 20} more` : ''
        }.`
      : '',
    a
      ? `Changed by ${a.manager} (${a.class}, ${a.operation})${
          a.user ? ` as user ${a.user}` : ''
        }${a.time ? ` at ${a.time}` : ''}.`
      : '',
    finding.reason
      ? `Reason: ${finding.reason}${
          finding.skill ? ` (skill "${finding.skill}")` : ''
        }`
      : '',
    finding.recommend ? `Recommend: ${finding.recommend}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

const where = (finding: DriftFinding) =>
  `${finding.resource.kind} ${
    finding.resource.namespace ? `${finding.resource.namespace}/` : ''
  }${finding.resource.name} on ${finding.cluster}`;

/**
 * What memory keeps of a finished audit: the report, and each finding. A finding is kept by
 * its fingerprint, so the same drift found by the next audit replaces it rather than piling up.
 */
export function driftAuditDocuments(audit: {
  id: string;
  name: string;
  cluster: string;
  report: string;
  narrative?: string;
  findings: DriftFinding[];
}): MemoryDocument[] {
  return [
    {
      kind: 'audit',
      sourceId: audit.id,
      title: `Drift audit ${audit.name} on ${audit.cluster}`,
      body: [audit.narrative, audit.report].filter(Boolean).join('\n\n'),
      link: '/hermes',
    },
    ...audit.findings.map(finding => ({
      kind: 'finding',
      sourceId: finding.fingerprint,
      title: `${finding.classification} drift: ${where(finding)}`,
      body: `${describeFinding(finding)}\nFound by drift audit ${audit.name} (${
        audit.id
      }).`,
      link: '/hermes',
    })),
  ];
}

/** What memory keeps of a person's resolution of a finding (the latest one per finding). */
export function driftResolutionDocument(
  finding: DriftFinding & { id: string },
  resolution: { resolution: Resolution; note?: string; userRef: string },
): MemoryDocument {
  return {
    kind: 'resolution',
    sourceId: finding.id,
    title: `Drift ${resolution.resolution}: ${where(finding)}`,
    body: [
      describeFinding(finding),
      `Resolution: ${resolution.resolution}, by ${resolution.userRef}.`,
      resolution.note ? `Note: ${resolution.note}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    link: '/hermes',
  };
}
