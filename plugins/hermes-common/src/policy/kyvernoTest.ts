import { parseYaml } from '../yaml';
import {
  parseKubernetesYaml,
  DocumentProblem,
  SourcedObject,
  sizeProblem,
} from './documents';
import { checkResourcesAsync } from './engine';
import { EvaluationLimits, isForbiddenKey } from './limits';
import { compilePolicies } from './policies';
import { RuleStatus } from './types';

/** One expected result of a kyverno-test.yaml (`results[]`), one resource at a time. */
export interface KyvernoTestExpectation {
  policy: string;
  rule: string;
  kind: string;
  namespace?: string;
  resource: string;
  result: RuleStatus;
  /** `isValidatingPolicy: true` and the like: the type of policy the result is about. */
  policyType?: PolicyTypeFlag;
}

/** The Kyverno CLI's result flags, and the policy kinds each stands for. */
const POLICY_TYPES = {
  isValidatingPolicy: ['ValidatingPolicy', 'NamespacedValidatingPolicy'],
  isValidatingAdmissionPolicy: ['ValidatingAdmissionPolicy'],
  isMutatingPolicy: [],
  isMutatingAdmissionPolicy: [],
  isImageValidatingPolicy: [],
  isGeneratingPolicy: [],
  isDeletingPolicy: [],
} as Record<string, string[]>;
type PolicyTypeFlag = keyof typeof POLICY_TYPES;

/** Namespace labels a values file gives (`namespaceSelector: [{name, labels}]`). */
function namespaceLabelsOf(
  values: any,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const entry of Array.isArray(values?.namespaceSelector)
    ? values.namespaceSelector
    : []) {
    if (typeof entry?.name === 'string' && !isForbiddenKey(entry.name))
      out[entry.name] = entry.labels ?? {};
  }
  return out;
}

/** How one expectation turned out. */
export interface ExpectationOutcome extends KyvernoTestExpectation {
  test: string;
  /** What Hermes computed; `excluded` when the rule gives no response for the resource. */
  actual?: RuleStatus | 'excluded';
  matched: boolean;
  message: string;
}

export interface KyvernoTestRun {
  test: string;
  file: string;
  outcomes: ExpectationOutcome[];
  /** Files that could not be read or parsed, and policies Hermes could not use. */
  problems: DocumentProblem[];
}

/** Reads a file named in the test, relative to the test file's folder. */
export type TestFileReader = (relativePath: string) => Promise<string>;

export interface KyvernoTestOptions {
  /** Every file (test, values, policies, resources) larger than this is refused. Default 5 MiB. */
  maxBytes?: number;
  /** Time and size budget of each rule on each resource. */
  limits?: EvaluationLimits;
}

const STATUSES: RuleStatus[] = ['pass', 'fail', 'skip', 'error', 'warn'];

function asStringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value)
    ? value.filter((v): v is string => typeof v === 'string')
    : [];
}

function expectationsOf(
  results: unknown,
  file: string,
  problems: DocumentProblem[],
): KyvernoTestExpectation[] {
  const out: KyvernoTestExpectation[] = [];
  (Array.isArray(results) ? results : []).forEach((entry: any, i: number) => {
    const result = String(
      entry?.result ?? entry?.status ?? '',
    ).toLowerCase() as RuleStatus;
    if (!entry?.policy || !STATUSES.includes(result)) {
      problems.push({
        source: file,
        message: `results[${i}] needs a policy and a result of ${STATUSES.join(
          '|',
        )}`,
      });
      return;
    }
    const names = [
      ...asStringList(entry.resources),
      ...asStringList(entry.resource),
    ];
    for (const name of names) {
      // Newer Kyverno CLIs also accept "namespace/name".
      const [namespace, resource] = name.includes('/')
        ? name.split('/', 2)
        : [entry.namespace, name];
      const policyType = Object.keys(POLICY_TYPES).find(
        flag => entry[flag] === true,
      );
      out.push({
        ...(policyType ? { policyType } : {}),
        policy: String(entry.policy).split('/').pop()!,
        rule: entry.rule ? String(entry.rule) : '',
        kind: String(entry.kind ?? ''),
        namespace,
        resource,
        result,
      });
    }
  });
  return out;
}

/**
 * Keys of a values document that would reach a prototype once set as a (dotted) path, with
 * where they are; any depth, as values are merged into the evaluation context.
 */
