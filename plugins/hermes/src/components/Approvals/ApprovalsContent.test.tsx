import { renderInTestApp } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { HeldToolCall } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { hermesApiRef } from '../../api';
import { ApprovalsContent } from './ApprovalsContent';

const call = (id: string, tool: string): HeldToolCall => ({
  id,
  sessionId: `session-${id}`,
  sessionTitle: 'Restart the ranker',
  askedBy: 'user:default/ada',
  entityRef: 'component:default/ranker',
  tool,
  input: { action: 'kubernetes:rollout-restart', input: { name: 'ranker' } },
  reason: 'hermes.approvals.rules[1] (action_call): require-approval',
  approvers: ['group:default/sre'],
  status: 'pending',
  createdAt: '2026-11-25T09:30:00Z',
  canDecide: true,
});

async function render(api: object) {
  await act(async () => {
    await renderInTestApp(<ApprovalsContent />, {
      apis: [[hermesApiRef, api]],
    });
  });
}

describe('ApprovalsContent', () => {
  it('lists the held calls waiting for this user and records approvals and denials', async () => {
    const decideApproval = jest.fn(async (id: string, approved: boolean) => ({
      ...call(id, 'action_call'),
      status: approved ? ('approved' as const) : ('denied' as const),
      decidedBy: 'user:default/bob',
      canDecide: false,
    }));
    await render({
      listApprovals: async () => [
        call('ap1', 'action_call'),
        call('ap2', 'drift_run_audit'),
      ],
      decideApproval,
    });

    const first = await screen.findByRole('group', {
      name: 'action_call asked by user:default/ada',
    });
    expect(
      within(first).getByText(
        /about component:default\/ranker in "Restart the ranker"/,
      ),
    ).toBeInTheDocument();
    expect(
      within(first).getByText(/"kubernetes:rollout-restart"/),
    ).toBeInTheDocument();
    await act(async () => {
      fireEvent.click(within(first).getByRole('button', { name: 'Approve' }));
    });
    expect(decideApproval).toHaveBeenCalledWith('ap1', true);
    expect(
      within(first).getByText(
        /You approved this call\. user:default\/ada was notified/,
      ),
    ).toBeInTheDocument();
    expect(
      within(first).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();

    const second = screen.getByRole('group', {
      name: 'drift_run_audit asked by user:default/ada',
    });
    await act(async () => {
      fireEvent.click(within(second).getByRole('button', { name: 'Deny' }));
    });
    expect(decideApproval).toHaveBeenCalledWith('ap2', false);
    expect(
      within(second).getByText(/You denied this call/),
    ).toBeInTheDocument();
  });

  it('says why a decision was refused, e.g. someone decided first', async () => {
    const refused = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'Held call ap1 was already approved by user:default/eve',
          },
          response: { statusCode: 409 },
        }),
        { status: 409, headers: { 'content-type': 'application/json' } },
      ),
    );
    await render({
      listApprovals: async () => [call('ap1', 'action_call')],
      decideApproval: async () => {
        throw refused;
      },
    });
    await act(async () => {
      fireEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    });
    expect(
      screen.getByText(
        'Held call ap1 was already approved by user:default/eve',
      ),
    ).toBeInTheDocument();
  });

  it('says when nothing waits for a decision, and which config names approvers', async () => {
    await render({ listApprovals: async () => [] });
    expect(
      await screen.findByText('Nothing waits for your approval'),
    ).toBeInTheDocument();
    expect(screen.getByText(/hermes\.approvals\.rules/)).toBeInTheDocument();
  });
});
