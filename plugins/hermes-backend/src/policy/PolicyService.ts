import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  applyExemptions,
  checkResources,
  compilePolicies,
  DocumentProblem,
  ExemptedResult,
  parseKubernetesYaml,
  PolicyCheckRequest,
  summarizeResults,
  CheckSummary,
} from '@hermes-backstage/plugin-hermes-common';
import { loadYamlSources } from '@hermes-backstage/plugin-hermes-node';
import { InputError } from '@backstage/errors';

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
    return new DefaultPolicyService({
      urlReader: options.urlReader,
      defaultSources:
        options.config.getOptionalStringArray('hermes.policies.sources') ?? [],
    });
  }

  async check(request: PolicyCheckRequest): Promise<PolicyCheckResponse> {
    const sources = request.policies ?? this.options.defaultSources;
    if (sources.length === 0) {
      throw new InputError(
        'No policy sources: pass "policies" or configure hermes.policies.sources',
      );
    }
    const maxBytes = this.options.maxFileBytes;
    const loaded = await loadYamlSources(sources, {
      urlReader: this.options.urlReader,
      maxBytes,
    });
    const { policies, problems: policyProblems } = compilePolicies(
      loaded.objects,
    );
    const problems = [...loaded.problems, ...policyProblems];
    if (policies.length === 0) {
      throw new InputError(
        `No Kyverno policies found in ${sources.join(', ')}`,
      );
    }
    const resources = request.files.flatMap(file => {
      const parsed = parseKubernetesYaml(file.content, file.name, { maxBytes });
      problems.push(...parsed.problems);
      return parsed.objects;
    });
    const results = applyExemptions(
      checkResources(policies, resources).filter(r => r.applies),
      request.exemptions,
    );
    return {
      summary: summarizeResults(results),
      results,
      problems,
      warnings: policies.flatMap(p =>
        p.warnings.map(w => `policy ${p.name}: ${w}`),
      ),
    };
  }
}
