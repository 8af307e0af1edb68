import { ResponseError } from '@backstage/errors';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SWRConfig } from 'swr';
import {
  HermesStatus,
  SkillDetails,
  SkillFile,
  SkillVersionSummary,
} from '@hermes-backstage/plugin-hermes-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { HermesApi, hermesApiRef, SkillListEntry } from '../../api';
import { HermesPage } from '../HermesPage';
import { SkillsContent } from './SkillsContent';

const ARGO_V2 = `---
name: argo-sync-failures
description: What to do when an Argo CD sync fails.
---

# Argo sync failures

Retry the sync.
`;
const ARGO_V3 = ARGO_V2.replace(
  'Retry the sync.',
  'Check the sync window first.',
);
const ARGO_DIFF = `--- a/argo-sync-failures/SKILL.md\tversion 2
+++ b/argo-sync-failures/SKILL.md\tversion 3
@@ -5,3 +5,3 @@
 # Argo sync failures
 
-Retry the sync.
+Check the sync window first.
`;

const KYVERNO = `---
name: kyverno-drift-response
description: Respond to a Kyverno policy changed in the cluster.
---

# Kyverno drift response

Revert the policy.
`;

function version(
  v: number,
  status: SkillVersionSummary['status'],
  extra: Partial<SkillVersionSummary> = {},
): SkillVersionSummary {
  return {
    name: 'argo-sync-failures',
    version: v,
    status,
    author: status === 'draft' ? 'agent' : 'user:default/ops-admin',
    description: 'What to do when an Argo CD sync fails.',
    contentHash: `h${v}`,
    createdAt: `2026-11-2${v}T10:00:00Z`,
    ...extra,
  };
}

function summary(entry: Partial<SkillListEntry> & { name: string }) {
  return {
    description: `About ${entry.name}`,
    source: 'user',
    status: 'active',
    version: 1,
    contentHash: 'h',
    updatedAt: '2026-11-24T10:00:00Z',
    pendingDrafts: 0,
    usage: { loaded: 0, successes: 0, failures: 0 },
    ...entry,
  } as SkillListEntry;
}

/** The Knative skill's rules classified drift in every audit; the agent never loaded it. */
const KNATIVE_EFFECT = {
  classified: 140,
  audits: 30,
  agreement: 0.96,
  modelCallsSaved: 140,
  lastClassifiedAt: '2026-11-24T06:00:00Z',
};

/**
 * A skills library behind a mocked API: a directory skill, a user skill with an agent draft
 * waiting for approval, and a skill that is only a draft. Approving changes what it returns.
 */
