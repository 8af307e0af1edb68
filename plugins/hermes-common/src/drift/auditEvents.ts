import { DriftFinding } from './types';

/** The parts of a Kubernetes audit event (audit.k8s.io/v1 Event) Hermes uses. */
export interface KubernetesAuditEvent {
  verb?: string;
  stage?: string;
  user?: { username?: string };
  userAgent?: string;
  objectRef?: {
    apiGroup?: string;
    resource?: string;
    namespace?: string;
    name?: string;
    subresource?: string;
  };
  requestURI?: string;
  stageTimestamp?: string;
  requestReceivedTimestamp?: string;
  responseStatus?: { code?: number };
}

const WRITES = new Set(['create', 'update', 'patch', 'apply']);

/**
 * Reads audit events from JSON lines (one Event per line, or EventList documents), as the API
 * server's log backend writes them. Lines that are not JSON are counted, not fatal.
 */
export function parseAuditEvents(text: string): {
  events: KubernetesAuditEvent[];
  skipped: number;
} {
  const events: KubernetesAuditEvent[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line);
      if (parsed?.kind === 'EventList' && Array.isArray(parsed.items))
        events.push(...parsed.items);
      else events.push(parsed);
    } catch {
      skipped++;
    }
  }
  return { events, skipped };
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function fieldManagerOf(event: KubernetesAuditEvent): string | undefined {
  const match = /[?&]fieldManager=([^&]+)/.exec(event.requestURI ?? '');
  return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Names the user behind each attributed change: a successful write to the same object within
 * `windowMs` of the managedFields time (which has second precision), preferring an event whose
 * field manager matches. Findings are returned with `attribution.user` set where found.
 */
export function correlateAuditEvents(
  findings: DriftFinding[],
  events: KubernetesAuditEvent[],
  windowMs = 120_000,
): DriftFinding[] {
  const writes = events.filter(
    e =>
      WRITES.has(e.verb ?? '') &&
      (e.stage === undefined || e.stage === 'ResponseComplete') &&
      (e.responseStatus?.code === undefined || e.responseStatus.code < 300) &&
      e.objectRef?.name,
  );
  if (writes.length === 0) return findings;
  const userFor = (
    f: DriftFinding,
    manager: string,
    time: string | undefined,
  ) => {
    if (!time) return undefined;
    const at = Date.parse(time);
    const candidates = writes.filter(e => {
      const ref = e.objectRef!;
      const when = Date.parse(
        e.stageTimestamp ?? e.requestReceivedTimestamp ?? '',
      );
      return (
        ref.name === f.resource.name &&
        (ref.namespace ?? undefined) === f.resource.namespace &&
        (ref.apiGroup ?? '') === groupOf(f.resource.apiVersion) &&
        Math.abs(when - at) <= windowMs
      );
    });
    const best =
      candidates.find(e => fieldManagerOf(e) === manager) ?? candidates[0];
    return best?.user?.username;
  };
  return findings.map(f => {
    const withUser = <T extends { manager: string; time?: string } | undefined>(
      a: T,
    ): T => {
      if (!a) return a;
      const user = userFor(f, a.manager, a.time);
      return user ? { ...a, user } : a;
    };
    return {
      ...f,
      changes: f.changes.map(c => ({
        ...c,
        ...(c.attribution ? { attribution: withUser(c.attribution) } : {}),
      })),
      ...(f.attribution ? { attribution: withUser(f.attribution) } : {}),
    };
  });
}
