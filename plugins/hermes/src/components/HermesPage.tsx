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
const LABELS: Record<PageTab, string> = {
  status: 'Status',
  agent: 'Agent',
  skills: 'Skills',
  approvals: 'Approvals',
};

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
  const content = (t: PageTab) => {
    switch (t) {
      case 'status':
        return (
          <Stack gap={2}>
            <HermesStatusContent />
            <AuditsCard />
          </Stack>
        );
      case 'agent':
        return <AgentChat sessionId={session} />;
      case 'skills':
        return <SkillsContent />;
      default:
        return <ApprovalsContent />;
    }
  };
  return (
    <Content>
      <Tabs
        value={tab}
        onChange={(_, next: PageTab) => select(next)}
        sx={{ mb: 2 }}
      >
        {TABS.map(t => (
          <Tab
            key={t}
            label={LABELS[t]}
            value={t}
            id={`hermes-tab-${t}`}
            aria-controls={`hermes-panel-${t}`}
          />
        ))}
      </Tabs>
      {TABS.map(t => (
        <Box
          key={t}
          role="tabpanel"
          id={`hermes-panel-${t}`}
          aria-labelledby={`hermes-tab-${t}`}
          hidden={tab !== t}
        >
          {opened.has(t) && content(t)}
        </Box>
      ))}
    </Content>
  );
}