function library(overrides: Partial<HermesApi> = {}) {
  let approved = false;
  const argo = (): SkillDetails => ({
    skill: summary({
      name: 'argo-sync-failures',
      description: 'What to do when an Argo CD sync fails.',
      version: approved ? 3 : 2,
      pendingDrafts: approved ? 0 : 1,
    }),
    document: approved ? ARGO_V3 : ARGO_V2,
    files: ['references/argo-cli.md'],
    versions: [
      version(3, approved ? 'active' : 'draft', {
        baseVersion: 2,
        message: 'Sync windows block syncs',
      }),
      version(2, approved ? 'superseded' : 'active'),
      version(1, 'superseded'),
    ],
    usage: { loaded: 4, successes: 3, failures: 1 },
  });
  const details: Record<string, () => SkillDetails> = {
    'argo-sync-failures': argo,
    'kyverno-drift-response': () => ({
      skill: summary({
        name: 'kyverno-drift-response',
        source: 'directory',
        version: 2,
        location: '/portal/skills/kyverno-drift-response/SKILL.md',
      }),
      document: KYVERNO,
      files: [],
      versions: [
        { ...version(2, 'active'), author: 'directory' },
        { ...version(1, 'superseded'), author: 'directory' },
      ],
      usage: { loaded: 0, successes: 0, failures: 0 },
    }),
    'knative-autoscaler-drift': () => ({
      skill: summary({
        name: 'knative-autoscaler-drift',
        source: 'directory',
      }),
      document: KYVERNO.replace(
        /kyverno-drift-response/,
        'knative-autoscaler-drift',
      ),
      files: [],
      versions: [{ ...version(1, 'active'), author: 'directory' }],
      usage: { loaded: 0, successes: 0, failures: 0 },
      effect: KNATIVE_EFFECT,
    }),
  };
  const api = {
    listSkills: jest.fn(async (options: { q?: string } = {}) => {
      const all = [
        summary({ name: 'argo-sync-failures' }),
        summary({
          name: 'knative-scale-notes',
          source: 'agent',
          status: 'draft',
          version: undefined,
        }),
        summary({ name: 'kyverno-drift-response', source: 'directory' }),
        summary({ name: 'knative-autoscaler-drift', source: 'directory' }),
      ].map(s => {
        const d = details[s.name]?.();
        return d ? { ...d.skill, usage: d.usage, effect: d.effect } : s;
      });
      return options.q
        ? [
            {
              ...all[0],
              tags: ['argo'],
              snippet: 'when an Argo CD **sync** fails',
            },
          ]
        : all;
    }),
    getSkill: jest.fn(async (name: string) => details[name]()),
    approveSkillVersion: jest.fn(async () => {
      approved = true;
      return { ...version(3, 'active'), document: ARGO_V3 };
    }),
    rejectSkillVersion: jest.fn(async () => ({
      ...version(3, 'rejected'),
      document: ARGO_V3,
    })),
    rollbackSkill: jest.fn(async () => ({
      ...version(4, 'active'),
      document: ARGO_V2,
    })),
    diffSkillVersions: jest.fn(async () => ARGO_DIFF),
    getSkillVersion: jest.fn(async (_name: string, v: number) => ({
      ...version(v, 'superseded'),
      document: ARGO_V2,
    })),
    saveSkill: jest.fn(),
    deleteSkill: jest.fn(),
    exportSkill: jest.fn(),
    importSkill: jest.fn(),
    ...overrides,
  };
  return api;
}

/** Renders the library for a user whom the permission policy denies `denied`. */
async function renderSkills(
  api: ReturnType<typeof library>,
  denied: string[] = [],
  url = '/',
) {
  const permissionApi = mockApis.permission({
    authorize: request =>
      denied.includes(request.permission.name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  await act(async () => {
    // A fresh permission cache per render: usePermission keeps answers for the app's life.
    await renderInTestApp(
      <SWRConfig value={{ provider: () => new Map() }}>
        <SkillsContent />
      </SWRConfig>,
      {
        apis: [
          [hermesApiRef, api],
          [permissionApiRef, permissionApi],
        ],
        initialRouteEntries: [url],
      },
    );
  });
}

async function openSkill(name: string) {
  const row = await screen.findByRole('row', { name });
  await act(async () => {
    fireEvent.click(within(row).getByRole('button', { name }));
  });
  return screen.findByRole('article', { name: `Skill ${name}` });
}

function refusal(message: string): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'InputError', message },
        response: { statusCode: 400 },
      }),
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
      },
    ),
  );
}

