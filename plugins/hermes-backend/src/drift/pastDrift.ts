import { DriftFinding } from '@hermes-backstage/plugin-hermes-common';
import type { MemoryService } from '../memory/MemoryService';

/** Past findings and resolutions per finding that go to the model: the closest few. */
const RECALLED_PER_FINDING = 3;
// One full-text query per finding; an audit with more unknown findings recalls for the first.
const RECALLING_FINDINGS = 40;
const EXCERPT_CHARS = 300;

/** A past finding, or a person's resolution of one, that memory holds about similar drift. */
export interface RecalledDrift {
  title: string;
  excerpt: string;
  at: string;
}

/** What memory is searched with: the object, where it is, what changed and who changed it. */
function recallQuery(finding: DriftFinding): string {
  const { kind, name, namespace } = finding.resource;
  const fields = finding.changes
    .slice(0, 3)
    .map(c => c.path.split('/').pop() ?? '');
  return [kind, name, namespace, finding.attribution?.manager, ...fields]
    .filter(Boolean)
    .join(' ');
}

/**
 * Episodic memory's drift about findings like these: earlier findings on other objects and
 * people's resolutions with their notes, which the fingerprint's own history does not hold.
 * The finding's own earlier document is left out (its history already says it).
 */
export async function recallPastDrift(
  memory: Pick<MemoryService, 'recall'> | undefined,
  findings: DriftFinding[],
): Promise<Map<string, RecalledDrift[]>> {
  const recalled = new Map<string, RecalledDrift[]>();
  if (!memory) return recalled;
  for (const finding of findings.slice(0, RECALLING_FINDINGS)) {
    const hits = await memory.recall(recallQuery(finding), {
      kinds: ['finding', 'resolution'],
      limit: RECALLED_PER_FINDING + 1,
    });
    const others = hits
      .filter(
        h => !(h.kind === 'finding' && h.sourceId === finding.fingerprint),
      )
      .slice(0, RECALLED_PER_FINDING);
    if (others.length === 0) continue;
    recalled.set(
      finding.fingerprint,
      others.map(h => ({
        title: h.title,
        excerpt: h.snippet.replace(/\*\*/g, '').slice(0, EXCERPT_CHARS),
        at: h.updatedAt,
      })),
    );
  }
  return recalled;
}
