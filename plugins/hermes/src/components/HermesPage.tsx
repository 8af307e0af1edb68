import { Content, Header, Page } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { AgentChat } from './Agent';
import { ApprovalsContent } from './Approvals';
import { DriftContent } from './Drift';
import { LearningContent } from './Learning';
import { SkillsContent } from './Skills';
import { HermesStatusContent } from './StatusPage';
import { TasksContent } from './Tasks';

const TABS = [
  'status',
  'drift',
  'agent',
  'tasks',
  'skills',
  'learning',
  'approvals',
] as const;
type PageTab = (typeof TABS)[number];
const LABELS: Record<PageTab, string> = {
  status: 'Status',
  drift: 'Drift',
  agent: 'Agent',
  tasks: 'Tasks',
  skills: 'Skills',
  learning: 'Learning',
  approvals: 'Approvals',
};

/** What Hermes is, under its name in the page header. */
export const HERMES_SUBTITLE =
  'Drift audits, runbooks and an operations agent that remembers';

/**
 * The Hermes page with its header (title and subtitle), for the new frontend system, whose
 * plugin header has no room for a subtitle.
 */
export function HermesPageWithHeader() {
  return (
    <Page themeId="tool">
      <Header title="Hermes" subtitle={HERMES_SUBTITLE} />
      <HermesPage />
    </Page>
  );
}

/** The Hermes page body, below a page header. */
export function HermesPage() {
  // The URL names the tab, so every view can be linked to and Back works: `?tab=approvals`
  // (the approvers' notification), `?session=<id>` (memory search and notification links
  // open that conversation), `?tab=tasks&task=<id>` (a task's run history),
  // `?tab=drift&audit=<id>` (an audit's findings, where finding links point).
  const [params, setParams] = useSearchParams();
  const session = params.get('session') ?? undefined;
  const asked = TABS.find(t => t === params.get('tab'));
  let tab: PageTab = asked ?? 'status';
  if (!asked && session) tab = 'agent';
  else if (!asked && params.has('task')) tab = 'tasks';
  else if (!asked && params.has('audit')) tab = 'drift';
  // A tab mounts on first visit and then stays, so switching tabs never cuts an answer off
  // or loses an edit.
  const [opened, setOpened] = useState<ReadonlySet<PageTab>>(
    () => new Set([tab]),
  );
  if (!opened.has(tab)) setOpened(new Set(opened).add(tab));
  const select = (next: PageTab) =>
    setParams(
      previous => {
        const updated = new URLSearchParams(previous);
        updated.set('tab', next);
        return updated;
      },
      { replace: true },
    );
  const content = (t: PageTab) => {
    switch (t) {
      case 'status':
        return <HermesStatusContent />;
      case 'drift':
        // A new audit link starts a fresh view (its own filters and page).
        return <DriftContent key={params.get('audit') ?? ''} />;
      case 'agent':
        return <AgentChat sessionId={session} />;
      case 'tasks':
        return <TasksContent />;
      case 'skills':
        return <SkillsContent />;
      case 'learning':
        return <LearningContent />;
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