describe('SkillsContent', () => {
  it('lists every skill with drafts marked, filters to those awaiting approval, and searches', async () => {
    const api = library();
    await renderSkills(api);

    const argo = await screen.findByRole('row', { name: 'argo-sync-failures' });
    expect(within(argo).getByText('1 draft to approve')).toBeInTheDocument();
    expect(
      within(
        screen.getByRole('row', { name: 'knative-scale-notes' }),
      ).getByText('draft: needs approval'),
    ).toBeInTheDocument();

    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Awaiting approval only (2)' }),
    );
    expect(
      screen.queryByRole('row', { name: 'kyverno-drift-response' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('row', { name: 'knative-scale-notes' }),
    ).toBeInTheDocument();
    fireEvent.click(
      screen.getByRole('checkbox', { name: 'Awaiting approval only (2)' }),
    );

    fireEvent.change(screen.getByRole('searchbox', { name: 'Search skills' }), {
      target: { value: 'sync ' },
    });
    await waitFor(() =>
      expect(
        screen.queryByRole('row', { name: 'kyverno-drift-response' }),
      ).not.toBeInTheDocument(),
    );
    expect(api.listSkills).toHaveBeenLastCalledWith({ q: 'sync' });
    const hit = screen.getByRole('row', { name: 'argo-sync-failures' });
    expect(hit).toHaveTextContent('when an Argo CD sync fails');
    expect(within(hit).getByText('sync').tagName).toBe('MARK');
  });

  it('counts a skill whose rules classify drift as used, and shows the evidence of its effect', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-11-24T09:00:00Z'));
    const api = library();
    await renderSkills(api);

    const used = (name: string) =>
      within(screen.getByRole('row', { name })).getAllByRole('cell')[5];
    await screen.findByRole('row', { name: 'knative-autoscaler-drift' });
    expect(used('knative-autoscaler-drift')).toHaveTextContent(
      /^classified 140 findings in 30 audits$/,
    );
    expect(used('argo-sync-failures')).toHaveTextContent(
      /^loaded by the agent 4×$/,
    );
    expect(used('knative-scale-notes')).toHaveTextContent(/^not used$/);

    const panel = await openSkill('knative-autoscaler-drift');
    const effect = within(panel).getByRole('region', {
      name: 'Triage effect',
    });
    const figure = (label: string) =>
      within(effect).getByRole('group', { name: label });
    expect(figure('Findings classified')).toHaveTextContent('140');
    expect(figure('Audits')).toHaveTextContent('30');
    expect(figure('Agreement with later labels')).toHaveTextContent('96%');
    expect(figure('Model calls saved')).toHaveTextContent('140');
    expect(effect).toHaveTextContent(
      'Last classified a finding in the audit of 3 h ago.',
    );
    expect(within(effect).getByText('3 h ago')).toHaveAttribute(
      'title',
      '2026-11-24 06:00 UTC',
    );
    jest.restoreAllMocks();
    expect(
      within(panel).getByText('Not loaded by the agent in chat yet.'),
    ).toBeInTheDocument();
    expect(within(panel).queryByText(/not used/i)).not.toBeInTheDocument();

    // A skill without triage rules has no such section.
    const argo = await openSkill('argo-sync-failures');
    expect(
      within(argo).queryByRole('region', { name: 'Triage effect' }),
    ).not.toBeInTheDocument();
  });

  it('approves a draft version, after which the skill and the list show it active', async () => {
    const api = library();
    await renderSkills(api);
    const panel = await openSkill('argo-sync-failures');

    expect(
      within(panel).getByText(/Draft version 3, proposed by the agent/),
    ).toBeInTheDocument();
    expect(
      await within(panel).findByRole('heading', { name: 'Argo sync failures' }),
    ).toBeInTheDocument();
    expect(within(panel).getByText('references/argo-cli.md')).toBeVisible();
    expect(
      within(panel).getByText('Loaded by 4 agent runs: 3 succeeded, 1 failed'),
    ).toBeInTheDocument();

    const draft = within(panel).getByRole('row', { name: 'Version 3' });
    expect(within(draft).getByText('Sync windows block syncs')).toBeVisible();
    await act(async () => {
      fireEvent.click(within(draft).getByRole('button', { name: 'Approve' }));
    });

    expect(api.approveSkillVersion).toHaveBeenCalledWith(
      'argo-sync-failures',
      3,
    );
    await waitFor(() =>
      expect(
        within(
          screen.getByRole('row', { name: 'argo-sync-failures' }),
        ).queryByText('1 draft to approve'),
      ).not.toBeInTheDocument(),
    );
    expect(
      screen.getByRole('checkbox', { name: 'Awaiting approval only (1)' }),
    ).toBeInTheDocument();
    const approved = within(panel).getByRole('row', { name: 'Version 3' });
    expect(within(approved).getByText('active')).toBeInTheDocument();
    expect(
      within(approved).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      within(panel).queryByText(/proposed by the agent/),
    ).not.toBeInTheDocument();
  });

  it('rejects a draft with a reason and rolls back to an earlier version', async () => {
    const api = library();
    await renderSkills(api);
    const panel = await openSkill('argo-sync-failures');

    fireEvent.click(
      within(within(panel).getByRole('row', { name: 'Version 3' })).getByRole(
        'button',
        { name: 'Reject' },
      ),
    );
    const dialog = screen.getByRole('dialog');
    fireEvent.change(
      within(dialog).getByRole('textbox', { name: 'Reason (optional)' }),
      { target: { value: 'sync windows do not apply here' } },
    );
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    });
    expect(api.rejectSkillVersion).toHaveBeenCalledWith(
      'argo-sync-failures',
      3,
      'sync windows do not apply here',
    );

    await act(async () => {
      fireEvent.click(
        within(within(panel).getByRole('row', { name: 'Version 1' })).getByRole(
          'button',
          { name: 'Roll back' },
        ),
      );
    });
    expect(api.rollbackSkill).toHaveBeenCalledWith('argo-sync-failures', 1);
    // The active version and drafts cannot be rolled back to.
    expect(
      within(within(panel).getByRole('row', { name: 'Version 2' })).queryByRole(
        'button',
        { name: 'Roll back' },
      ),
    ).not.toBeInTheDocument();
  });

  it('compares a draft with the version it was written from, added and removed lines apart', async () => {
    const api = library();
    await renderSkills(api);
    const panel = await openSkill('argo-sync-failures');

    const diff = await within(panel).findByLabelText('Diff');
    expect(api.diffSkillVersions).toHaveBeenCalledWith(
      'argo-sync-failures',
      2,
      3,
    );
    expect(
      within(diff)
        .getAllByRole('insertion')
        .map(line => line.textContent),
    ).toEqual(['+Check the sync window first.']);
    // The `---` file header is not a removed line.
    expect(
      within(diff)
        .getAllByRole('deletion')
        .map(line => line.textContent),
    ).toEqual(['-Retry the sync.']);
    expect(diff).toHaveStyle({ fontFamily: 'monospace' });

    fireEvent.mouseDown(within(panel).getByRole('combobox', { name: 'From' }));
    await act(async () => {
      fireEvent.click(
        screen.getByRole('option', { name: 'Version 1 (superseded)' }),
      );
    });
    expect(api.diffSkillVersions).toHaveBeenLastCalledWith(
      'argo-sync-failures',
      1,
      3,
    );
  });

  it("keeps the edited text and shows the server's reason when a save is refused", async () => {
    const reason =
      'skill "argo-sync-failures" contains what looks like a GitHub token (line 8); remove it';
    const saveSkill = jest.fn(async () => {
      throw await refusal(reason);
    });
    const api = library({ saveSkill });
    await renderSkills(api);
    const panel = await openSkill('argo-sync-failures');

    fireEvent.click(within(panel).getByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('textbox', { name: 'SKILL.md' });
    expect(editor).toHaveValue(ARGO_V2);
    const edited = `${ARGO_V2}\nUse token ghp_${'a'.repeat(36)}.\n`;
    fireEvent.change(editor, { target: { value: edited } });
    fireEvent.change(
      screen.getByRole('textbox', { name: 'Change message (optional)' }),
      { target: { value: 'add the token' } },
    );
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });

    expect(saveSkill).toHaveBeenCalledWith(
      'argo-sync-failures',
      edited,
      'add the token',
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(reason);
    expect(screen.getByRole('textbox', { name: 'SKILL.md' })).toHaveValue(
      edited,
    );
  });

  it('opens the skill a link names (?skill=), as the Learning view links to it', async () => {
    await renderSkills(
      library(),
      [],
      '/hermes?tab=skills&skill=kyverno-drift-response',
    );
    expect(
      await screen.findByRole('article', {
        name: 'Skill kyverno-drift-response',
      }),
    ).toBeInTheDocument();
  });

  it('shows a directory skill read-only, saying to change it in Git', async () => {
    await renderSkills(library());
    const panel = await openSkill('kyverno-drift-response');

    expect(
      within(panel).getByText(
        /Read from \/portal\/skills\/kyverno-drift-response\/SKILL\.md\..*change the file in Git/,
      ),
    ).toBeInTheDocument();
    expect(
      within(panel).queryByRole('button', { name: 'Edit' }),
    ).not.toBeInTheDocument();
    expect(
      within(panel).queryByRole('button', { name: 'Delete' }),
    ).not.toBeInTheDocument();
    expect(
      within(panel).queryByRole('button', { name: 'Roll back' }),
    ).not.toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Export' })).toBeEnabled();
  });

  it('offers no changes to a user the permission policy does not grant hermes.skills.update or hermes.skills.approve', async () => {
    await renderSkills(library(), [
      'hermes.skills.update',
      'hermes.skills.approve',
    ]);
    const panel = await openSkill('argo-sync-failures');
    for (const name of ['Edit', 'Delete', 'Approve', 'Reject', 'Roll back']) {
      expect(
        within(panel).queryByRole('button', { name }),
      ).not.toBeInTheDocument();
    }
    expect(
      screen.queryByRole('button', { name: 'New skill' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Import' }),
    ).not.toBeInTheDocument();
    // Reading, comparing and exporting stay.
    expect(within(panel).getByRole('button', { name: 'Export' })).toBeEnabled();
    expect(
      within(panel).getByRole('row', { name: 'Version 3' }),
    ).toBeInTheDocument();
  });

  it('lets a user who may approve but not write decide on drafts only', async () => {
    await renderSkills(library(), ['hermes.skills.update']);
    const panel = await openSkill('argo-sync-failures');
    const draft = within(panel).getByRole('row', { name: 'Version 3' });
    expect(
      await within(draft).findByRole('button', { name: 'Approve' }),
    ).toBeInTheDocument();
    expect(
      within(panel).queryByRole('button', { name: 'Edit' }),
    ).not.toBeInTheDocument();
  });

  it('deletes a skill only after confirmation', async () => {
    const api = library({ deleteSkill: jest.fn(async () => {}) });
    await renderSkills(api);
    const panel = await openSkill('argo-sync-failures');

    fireEvent.click(within(panel).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', {
      name: 'Delete skill argo-sync-failures?',
    });
    expect(api.deleteSkill).not.toHaveBeenCalled();
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    });
    expect(api.deleteSkill).toHaveBeenCalledWith('argo-sync-failures');
    expect(
      screen.queryByRole('article', { name: 'Skill argo-sync-failures' }),
    ).not.toBeInTheDocument();
  });

  it('imports a picked folder with paths relative to it, and shows a refusal', async () => {
    const importSkill = jest
      .fn()
      .mockRejectedValueOnce(await refusal('SKILL.md: description: Too small'))
      .mockResolvedValueOnce({
        ...version(1, 'active'),
        name: 'argo-sync-failures',
      });
    const api = library({ importSkill });
    await renderSkills(api);

    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const dialog = screen.getByRole('dialog', { name: 'Import a skill' });
    const picked = [
      ['argo-sync-failures/SKILL.md', ARGO_V2],
      ['argo-sync-failures/references/argo-cli.md', '# argo app sync'],
      ['argo-sync-failures/.DS_Store', '\u0000'],
    ].map(([path, content]) => {
      const file = new File([content], path.split('/').pop()!);
      Object.defineProperty(file, 'webkitRelativePath', { value: path });
      return file;
    });
    fireEvent.change(within(dialog).getByLabelText('Skill folder'), {
      target: { files: picked },
    });
    const listed = await within(dialog).findByRole('list', {
      name: 'Files to import',
    });
    expect(
      within(listed)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'argo-sync-failures/SKILL.md',
      'argo-sync-failures/references/argo-cli.md',
    ]);

    const expected: SkillFile[] = [
      { path: 'argo-sync-failures/SKILL.md', content: ARGO_V2 },
      {
        path: 'argo-sync-failures/references/argo-cli.md',
        content: '# argo app sync',
      },
    ];
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    });
    expect(importSkill).toHaveBeenCalledWith(expected);
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'SKILL.md: description: Too small',
    );

    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    });
    expect(importSkill).toHaveBeenCalledTimes(2);
    expect(
      await screen.findByRole('article', { name: 'Skill argo-sync-failures' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  describe('export', () => {
    const downloads: Array<{ name: string; blob: Blob }> = [];
    let blobs: Blob[];
    beforeEach(() => {
      blobs = [];
      downloads.length = 0;
      URL.createObjectURL = jest.fn((blob: Blob) => {
        blobs.push(blob);
        return `blob:skill-${blobs.length}`;
      });
      URL.revokeObjectURL = jest.fn();
      jest
        .spyOn(HTMLAnchorElement.prototype, 'click')
        .mockImplementation(function record(this: HTMLAnchorElement) {
          downloads.push({
            name: this.download,
            blob: blobs[Number(this.href.split('-').pop()) - 1],
          });
        });
    });
    afterEach(() => {
      jest.restoreAllMocks();
      delete (URL as any).createObjectURL;
      delete (URL as any).revokeObjectURL;
    });

    // The test environment's Blob is Node's, which jsdom's FileReader does not take.
    const text = (blob: Blob) => blob.text();

    it('downloads a skill with reference files as one JSON bundle', async () => {
      const files: SkillFile[] = [
        { path: 'SKILL.md', content: ARGO_V2 },
        { path: 'references/argo-cli.md', content: '# argo app sync' },
      ];
      const api = library({ exportSkill: jest.fn(async () => files) });
      await renderSkills(api);
      const panel = await openSkill('argo-sync-failures');
      expect(
        within(panel).getByText(
          /Export downloads argo-sync-failures\.skill\.json, one JSON file holding SKILL\.md and its 1 reference file/,
        ),
      ).toBeInTheDocument();

      await act(async () => {
        fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
      });

      expect(api.exportSkill).toHaveBeenCalledWith('argo-sync-failures');
      expect(downloads.map(d => d.name)).toEqual([
        'argo-sync-failures.skill.json',
      ]);
      expect(JSON.parse(await text(downloads[0].blob))).toEqual({ files });
      expect(
        within(panel).getByText(/Downloaded argo-sync-failures\.skill\.json/),
      ).toBeInTheDocument();
      await waitFor(() =>
        expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:skill-1'),
      );
    });

    it('downloads SKILL.md alone when there are no reference files', async () => {
      const api = library({
        exportSkill: jest.fn(async () => [
          { path: 'SKILL.md', content: KYVERNO },
        ]),
      });
      await renderSkills(api);
      const panel = await openSkill('kyverno-drift-response');

      await act(async () => {
        fireEvent.click(within(panel).getByRole('button', { name: 'Export' }));
      });
      expect(downloads.map(d => d.name)).toEqual(['SKILL.md']);
      expect(await text(downloads[0].blob)).toBe(KYVERNO);
      await waitFor(() =>
        expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:skill-1'),
      );
    });
  });

  it('starts a new skill from a template and names it from its front matter', async () => {
    const saveSkill = jest.fn(async () => ({
      ...version(1, 'active'),
      name: 'argo-sync-failures',
      document: ARGO_V2,
    }));
    const api = library({ saveSkill });
    await renderSkills(api);

    fireEvent.click(screen.getByRole('button', { name: 'New skill' }));
    const editor = screen.getByRole('textbox', { name: 'SKILL.md' });
    expect((editor as HTMLTextAreaElement).value).toMatch(
      /^---\nname: my-new-skill\ndescription: /,
    );

    fireEvent.change(editor, {
      target: { value: ARGO_V2.replace('argo-sync-failures', 'Argo Sync') },
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'SKILL.md: name: must be lowercase letters, digits and single hyphens',
    );
    expect(saveSkill).not.toHaveBeenCalled();

    fireEvent.change(editor, { target: { value: ARGO_V2 } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    });
    expect(saveSkill).toHaveBeenCalledWith(
      'argo-sync-failures',
      ARGO_V2,
      undefined,
    );
    expect(
      await screen.findByRole('article', { name: 'Skill argo-sync-failures' }),
    ).toBeInTheDocument();
  });
});

describe('HermesPage Skills tab', () => {
  it('opens the skills library on its own tab', async () => {
    const status: HermesStatus = {
      version: '0.1.0',
      database: { client: 'better-sqlite3' },
      clusters: [],
      models: [],
      skills: { names: [], errors: [] },
    };
    const api = library();
    await act(async () => {
      await renderInTestApp(<HermesPage />, {
        apis: [
          [
            hermesApiRef,
            {
              ...api,
              getStatus: async () => status,
              listAudits: async () => ({ definitions: [], audits: [] }),
            },
          ],
          [permissionApiRef, mockApis.permission()],
        ],
      });
    });
    expect(api.listSkills).not.toHaveBeenCalled();

    await act(async () => {
      fireEvent.click(screen.getByRole('tab', { name: 'Skills' }));
    });
    expect(
      screen.getByRole('searchbox', { name: 'Search skills' }),
    ).toBeVisible();
    expect(
      await screen.findByRole('row', { name: 'kyverno-drift-response' }),
    ).toBeVisible();
  });
});
