import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { act, screen, within } from '@testing-library/react';
import { EntitySkills, hermesApiRef } from '../../api';
import { EntitySkillsCard } from './EntitySkillsCard';

async function renderCard(skillsForEntity: jest.Mock) {
  await act(async () => {
    await renderInTestApp(
      <EntitySkillsCard entityRef="component:default/kyverno" />,
      { apis: [[hermesApiRef, { skillsForEntity }]] },
    );
  });
}

const answer: EntitySkills = {
  entityRef: 'component:default/kyverno',
  windowDays: 30,
  skills: [
    {
      name: 'kyverno-drift-response',
      description: 'An admission policy differs from Git.',
      matches: ['about ClusterPolicy objects, which this drift involves'],
      decided: { harmless: 0, critical: 2 },
      ruleMatches: 2,
      lastDecidedAt: '2026-05-23T12:00:00.000Z',
    },
    {
      name: 'knative-autoscaler-drift',
      description: 'Knative owns replica counts.',
      matches: [],
      decided: { harmless: 4, critical: 1 },
      ruleMatches: 5,
    },
    {
      name: 'cost-labels',
      description: 'Cost-center labels feed chargeback.',
      matches: [],
      decided: { harmless: 0, critical: 0 },
      ruleMatches: 1,
    },
    {
      name: 'model-endpoint-runbook',
      description: 'How to operate a model endpoint.',
      matches: [
        'written for Component entities',
        'written for entities with backstage.io/kubernetes-id',
      ],
      decided: { harmless: 0, critical: 0 },
      ruleMatches: 0,
    },
  ],
};

describe('EntitySkillsCard', () => {
  it('lists each skill with what it decided about the entity, linked to the skill', async () => {
    const skillsForEntity = jest.fn().mockResolvedValue(answer);
    await renderCard(skillsForEntity);
    expect(skillsForEntity).toHaveBeenCalledWith('component:default/kyverno');

    const list = await screen.findByRole('list', {
      name: 'Skills for this entity',
    });
    const kyverno = within(list).getByRole('listitem', {
      name: 'kyverno-drift-response',
    });
    expect(
      within(kyverno).getByRole('link', { name: 'kyverno-drift-response' }),
    ).toHaveAttribute(
      'href',
      '/hermes?tab=skills&skill=kyverno-drift-response',
    );
    expect(
      within(kyverno).getByText(
        'Classified 2 findings critical in the last 30 days.',
      ),
    ).toBeInTheDocument();
    expect(
      within(kyverno).getByText(
        'Applies: about ClusterPolicy objects, which this drift involves',
      ),
    ).toBeInTheDocument();

    expect(
      within(
        within(list).getByRole('listitem', {
          name: 'knative-autoscaler-drift',
        }),
      ).getByText(
        'Classified 5 findings in the last 30 days: 4 harmless, 1 critical.',
      ),
    ).toBeInTheDocument();
    expect(
      within(
        within(list).getByRole('listitem', { name: 'cost-labels' }),
      ).getByText(
        "Its rules match 1 finding in the last 30 days but decided none of them: the rule is newer than the audit, or another skill's rule decided.",
      ),
    ).toBeInTheDocument();
    const runbook = within(list).getByRole('listitem', {
      name: 'model-endpoint-runbook',
    });
    expect(
      within(runbook).getByText(
        "Decided none of this entity's findings in the last 30 days.",
      ),
    ).toBeInTheDocument();
    expect(
      within(runbook).getByText(
        'Applies: written for Component entities · written for entities with backstage.io/kubernetes-id',
      ),
    ).toBeInTheDocument();
  });

  it('says plainly when no skill applies', async () => {
    await renderCard(jest.fn().mockResolvedValue({ ...answer, skills: [] }));
    expect(
      await screen.findByText(
        /^No skill applies to this entity or decided its drift in the last 30 days\./,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it("shows the server's reason when the entity cannot be read", async () => {
    const error = await ResponseError.fromResponse(
      Response.json(
        {
          error: {
            name: 'NotFoundError',
            message:
              'No entity component:default/kyverno, or you may not read it',
          },
          request: { method: 'GET', url: '/entity-skills' },
          response: { statusCode: 404 },
        },
        { status: 404 },
      ),
    );
    await renderCard(jest.fn().mockRejectedValue(error));
    expect(
      await screen.findByText(
        'Could not read the skills for this entity: No entity component:default/kyverno, or you may not read it',
      ),
    ).toBeInTheDocument();
  });
});
