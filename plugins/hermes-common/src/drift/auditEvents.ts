import { z } from 'zod';
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

// Absent and null fields are alike (Go writes either); anything else of the wrong type makes
// the entry malformed. Unknown fields (request and response bodies, which may hold Secret
// values) are dropped.
const optionalString = z
  .string()
  .nullish()
  .transform(v => v ?? undefined);
// RFC 3339 with a four-digit year, as the API server writes it: JavaScript also parses years
// no database column holds.
const optionalTime = optionalString.refine(
  v =>
    v === undefined ||
    (/^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v))),
  'not an RFC 3339 time',
);
const optionalPart = <T extends z.ZodRawShape>(shape: T) =>
  z
    .object(shape)
    .nullish()
    .transform(v => v ?? undefined);
const eventSchema = z.object({
  verb: optionalString,
  stage: optionalString,
  user: optionalPart({ username: optionalString }),
  userAgent: optionalString,
  objectRef: optionalPart({
    apiGroup: optionalString,
    resource: optionalString,
    namespace: optionalString,
    name: optionalString,
    subresource: optionalString,
  }),
  requestURI: optionalString,
  stageTimestamp: optionalTime,
  requestReceivedTimestamp: optionalTime,
  responseStatus: optionalPart({
    code: z
      .number()
      .nullish()
      .transform(v => v ?? undefined),
  }),
});

/**
 * The well-formed audit events among `items` (an EventList's items, or a log's entries); a
 * null or malformed entry is skipped and counted, never fatal.
 */
export function readAuditEvents(items: unknown[]): {
  events: KubernetesAuditEvent[];
  skipped: number;
} {
  const events: KubernetesAuditEvent[] = [];
  let skipped = 0;
  for (const item of items) {
    const parsed = eventSchema.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else skipped++;
  }
  return { events, skipped };
}

/**
 * Reads audit events from JSON lines (one Event per line, or EventList documents), as the API
 * server's log backend writes them. Lines that are not JSON and entries that are not audit
 * events are counted, not fatal.
 */
export function parseAuditEvents(text: string): {
  events: KubernetesAuditEvent[];
  skipped: number;
} {
  const entries: unknown[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line);
      // Item by item: spreading a list of a million items would overflow the stack.
      if (parsed?.kind === 'EventList' && Array.isArray(parsed.items))
        for (const item of parsed.items) entries.push(item);
      else entries.push(parsed);
    } catch {
      skipped++;
    }
  }
  const read = readAuditEvents(entries);
  return { events: read.events, skipped: skipped + read.skipped };
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

function fieldManagerOf(event: KubernetesAuditEvent): string | undefined {
  const match = /[?&]fieldManager=([^&]+)/.exec(event.requestURI ?? '');
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    // A broken escape names no manager we could match; the write still counts.
    return match[1];
  }
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
