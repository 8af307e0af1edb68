import { z } from 'zod';
import type { z as zodV3 } from 'zod/v3';
import type { PolicyExemption } from './exemptions';

/**
 * The `exemptions` of a policy check: accepted violations, each with a reason. One definition
 * for the REST route and the scaffolder action `hermes:policy:precheck`. It takes the `z` to
 * build with because Backstage builds an action's input with the zod 3 API it passes in
 * (`zod/v3`, which it turns into the JSON Schema that validates template input), while the
 * route validates with zod 4; both build these fields the same way.
 *
 * @public
 */
export function policyExemptionsSchema(
  zod: typeof z,
): z.ZodType<PolicyExemption[]>;
/** @public */
export function policyExemptionsSchema(
  zod: typeof zodV3,
): zodV3.ZodType<PolicyExemption[]>;
export function policyExemptionsSchema(zod: typeof z | typeof zodV3): unknown {
  const build = zod as typeof z;
  return build
    .array(
      build.object({
        policy: build.string(),
        rule: build.string().optional(),
        kind: build.string().optional(),
        namespace: build.string().optional(),
        name: build.string().optional(),
        reason: build.string().min(1),
      }),
    )
    .describe('Accepted violations, each with a reason (wildcards allowed)');
}

const inlineDocuments = z.array(
  z.object({ name: z.string().min(1), content: z.string() }),
);

/**
 * A request to `POST /api/hermes/policy/check`: manifests given inline, checked against
 * policies given inline (`policyDocuments`), named sources (`policies`: ones configured in
 * `hermes.policies.sources`, or URLs), or by default the configured sources; with accepted
 * violations. A request never names a path on the server.
 *
 * @public
 */
export const policyCheckRequestSchema = z.object({
  files: inlineDocuments.min(1, 'at least one file is required'),
  policies: z.array(z.string().min(1)).optional(),
  policyDocuments: inlineDocuments.optional(),
  exemptions: policyExemptionsSchema(z).optional(),
});

/** @public */
export type PolicyCheckRequest = z.infer<typeof policyCheckRequestSchema>;
