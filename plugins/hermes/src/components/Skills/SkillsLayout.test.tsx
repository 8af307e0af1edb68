import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SkillDetails } from '@hermes-backstage/plugin-hermes-common';
import { act, fireEvent, screen, within } from '@testing-library/react';
import { SWRConfig } from 'swr';
import { hermesApiRef, SkillListEntry } from '../../api';
import { SkillsContent } from './SkillsContent';

const LONG =
  'kyverno-clusterpolicy-drift-response-for-admission-control-bypass-in-production';

function entry(name: string): SkillListEntry {
  return {
    name,
    description: `What to do about ${name}`,
    source: 'user',
    status: 'active',
    version: 1,
    contentHash: 'h',
    updatedAt: '2026-11-24T10:00:00Z',
    pendingDrafts: 0,
    usage: { loaded: 0, successes: 0, failures: 0 },
  } as SkillListEntry;
}

async function renderLibrary(url = '/') {
  const details = (name: string): SkillDetails => ({
    skill: entry(name),
    document: `---\nname: ${name}\ndescription: About it.\n---\n\n# Body\n`,
    files: [],
    versions: [
      {
        name,
        version: 1,
        status: 'active',
        author: 'user:default/ana',
        description: 'About it.',
        contentHash: 'h',
        createdAt: '2026-11-24T10:00:00Z',
      },
    ],
    usage: { loaded: 0, successes: 0, failures: 0 },
  });
  await act(async () => {
    await renderInTestApp(
      <SWRConfig value={{ provider: () => new Map() }}>
        <SkillsContent />
      </SWRConfig>,
      {
        apis: [
          [
            hermesApiRef,
            {
              listSkills: async () => [
                entry(LONG),
                entry('argo-sync-failures'),
              ],
              getSkill: async (name: string) => details(name),
            },
          ],
          [permissionApiRef, mockApis.permission()],
        ],
        initialRouteEntries: [url],
      },
    );
  });
}

const headers = () =>
  within(screen.getByRole('table', { name: 'Skills' }))
    .getAllByRole('columnheader')
    .map(h => h.textContent);

describe('skills library layout', () => {
  it('takes the full width with every column while no skill is open, names on one line', async () => {
    await renderLibrary();
    const row = await screen.findByRole('row', { name: LONG });
    expect(headers()).toEqual([
      'Name',
      'Description',
      'Source',
      'Status',
      'Version',
      'Used',
    ]);
    for (const header of screen.getAllByRole('columnheader')) {
      expect(header).toHaveStyle({ whiteSpace: 'nowrap' });
    }
    const name = within(row).getByRole('button', { name: LONG });
    expect(name).toHaveStyle({
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    });
    expect(name).toHaveAttribute('title', LONG);
    fireEvent.mouseOver(name);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(LONG);
    // The list is alone in its grid: one column, the whole width.
    expect(
      screen
        .getByRole('table', { name: 'Skills' })
        .closest('[class*="MuiPaper-root"]')?.parentElement,
    ).toHaveStyle({ gridTemplateColumns: '1fr' });
  });

  it('narrows to the names and their status beside an open skill (?skill=)', async () => {
    await renderLibrary('/?skill=argo-sync-failures');
    expect(
      await screen.findByRole('article', { name: 'Skill argo-sync-failures' }),
    ).toBeInTheDocument();
    expect(headers()).toEqual(['Name']);
    const row = screen.getByRole('row', { name: LONG });
    expect(within(row).getByText('active')).toBeInTheDocument();
    expect(
      within(row).queryByText(`What to do about ${LONG}`),
    ).not.toBeInTheDocument();

    // Opening another skill keeps the list narrow.
    await act(async () => {
      fireEvent.click(within(row).getByRole('button', { name: LONG }));
    });
    expect(
      await screen.findByRole('article', { name: `Skill ${LONG}` }),
    ).toBeInTheDocument();
    expect(headers()).toEqual(['Name']);
  });
});
