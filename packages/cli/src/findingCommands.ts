import type {
  DriftFindingRecord,
  Resolution,
} from '@hermes-backstage/plugin-hermes-common';
import { CliError, connectPortal } from './portal';
import { table, when } from './taskFormat';

// Kept here rather than imported so that `--help` and usage errors load no engine code.
const RESOLUTIONS: Resolution[] = [
  'harmless',
  'reverted',
  'committed',
  'critical',
];
const CLASSIFICATIONS = ['critical', 'harmless', 'unknown'];
const STATES = ['open', 'resolved', 'silenced', 'all'];
const PAGE = 500;

export const FINDING_USAGE = `  hermes drift findings [--audit-id <id>] [--namespace ns] [--entity <ref>] [--owner <group>]
                        [--classification critical|harmless|unknown] [--state open|resolved|silenced|all]
                        each drift as its latest audit found it (open ones unless --state says otherwise);
                        exits 1 when a critical finding is open
  hermes drift resolve <finding-id> ${RESOLUTIONS.join('|')} [--note "<why>"]
    findings and resolve: --portal <url> or HERMES_PORTAL_URL, token in HERMES_TOKEN (resolve needs a user token)`;

interface Options {
  command: 'findings' | 'resolve';
  args: string[];
  values: {
    portal?: string;
    'audit-id'?: string;
    state?: string;
    namespace?: string[];
    entity?: string;
    owner?: string;
    classification?: string;
    note?: string;
  };
  json: boolean;
  print: (text: string) => void;
}

/** `hermes drift findings` and `hermes drift resolve` against a portal. */
export async function findingCommand(options: Options): Promise<number> {
  return options.command === 'findings' ? findings(options) : resolve(options);
}

function resourceName(f: DriftFindingRecord): string {
  const r = f.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function resolutionText(f: DriftFindingRecord): string {
  const last = f.history.lastResolution;
  if (!last) return 'open';
  return `${last.resolution} by ${last.userRef} ${when(last.at)}`;
}

async function findings(options: Options): Promise<number> {
  const { values, args, print, json } = options;
  if (args.length) {
    throw new CliError(
      `hermes drift findings takes options only, not "${args.join(' ')}"`,
    );
  }
  if ((values.namespace?.length ?? 0) > 1) {
    throw new CliError('hermes drift findings takes one --namespace');
  }
  const classification = values.classification;
  if (classification && !CLASSIFICATIONS.includes(classification)) {
    throw new CliError(
      `--classification must be ${CLASSIFICATIONS.join(
        ', ',
      )}, not "${classification}"`,
    );
  }
  const state = values.state;
  if (state && !STATES.includes(state)) {
    throw new CliError(`--state must be ${STATES.join(', ')}, not "${state}"`);
  }
  const query = new URLSearchParams();
  if (state) query.set('state', state);
  if (values['audit-id']) query.set('auditId', values['audit-id']);
  if (values.namespace?.[0]) query.set('namespace', values.namespace[0]);
  if (values.entity) query.set('entityRef', values.entity);
  if (values.owner) query.set('owner', values.owner);
  if (classification) query.set('classification', classification);
  // Every page: the portal answers at most PAGE findings at a time.
  const portal = connectPortal(values.portal);
  const answer = { findings: [] as DriftFindingRecord[], total: 0 };
  do {
    query.set('limit', String(PAGE));
    query.set('offset', String(answer.findings.length));
    const page = await portal.request<{
      findings: DriftFindingRecord[];
      total?: number;
    }>('GET', `/drift/findings?${query}`);
    answer.findings.push(...page.findings);
    answer.total = page.total ?? answer.findings.length;
    if (page.findings.length === 0) break;
  } while (answer.findings.length < answer.total);
  const open = answer.findings.filter(
    f =>
      f.classification === 'critical' &&
      (f.state ? f.state === 'open' : !f.history.lastResolution),
  );
  if (json) print(JSON.stringify(answer, null, 2));
  else if (answer.findings.length === 0) print('No drift findings.');
  else {
    const rows = answer.findings.map(f => [
      f.id,
      f.classification,
      f.cluster,
      resourceName(f),
      `${f.type}${
        f.changes.length
          ? ` ${f.changes.length} field${f.changes.length === 1 ? '' : 's'}`
          : ''
      }`,
      f.attribution
        ? `${f.attribution.user ?? f.attribution.manager} ${when(
            f.attribution.time,
          )}`
        : '—',
      resolutionText(f),
    ]);
    print(
      table(
        [
          'ID',
          'CLASS',
          'CLUSTER',
          'RESOURCE',
          'DRIFT',
          'LAST WRITTEN BY',
          'RESOLUTION',
        ],
        rows,
      ),
    );
    print('');
    print(
      `${answer.findings.length} finding${
        answer.findings.length === 1 ? '' : 's'
      }, ${open.length} critical and open`,
    );
  }
  return open.length ? 1 : 0;
}

async function resolve(options: Options): Promise<number> {
  const { values, args, print, json } = options;
  const [id, resolution, ...extra] = args;
  if (!id || !resolution || extra.length) {
    throw new CliError(
      `hermes drift resolve takes a finding id and one of ${RESOLUTIONS.join(
        ', ',
      )}, e.g. hermes drift resolve <finding-id> reverted --note "rolled back by hand"`,
    );
  }
  if (!RESOLUTIONS.includes(resolution as Resolution)) {
    throw new CliError(
      `the resolution must be ${RESOLUTIONS.join(', ')}, not "${resolution}"`,
    );
  }
  const body = { resolution, ...(values.note ? { note: values.note } : {}) };
  await connectPortal(values.portal).request(
    'POST',
    `/drift/findings/${encodeURIComponent(id)}/resolution`,
    body,
  );
  if (json) print(JSON.stringify({ id, ...body }, null, 2));
  else print(`Recorded finding ${id} as ${resolution}.`);
  return 0;
}
