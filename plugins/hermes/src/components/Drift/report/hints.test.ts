import { DriftFindingRecord } from '@hermes-backstage/plugin-hermes-common';
import { argoFinding, finding, policyFinding } from '../fixtures';
import { commitHint, parseGitFile, revertHint, shellWord } from './hints';

describe('parseGitFile', () => {
  it.each([
    [
      'GitHub blob with a line anchor',
      'https://github.com/acme/gitops/blob/main/apps/web/deploy.yaml#L4',
      {
        repo: 'github.com/acme/gitops',
        ref: 'main',
        path: 'apps/web/deploy.yaml',
      },
    ],
    [
      'GitLab blob in a subgroup',
      'https://gitlab.example.com/platform/infra/gitops/-/blob/v1.2/base/svc.yaml',
      {
        repo: 'gitlab.example.com/platform/infra/gitops',
        ref: 'v1.2',
        path: 'base/svc.yaml',
      },
    ],
    [
      'Gitea commit',
      'https://git.example.com/ops/gitops/src/commit/abc123/k8s/a%20b.yaml',
      {
        repo: 'git.example.com/ops/gitops',
        ref: 'abc123',
        path: 'k8s/a b.yaml',
      },
    ],
    [
      'Bitbucket Cloud',
      'https://bitbucket.org/acme/gitops/src/main/cm.yaml',
      { repo: 'bitbucket.org/acme/gitops', ref: 'main', path: 'cm.yaml' },
    ],
  ])('reads the file of a %s link', (_, link, expected) => {
    expect(parseGitFile(link)).toEqual(expected);
  });

  it('gives nothing for a link of another shape', () => {
    expect(parseGitFile('https://example.com/some/page')).toBeUndefined();
    expect(parseGitFile('not a url')).toBeUndefined();
  });
});

describe('shellWord', () => {
  it('quotes only words the shell would split or expand', () => {
    expect(shellWord('serving-stack')).toBe('serving-stack');
    expect(shellWord('a b')).toBe("'a b'");
    expect(shellWord("it's$HOME")).toBe("'it'\\''s$HOME'");
  });
});

describe('revertHint', () => {
  it('applies a missing object from its Git file', () => {
    const missing: DriftFindingRecord = {
      ...policyFinding,
      type: 'missing',
      changes: [],
      resource: { ...policyFinding.resource, namespace: 'kyverno' },
    };
    const hint = revertHint(missing);
    expect(hint.note).toMatch(/^Create it from the manifest in Git/);
    expect(hint.command).toContain(
      'kubectl --context neuroscale-prod -n kyverno apply -f clusters/prod/kyverno/require-limits.yaml',
    );
  });

  it('prefers an Argo CD sync, which applies what Argo CD renders', () => {
    expect(
      revertHint({
        ...argoFinding,
        links: { ...argoFinding.links!, git: policyFinding.links!.git },
      }).command,
    ).toMatch(/^argocd app sync serving --resource apps:Deployment:/);
  });

  it('applies the file a local checkout declared it in, which has no web link', () => {
    const hint = revertHint({
      ...finding,
      links: { ...finding.links!, file: 'apps/serving/fraud-detector.yaml' },
    });
    expect(hint.command).toBe(
      '# in a checkout of the desired source\nkubectl --context neuroscale-prod -n serving-stack apply -f apps/serving/fraud-detector.yaml',
    );
  });

  it('offers no command when the audit did not record the file', () => {
    const hint = revertHint(finding);
    expect(hint.command).toBeUndefined();
    expect(hint.note).toMatch(/did not record which file/);
  });
});

describe('commitHint', () => {
  it('names the fields to copy and the file they go to', () => {
    const hint = commitHint(policyFinding);
    expect(hint.note).toBe(
      'Copy the live value of /spec/validationFailureAction, /spec/background into clusters/prod/kyverno/require-limits.yaml and commit.',
    );
    expect(hint.command).toMatch(
      /^kubectl --context neuroscale-prod get clusterpolicy\.kyverno\.io require-resource-limits -o yaml\n/,
    );
  });

  it('never suggests committing a Secret from the cluster', () => {
    const hint = commitHint({
      ...finding,
      resource: { apiVersion: 'v1', kind: 'Secret', name: 's', namespace: 'n' },
    });
    expect(hint.command).toBeUndefined();
    expect(hint.note).toMatch(/sealed or external secret/);
  });

  it('accepts a missing object by removing it from Git', () => {
    const hint = commitHint({ ...policyFinding, type: 'missing', changes: [] });
    expect(hint.command).toBeUndefined();
    expect(hint.note).toContain(
      'remove the object from clusters/prod/kyverno/require-limits.yaml',
    );
  });
});