function forbiddenKeys(value: unknown, where: string, out: string[] = []) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => forbiddenKeys(item, `${where}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.split('.').some(isForbiddenKey))
        out.push(`values key "${key}" (in ${where || 'the top level'})`);
      forbiddenKeys(item, where ? `${where}.${key}` : key, out);
    }
  }
  return out;
}

/** Builds the lookup of kyverno-test values: global, per policy/rule and per resource. */
function valuesLookup(values: any) {
  const global = values?.globalValues ?? {};
  return (policy: string, rule: string, resourceName: string) => {
    const p = (values?.policies ?? []).find((x: any) => x?.name === policy);
    const forRule =
      (p?.rules ?? []).find((r: any) => r?.name === rule)?.values ?? {};
    const forResource =
      (p?.resources ?? []).find((r: any) => r?.name === resourceName)?.values ??
      {};
    // Merged by defining properties: assigning one named `__proto__` would set a prototype.
    return Object.fromEntries([
      ...Object.entries(global),
      ...Object.entries(forRule),
      ...Object.entries(forResource),
    ]);
  };
}

/**
 * Runs one `kyverno-test.yaml` (cli.kyverno.io/v1alpha1 Test): loads its policies and
 * resources, evaluates them, and compares each expected result with what Hermes computed.
 */
export async function runKyvernoTest(
  text: string,
  file: string,
  read: TestFileReader,
  options: KyvernoTestOptions = {},
): Promise<KyvernoTestRun> {
  const { maxBytes } = options;
  const problems: DocumentProblem[] = [];
  const tooLarge = sizeProblem(text, file, maxBytes);
  if (tooLarge) return { test: file, file, outcomes: [], problems: [tooLarge] };
  let doc: any;
  try {
    doc = parseYaml(text);
  } catch (error) {
    return {
      test: file,
      file,
      outcomes: [],
      problems: [
        {
          source: file,
          message: `invalid YAML: ${(error as Error).message.split('\n')[0]}`,
        },
      ],
    };
  }
  const test = String(doc?.metadata?.name ?? doc?.name ?? file);
  if (doc?.kind && doc.kind !== 'Test') {
    problems.push({
      source: file,
      message: `kind is "${doc.kind}", expected Test`,
    });
  }
  const load = async (relative: string): Promise<SourcedObject[]> => {
    try {
      const parsed = parseKubernetesYaml(await read(relative), relative, {
        maxBytes,
      });
      problems.push(...parsed.problems);
      return parsed.objects;
    } catch (error) {
      problems.push({
        source: relative,
        message: `cannot read: ${(error as Error).message}`,
      });
      return [];
    }
  };
  const policyObjects = (
    await Promise.all(asStringList(doc?.policies).map(load))
  ).flat();
  const resources = (
    await Promise.all(asStringList(doc?.resources).map(load))
  ).flat();
  const paramResources = (
    await Promise.all(asStringList(doc?.paramResources).map(load))
  ).flat();
  // Exceptions are compiled with the policies they name.
  policyObjects.push(
    ...(await Promise.all(asStringList(doc?.exceptions).map(load))).flat(),
  );
  for (const field of [
    'clusterResources',
    'context',
    'jsonPayload',
    'jsonPayloads',
  ]) {
    if (doc?.[field] !== undefined)
      problems.push({
        source: file,
        message: `${field} is not supported by Hermes; the test runs without it`,
      });
  }
  let values: unknown;
  const valuesFile = doc?.variables ?? doc?.values;
  const valuesSource = typeof valuesFile === 'string' ? valuesFile : file;
  if (typeof valuesFile === 'string') {
    try {
      const valuesText = await read(valuesFile);
      const valuesTooLarge = sizeProblem(valuesText, valuesFile, maxBytes);
      if (valuesTooLarge) problems.push(valuesTooLarge);
      else values = parseYaml(valuesText);
    } catch (error) {
      problems.push({
        source: valuesFile,
        message: `cannot read values: ${(error as Error).message}`,
      });
    }
  } else if (valuesFile && typeof valuesFile === 'object') {
    values = valuesFile;
  }
  const refused = forbiddenKeys(values, '');
  if (refused.length > 0) {
    problems.push(
      ...refused.map(key => ({
        source: valuesSource,
        message: `${key} is refused: __proto__, constructor and prototype cannot be set; the values file is not used`,
      })),
    );
    values = undefined;
  }

  const { policies, problems: policyProblems } = compilePolicies(
    policyObjects,
    { paramResources },
  );
  problems.push(...policyProblems);
  const results = await checkResourcesAsync(policies, resources, {
    valuesFor: valuesLookup(values),
    limits: options.limits,
    namespaceLabels: namespaceLabelsOf(values),
  });
  const kindOf = new Map(policies.map(p => [p.name, p.kind]));

  const policyNames = new Set(policies.map(p => p.name));
  const outcomes = expectationsOf(doc?.results, file, problems).flatMap(
    (expected): ExpectationOutcome[] => {
      const base = { ...expected, test };
      const { policyType } = expected;
      const kind = kindOf.get(expected.policy);
      if (policyType && kind && !POLICY_TYPES[policyType].includes(kind)) {
        return [
          {
            ...base,
            matched: false,
            message: `policy "${expected.policy}" is a ${kind}, but the result says ${policyType}`,
          },
        ];
      }
      if (policyType && !POLICY_TYPES[policyType].length) {
        return [
          {
            ...base,
            matched: false,
            message: `${policyType} policies are not evaluated by Hermes`,
          },
        ];
      }
      if (!policyNames.has(expected.policy)) {
        return [
          {
            ...base,
            matched: false,
            message: `policy "${expected.policy}" is not among the test's policies`,
          },
        ];
      }
      const forResource = results.filter(
        r =>
          r.policy === expected.policy &&
          r.resource.name === expected.resource &&
          (!expected.namespace ||
            (r.resource.namespace ?? 'default') === expected.namespace),
      );
      if (forResource.length === 0) {
        return [
          {
            ...base,
            matched: false,
            message: `resource "${expected.resource}" is not among the test's resources`,
          },
        ];
      }
      // Like the Kyverno CLI, "rule: x" also covers the generated autogen-x and autogen-cronjob-x.
      const names = expected.rule
        ? [
            expected.rule,
            `autogen-${expected.rule}`,
            `autogen-cronjob-${expected.rule}`,
          ]
        : undefined;
      const responses = forResource.filter(
        r => r.applies && (!names || names.includes(r.rule)),
      );
      if (responses.length === 0) {
        // Kyverno counts a rule that gives no response (not matched, empty foreach) as passing.
        return [
          {
            ...base,
            actual: 'excluded',
            matched: true,
            message:
              'the rule does not apply to the resource (Kyverno: Excluded)',
          },
        ];
      }
      return responses.map(r => ({
        ...base,
        rule: r.rule,
        actual: r.result,
        matched: r.result === expected.result,
        message: r.message,
      }));
    },
  );
  return { test, file, outcomes, problems };
}
