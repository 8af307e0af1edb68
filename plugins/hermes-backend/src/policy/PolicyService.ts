import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  applyExemptions,
  checkResourcesAsync,
  compilePolicies,
  DocumentProblem,
  ExemptedResult,
  parseKubernetesYaml,
  PolicyCheckRequest,
  summarizeResults,
  CheckSummary,
} from '@hermes-backstage/plugin-hermes-common';
import {
  checkRequestedSources,
  loadYamlSources,
} from '@hermes-backstage/plugin-hermes-node';
import { InputError } from '@backstage/errors';

// Parsing YAML runs at about 1 MB/s and cannot be interrupted: a file a request sends may take
// about a second, then other requests get their turn (the CLI, on a person's machine, allows
// 5 MiB).
const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

async function parseYielding(
  file: { name: string; content: string },
  maxBytes: number | undefined,
) {
  await new Promise(resolve => setImmediate(resolve));
  return parseKubernetesYaml(file.content, file.name, { maxBytes });
}

export interface PolicyCheckResponse {
  summary: CheckSummary;
  results: ExemptedResult[];
  problems: DocumentProblem[];
  warnings: string[];
}

/** Policy pre-checks: the engine lives in hermes-common; this reads the policy sources. */
export interface PolicyService {
  check(request: PolicyCheckRequest): Promise<PolicyCheckResponse>;
}

export class DefaultPolicyService implements PolicyService {
  constructor(
    private readonly options: {
      urlReader: UrlReaderService;
      defaultSources: string[];
      maxFileBytes?: number;
    },
  ) {}

  static create(options: {
    config: Config;
    urlReader: UrlReaderService;
  }): DefaultPolicyService {
    const { config } = options;
    return new DefaultPolicyService({
      urlReader: options.urlReader,
      defaultSources:
        config.getOptionalStringArray('hermes.policies.sources') ?? [],
      maxFileBytes:
        config.getOptionalNumber('hermes.policies.maxFileBytes') ??
        DEFAULT_MAX_FILE_BYTES,
    });
  }

  async check(request: PolicyCheckRequest): Promise<PolicyCheckResponse> {
    const { defaultSources, urlReader } = this.options;
    const inline = request.policyDocuments ?? [];
    let sources: string[] = inline.length ? [] : defaultSources;
    if (request.policies)
      sources = checkRequestedSources(request.policies, {
        configured: defaultSources,
      });
    if (sources.length === 0 && inline.length === 0) {
      throw new InputError(
        'No policy sources: pass "policyDocuments" or "policies", or configure hermes.policies.sources',
      );
    }
    const maxBytes = this.options.maxFileBytes;
    const loaded = await loadYamlSources(sources, { urlReader, maxBytes });
    for (const document of inline) {
      const parsed = await parseYielding(document, maxBytes);
      loaded.objects.push(...parsed.objects);
      loaded.problems.push(...parsed.problems);
    }
    const { policies, problems: policyProblems } = compilePolicies(
      loaded.objects,
    );
    const problems = [...loaded.problems, ...policyProblems];
    if (policies.length === 0) {
      throw new InputError(
        `No Kyverno policies found in ${[
          ...sources,
          ...inline.map(d => d.name),
        ].join(', ')}`,
      );
    }
    const resources = [];
    for (const file of request.files) {
      const parsed = await parseYielding(file, maxBytes);
      problems.push(...parsed.problems);
      resources.push(...parsed.objects);
    }
    // The async check yields between evaluations, so other requests are served meanwhile.
    const results = applyExemptions(
      (await checkResourcesAsync(policies, resources)).filter(r => r.applies),
      request.exemptions,
    );
    return {
      summary: summarizeResults(results),
      results,
      problems,
      warnings: [
        ...loaded.warnings,
        ...policies.flatMap(p => p.warnings.map(w => `policy ${p.name}: ${w}`)),
      ],
    };
  }
}
