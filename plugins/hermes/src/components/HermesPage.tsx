import { Content } from '@backstage/core-components';
import { HermesStatusContent } from './StatusPage';

/** The Hermes page body; the app supplies the page header. */
export function HermesPage() {
  return (
    <Content>
      <HermesStatusContent />
    </Content>
  );
}
