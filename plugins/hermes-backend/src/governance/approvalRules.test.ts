import { ConfigReader } from '@backstage/config';
import { callHash, decideApproval, readApprovalRules } from './approvalRules';

describe('approval rules', () => {
  const rules = readApprovalRules(
    new ConfigReader({
      hermes: {
        approvals: {
          rules: [
            { tool: 'memory', effect: 'allow' },
            {
              tool: 'kubernetes_*',
              cluster: 'neuroscale-prod',
              namespace: 'kyverno',
              effect: 'deny',
            },
            {
              tool: 'kubernetes_*',
              cluster: 'neuroscale-*',
              kind: 'Deployment',
              effect: 'require-approval',
              approvers: ['group:default/platform'],
            },
          ],
        },
      },
    }),
  );

  it.each([
    ['memory', {}, 'allow'],
    [
      'kubernetes_scale',
      { cluster: 'neuroscale-prod', namespace: 'kyverno', kind: 'Deployment' },
      'deny',
    ],
    [
      'kubernetes_scale',
      { cluster: 'neuroscale-prod', namespace: 'serving', kind: 'Deployment' },
      'require-approval',
    ],
    [
      'kubernetes_scale',
      { cluster: 'neuroscale-prod', kind: 'ConfigMap' },
      'deny',
    ],
    ['kubernetes_scale', { kind: 'Deployment' }, 'deny'],
    ['action_call', {}, 'deny'],
  ])('%s on %j: %s', (tool, target, effect) => {
    expect(decideApproval(rules, tool, target).effect).toBe(effect);
  });

  it('names the deciding rule, and why an unmatched call is denied', () => {
    expect(
      decideApproval(rules, 'kubernetes_scale', {
        cluster: 'neuroscale-dev',
        kind: 'Deployment',
      }),
    ).toEqual({
      effect: 'require-approval',
      reason:
        'hermes.approvals.rules[2] (kubernetes_*, cluster neuroscale-*, kind Deployment): require-approval',
      approvers: ['group:default/platform'],
    });
    expect(decideApproval([], 'skill_draft', {}).reason).toBe(
      'no rule in hermes.approvals.rules allows skill_draft, so it is denied',
    );
  });

  it('matches a many-star pattern against a long name from a request without backtracking', () => {
    const starry = readApprovalRules(
      new ConfigReader({
        hermes: {
          approvals: {
            rules: [
              { tool: '*', namespace: 'a*a*a*a*a*a*a*a*a*b', effect: 'deny' },
              { tool: '*', effect: 'allow' },
            ],
          },
        },
      }),
    );
    // A RegExp with `.*` per star takes minutes to reject this; the matcher is linear.
    const namespace = 'a'.repeat(20_000);
    expect(decideApproval(starry, 'kubernetes_get', { namespace }).effect).toBe(
      'allow',
    );
    expect(
      decideApproval(starry, 'kubernetes_get', { namespace: `${namespace}b` })
        .effect,
    ).toBe('deny');
  });

  it('fails start-up on an unknown effect, naming the entry', () => {
    expect(() =>
      readApprovalRules(
        new ConfigReader({
          hermes: { approvals: { rules: [{ tool: 'x', effect: 'maybe' }] } },
        }),
      ),
    ).toThrow(
      'hermes.approvals.rules[0].effect: "maybe" is not one of allow, deny, require-approval',
    );
  });

  it('binds a call by tool and arguments, whatever the key order', () => {
    const a = callHash('action_call', { id: 'x', input: { a: 1, b: [1, 2] } });
    expect(
      callHash('action_call', { input: { b: [1, 2], a: 1 }, id: 'x' }),
    ).toBe(a);
    expect(
      callHash('action_call', { id: 'x', input: { a: 2, b: [1, 2] } }),
    ).not.toBe(a);
    expect(
      callHash('memory', { id: 'x', input: { a: 1, b: [1, 2] } }),
    ).not.toBe(a);
  });
});
