import { renderInTestApp } from '@backstage/frontend-test-utils';
import { HermesStatus } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { HermesApi, hermesApiRef, ModelChecks } from '../../api';
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
async function renderWith(
  answer: () => Promise<HermesStatus>,
  api: Partial<HermesApi> = {},
) {
  let release!: () => void;
  const gate = new Promise<void>(resolve => {
    release = resolve;
  });
  await renderInTestApp(<HermesStatusContent />, {
    apis: [[hermesApiRef, { getStatus: () => gate.then(answer), ...api }]],
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

  it('offers no model check when there is no model', async () => {
    await renderWith(async () => status);
    const models = await screen.findByRole('region', { name: 'Models' });
    expect(within(models).queryByRole('button')).not.toBeInTheDocument();
  });

  it('checks the models only when asked, showing per purpose ok with latency or the error', async () => {
    const configured = {
      ...status,
      models: [
        { purpose: 'chat' as const, provider: 'openai', model: 'gpt-5-mini' },
        { purpose: 'audit' as const, provider: 'local', model: 'small' },
      ],
    };
    let release!: (checks: ModelChecks) => void;
    const checkModels = jest.fn(
      () =>
        new Promise<ModelChecks>(resolve => {
          release = resolve;
        }),
    );
    await renderWith(async () => configured, { checkModels });
    const models = await screen.findByRole('region', { name: 'Models' });
    // Viewing the page costs nothing.
    expect(checkModels).not.toHaveBeenCalled();
    expect(within(models).queryByText(/^OK/)).not.toBeInTheDocument();

    fireEvent.click(
      within(models).getByRole('button', { name: 'Check models' }),
    );
    expect(
      within(models).getByRole('button', { name: 'Checking models…' }),
    ).toBeDisabled();
    await act(async () =>
      release({
        checkedAt: '2026-05-23T12:00:00.000Z',
        models: [
          {
            purpose: 'chat',
            provider: 'openai',
            model: 'gpt-5-mini',
            api: 'responses',
            ok: true,
            latencyMs: 412,
          },
          {
            purpose: 'audit',
            provider: 'local',
            model: 'small',
            api: 'chat',
            ok: false,
            latencyMs: 3,
            error: 'HTTP 401: Incorrect API key provided: ***.',
          },
        ],
      }),
    );
    const row = (model: string) =>
      within(models).getByRole('cell', { name: model }).closest('tr')!;
    expect(
      within(row('gpt-5-mini')).getByText('OK · 412 ms'),
    ).toBeInTheDocument();
    expect(
      within(row('small')).getByText(
        'HTTP 401: Incorrect API key provided: ***.',
      ),
    ).toBeInTheDocument();
    expect(checkModels).toHaveBeenCalledTimes(1);
  });

  it('says so when the check itself cannot be made', async () => {
    await renderWith(
      async () => ({
        ...status,
        models: [{ purpose: 'chat' as const, provider: 'p', model: 'm' }],
      }),
      {
        checkModels: async () => {
          throw new Error('backend restarting');
        },
      },
    );
    const models = await screen.findByRole('region', { name: 'Models' });
    await act(async () =>
      fireEvent.click(
        within(models).getByRole('button', { name: 'Check models' }),
      ),
    );
    expect(
      within(models).getByText(
        'Could not check the models: backend restarting',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error when the backend cannot be reached', async () => {
    await renderWith(async () => {
      throw new Error('backend down');
    });
    expect(await screen.findByText('Error: backend down')).toBeInTheDocument();
  });
});
