import { Content } from '@backstage/core-components';
import Stack from '@mui/material/Stack';
import { AuditsCard } from './Drift';
import { HermesStatusContent } from './StatusPage';

/** The Hermes page body; the app supplies the page header. */
export function HermesPage() {
  return (
    <Content>
      <Stack gap={2}>
        <HermesStatusContent />
        <AuditsCard />
      </Stack>
    </Content>
  );
}
