import {
  DriftFinding,
  DriftType,
  ManagerClass,
  Resolution,
  RESOLUTIONS,
  SimilarDrift,
} from './types';

// Similar drift: what history says about drift *like* this one ("3rd manual ClusterPolicy edit
// in 14 days; previous 2 resolved by reverting"), beside the history of the same drift.

/** One distinct drift (fingerprint) seen within the window, with its latest resolution. */
export interface SeenDrift {
  fingerprint: string;
  cluster: string;
  kind: string;
  type: DriftType;
  /** Class of the latest writer; absent when nobody could be attributed (e.g. deletions). */
  managerClass?: ManagerClass;
  /** The drift's latest label, if anyone resolved it. */
  resolution?: Resolution;
}

type Keyed = Pick<DriftFinding, 'fingerprint' | 'cluster' | 'type'> & {
  resource: Pick<DriftFinding['resource'], 'kind'>;
  attribution?: Pick<NonNullable<DriftFinding['attribution']>, 'class'>;
};

const key = (d: Omit<SeenDrift, 'fingerprint' | 'resolution'>) =>
  [d.cluster, d.kind, d.type, d.managerClass ?? ''].join('\u0000');

const CLASS_WORDS: Record<ManagerClass, string> = {
  human: 'manual',
  controller: 'controller',
  gitops: 'GitOps',
};
const TYPE_WORDS: Record<DriftType, string> = {
  modified: 'edit',
  extra: 'creation outside Git',
  missing: 'deletion',
};
// "previous 2 resolved by reverting" when all agree; "1 reverted" in a mixed list.
const ALL_RESOLVED: Record<Resolution, string> = {
  reverted: 'resolved by reverting',
  committed: 'resolved by committing to Git',
  harmless: 'marked harmless',
  critical: 'marked critical',
};
const SOME_RESOLVED: Record<Resolution, string> = {
  reverted: 'reverted',
  committed: 'committed to Git',
  harmless: 'marked harmless',
  critical: 'marked critical',
};

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 112th */
export function ordinal(n: number): string {
  const teens = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teens ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** "3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting" */
export function describeSimilarDrift(options: {
  kind: string;
  type: DriftType;
  managerClass?: ManagerClass;
  windowDays: number;
  count: number;
  resolutions: Record<Resolution, number>;
  unresolved: number;
}): string {
  const { count, resolutions, unresolved } = options;
  const what = [
    options.managerClass ? CLASS_WORDS[options.managerClass] : undefined,
    options.kind,
    TYPE_WORDS[options.type],
  ]
    .filter(Boolean)
    .join(' ');
  const head = `${ordinal(count)} ${what} in ${options.windowDays} days`;
  const previous = count - 1;
  const used = RESOLUTIONS.filter(r => resolutions[r] > 0);
  let tail: string;
  if (used.length === 0)
    tail =
      previous === 1
        ? 'the previous one not resolved'
        : `none of the previous ${previous} resolved`;
  else if (used.length === 1 && unresolved === 0)
    tail = `${previous === 1 ? 'the previous one' : `previous ${previous}`} ${
      ALL_RESOLVED[used[0]]
    }`;
  else
    tail = `previous ${previous}: ${[
      ...used.map(r => `${resolutions[r]} ${SOME_RESOLVED[r]}`),
      ...(unresolved ? [`${unresolved} unresolved`] : []),
    ].join(', ')}`;
  return `${head}; ${tail}`;
}

/**
 * Similar drift of each finding: the distinct drifts in `seen` and in `findings` (the audit at
 * hand, which may not be stored yet) with the same cluster, kind, type and manager class. Each
 * fingerprint counts once; a finding's own class wins over what was stored for it. Findings
 * with no similar drift are left out.
 */
export function similarDriftOf(
  findings: Keyed[],
  seen: SeenDrift[],
  windowDays: number,
): Map<string, SimilarDrift> {
  const drifts = new Map<string, SeenDrift>();
  for (const s of seen) drifts.set(s.fingerprint, s);
  for (const f of findings) {
    const before = drifts.get(f.fingerprint);
    drifts.set(f.fingerprint, {
      fingerprint: f.fingerprint,
      cluster: f.cluster,
      kind: f.resource.kind,
      type: f.type,
      ...(f.attribution ? { managerClass: f.attribution.class } : {}),
      ...(before?.resolution ? { resolution: before.resolution } : {}),
    });
  }
  const groups = new Map<string, SeenDrift[]>();
  for (const d of drifts.values())
    groups.set(key(d), [...(groups.get(key(d)) ?? []), d]);
  const out = new Map<string, SimilarDrift>();
  for (const f of findings) {
    const self = drifts.get(f.fingerprint)!;
    const group = groups.get(key(self)) ?? [];
    if (group.length < 2) continue;
    const resolutions = Object.fromEntries(
      RESOLUTIONS.map(r => [r, 0]),
    ) as Record<Resolution, number>;
    let unresolved = 0;
    for (const other of group) {
      if (other.fingerprint === f.fingerprint) continue;
      if (other.resolution) resolutions[other.resolution]++;
      else unresolved++;
    }
    out.set(f.fingerprint, {
      count: group.length,
      resolutions,
      unresolved,
      description: describeSimilarDrift({
        ...self,
        windowDays,
        count: group.length,
        resolutions,
        unresolved,
      }),
    });
  }
  return out;
}
