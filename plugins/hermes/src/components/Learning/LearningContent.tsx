import Stack from '@mui/material/Stack';
import { CandidatesSection } from './CandidatesSection';
import { MetricsSection } from './MetricsSection';

/**
 * The Learning tab: rules Hermes proposes from people's labels, with the evidence to decide
 * on them, and what learning changed (model calls and unknown findings per audit, per skill).
 */
export function LearningContent() {
  return (
    <Stack gap={4}>
      <CandidatesSection />
      <MetricsSection />
    </Stack>
  );
}
