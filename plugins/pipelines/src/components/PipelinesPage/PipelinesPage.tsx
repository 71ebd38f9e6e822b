import { Content, Header, Page } from '@backstage/core-components';
import { PipelinesTable } from './PipelinesTable';

/** The page body, shared by both frontend systems. */
export function PipelinesContent() {
  return (
    <Content>
      <PipelinesTable />
    </Content>
  );
}

/** The whole page with its header, for apps on the legacy frontend system. */
export function PipelinesPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Pipelines"
        subtitle="Every data pipeline, its owner and how its runs are going"
      />
      <PipelinesContent />
    </Page>
  );
}
