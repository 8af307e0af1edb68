import { renderInTestApp } from '@backstage/frontend-test-utils';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import { act, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { HermesStatusContent } from './HermesStatusContent';

const status: HermesStatus = {
  version: '0.1.0',
  database: { client: 'pg' },
  clusters: [{ name: 'neuroscale-prod', source: 'kubernetes' }],
  models: [],
  skills: {
    names: ['knative-autoscaler-drift', 'kyverno-drift-response'],
    errors: [
      { location: 'skills/bad/SKILL.md', message: 'description: Required' },
    ],
  },
};

/**
 * Renders the page with a status answer released inside act(), so React applies the update
 * the way a browser would, without act() warnings.
 */
async function renderWith(answer: () => Promise<HermesStatus>) {
  let release!: () => void;
  const gate = new Promise<void>(resolve => {
    release = resolve;
  });
  await renderInTestApp(<HermesStatusContent />, {
    apis: [[hermesApiRef, { getStatus: () => gate.then(answer) }]],
  });
  await act(async () => release());
}

describe('HermesStatusContent', () => {
  it('shows the backend, clusters, models and skills', async () => {
    await renderWith(async () => status);

    const backend = await screen.findByRole('region', { name: 'Backend' });
    expect(
      within(backend).getByText('Plugin version 0.1.0'),
    ).toBeInTheDocument();
    expect(
      within(backend).getByText('Database: PostgreSQL (pg)'),
    ).toBeInTheDocument();

    const clusters = screen.getByRole('region', { name: 'Clusters' });
    expect(within(clusters).getByText('neuroscale-prod')).toBeInTheDocument();

    const models = screen.getByRole('region', { name: 'Models' });
    expect(within(models).getByText(/Models: none/)).toBeInTheDocument();

    const skills = screen.getByRole('region', { name: 'Skills' });
    expect(within(skills).getByText('2 skills loaded')).toBeInTheDocument();
    expect(
      within(skills).getByText('kyverno-drift-response'),
    ).toBeInTheDocument();
    expect(
      within(skills).getByText('skills/bad/SKILL.md: description: Required'),
    ).toBeInTheDocument();
  });

  it('lists configured models per purpose', async () => {
    await renderWith(async () => ({
      ...status,
      models: [
        {
          purpose: 'chat' as const,
          provider: 'openrouter',
          model: 'big-model',
        },
      ],
    }));
    const models = await screen.findByRole('region', { name: 'Models' });
    expect(
      within(models).getByRole('cell', { name: 'big-model' }),
    ).toBeInTheDocument();
    expect(within(models).queryByText(/Models: none/)).not.toBeInTheDocument();
  });

  it('shows the error when the backend cannot be reached', async () => {
    await renderWith(async () => {
      throw new Error('backend down');
    });
    expect(await screen.findByText('Error: backend down')).toBeInTheDocument();
  });
});
