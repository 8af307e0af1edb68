import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import path from 'node:path';
import {
  createTestDatabases,
  databaseService,
} from '../__testUtils__/databases';
import { examples } from '../__testUtils__/demo';
import { DefaultSkillsService } from '../skills/DefaultSkillsService';
import { DefaultDriftService } from './DriftService';
import { KnexDriftStore } from './DriftStore';

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the audit report on %s',
  databaseId => {
    it('says what history says about similar drift, as in the sample report', async () => {
      const knex = await databases.init(databaseId);
      const database = databaseService(knex);
      const logger = mockServices.logger.mock();
      const skills = await DefaultSkillsService.create({
        config: mockServices.rootConfig({
          data: {
            hermes: {
              skills: {
                directories: [path.resolve(__dirname, '../../../../skills')],
              },
            },
          },
        }),
        database,
        logger,
      });
      const store = await KnexDriftStore.create({ database });
      const drift = new DefaultDriftService({
        store,
        catalog: catalogServiceMock(),
        skills,
        urlReader: mockServices.urlReader.mock(),
        logger,
        clusters: [],
        audits: [
          {
            name: 'demo',
            cluster: 'neuroscale-prod',
            desired: {
              directory: path.join(examples, 'gitops/clusters/neuroscale-prod'),
            },
            liveSnapshot: path.join(
              examples,
              'cluster-snapshot/neuroscale-prod',
            ),
            watchedKinds: ['kyverno.io/v1/ClusterPolicy'],
            ignoreDifferences: [],
          },
        ],
      });
      // Two earlier manual edits of other ClusterPolicies, both reverted.
      const earlier = await store.startAudit({
        cluster: 'neuroscale-prod',
        trigger: 'manual',
        desiredSource: 'git',
        liveSource: 'snapshot',
      });
      await store.finishAudit(earlier, {
        findings: ['disallow-privileged', 'require-labels'].map(name => ({
          fingerprint: `fp-${name}`,
          cluster: 'neuroscale-prod',
          resource: {
            apiVersion: 'kyverno.io/v1',
            kind: 'ClusterPolicy',
            name,
          },
          labels: {},
          type: 'modified' as const,
          changes: [{ path: '/spec/background', desired: true, live: false }],
          classification: 'critical' as const,
          attribution: {
            manager: 'kubectl-edit',
            operation: 'Update',
            class: 'human' as const,
          },
        })),
        report: '',
        warnings: [],
      });
      for (const f of await store.listFindings({ auditId: earlier }))
        await store.resolveFinding(f.id, {
          resolution: 'reverted',
          userRef: 'user:default/ada',
        });

      const context =
        'history: 3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting';
      const first = await drift.runAudit('demo', 'manual');
      const under = (report: string, headline: string) =>
        report.split('\n\n').find(g => g.includes(headline))!;
      expect(
        under(first.report!, 'ClusterPolicy require-resource-limits'),
      ).toContain(context);
      // Re-running the audit finds the same drift again: it counts once.
      const second = await drift.runAudit('demo', 'manual');
      const lines = second.report!.split('\n');
      const at = lines.findIndex(l =>
        l.includes('ClusterPolicy require-resource-limits'),
      );
      // Re-running while it drifts continues the same episode: not "seen 2×".
      expect(lines.slice(at, at + 5).join('\n')).toContain(context);
      expect(lines.slice(at, at + 5).join('\n')).not.toContain('seen 2×');
      // A policy created in the cluster is not an edit: nothing similar to say.
      const extra = lines.findIndex(l =>
        l.includes('ClusterPolicy allow-debug-pods'),
      );
      expect(lines.slice(extra, extra + 4).join('\n')).not.toContain(
        'ClusterPolicy creation',
      );
      // The API gives the Drift tab the same.
      const findings = await drift.listFindings({
        auditId: second.id,
        credentials: mockCredentials.user('user:default/ada'),
      });
      expect(
        findings.find(f => f.resource.name === 'require-resource-limits')
          ?.history.similar,
      ).toEqual({
        count: 3,
        resolutions: { harmless: 0, reverted: 2, committed: 0, critical: 0 },
        unresolved: 0,
        description:
          '3rd manual ClusterPolicy edit in 14 days; previous 2 resolved by reverting',
      });
    });
  },
);
