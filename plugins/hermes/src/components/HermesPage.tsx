import { Content } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { AgentChat } from './Agent';
import { ApprovalsContent } from './Approvals';
import { AuditsCard } from './Drift';
import { SkillsContent } from './Skills';
import { HermesStatusContent } from './StatusPage';

const TABS = ['status', 'agent', 'skills', 'approvals'] as const;
type PageTab = (typeof TABS)[number];

/** The Hermes page body; the app supplies the page header. */
export function HermesPage() {
  // `?session=<id>` (the links memory search and notifications give) opens that
  // conversation; `?tab=approvals` (the approvers' notification) opens that tab.
  const [params] = useSearchParams();
  const session = params.get('session') ?? undefined;
  const asked = TABS.find(t => t === params.get('tab'));
  const initial: PageTab = session ? 'agent' : asked ?? 'status';
  const [tab, setTab] = useState<PageTab>(initial);
  // A tab mounts on first visit and then stays, so switching tabs never cuts an answer off
  // or loses an edit.
  const [opened, setOpened] = useState<ReadonlySet<PageTab>>(
    () => new Set([initial]),
  );
  const select = (next: PageTab) => {
    setTab(next);
    setOpened(previous => new Set(previous).add(next));
  };
  return (
    <Content>
      <Tabs
        value={tab}
        onChange={(_, next: PageTab) => select(next)}
        sx={{ mb: 2 }}
      >
        <Tab
          label="Status"
          value="status"
          id="hermes-tab-status"
          aria-controls="hermes-panel-status"
        />
        <Tab
          label="Agent"
          value="agent"
          id="hermes-tab-agent"
          aria-controls="hermes-panel-agent"
        />
        <Tab
          label="Skills"
          value="skills"
          id="hermes-tab-skills"
          aria-controls="hermes-panel-skills"
        />
        <Tab
          label="Approvals"
          value="approvals"
          id="hermes-tab-approvals"
          aria-controls="hermes-panel-approvals"
        />
      </Tabs>
      <Box
        role="tabpanel"
        id="hermes-panel-status"
        aria-labelledby="hermes-tab-status"
        hidden={tab !== 'status'}
      >
        <Stack gap={2}>
          <HermesStatusContent />
          <AuditsCard />
        </Stack>
      </Box>
      <Box
        role="tabpanel"
        id="hermes-panel-agent"
        aria-labelledby="hermes-tab-agent"
        hidden={tab !== 'agent'}
      >
        {opened.has('agent') && <AgentChat sessionId={session} />}
      </Box>
      <Box
        role="tabpanel"
        id="hermes-panel-skills"
        aria-labelledby="hermes-tab-skills"
        hidden={tab !== 'skills'}
      >
        {opened.has('skills') && <SkillsContent />}
      </Box>
      <Box
        role="tabpanel"
        id="hermes-panel-approvals"
        aria-labelledby="hermes-tab-approvals"
        hidden={tab !== 'approvals'}
      >
        {opened.has('approvals') && <ApprovalsContent />}
      </Box>
    </Content>
  );
}
