import Stack from '@mui/material/Stack';
import { useState } from 'react';
import { CandidatesSection } from './CandidatesSection';
import { MetricsSection } from './MetricsSection';
import { ReflectionsSection } from './ReflectionsSection';

/**
 * The Learning tab: rules Hermes proposes from people's labels, with the evidence to decide
 * on them; the reflections that propose skills and patches from recent runs; and what
 * learning changed (model calls and unknown findings per audit, per skill).
 */
export function LearningContent() {
  // "Learn now" may add a reflection; the log reloads when it finishes.
  const [runs, setRuns] = useState(0);
  return (
    <Stack gap={4}>
      <CandidatesSection onRun={() => setRuns(n => n + 1)} />
      <ReflectionsSection reload={runs} />
      <MetricsSection />
    </Stack>
  );
}
