import { expect, Page, test } from '@playwright/test';

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
}

test('a guest opens the Hermes page and sees the live backend status', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);

  await page.getByRole('link', { name: 'Hermes', exact: true }).click();
  await expect(page).toHaveURL(/\/hermes$/);

  // The values come from GET /api/hermes/status on the running backend.
  const backend = page.getByRole('region', { name: 'Backend' });
  await expect(
    backend.getByText(/^Plugin version \d+\.\d+\.\d+/),
  ).toBeVisible();
  await expect(
    backend.getByText('Database: SQLite (better-sqlite3)'),
  ).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Clusters' }).getByText('neuroscale-prod'),
  ).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Models' }).getByText(/Models: none/),
  ).toBeVisible();
  const skills = page.getByRole('region', { name: 'Skills' });
  await expect(skills.getByText('2 skills loaded')).toBeVisible();
  await expect(skills.getByText('kyverno-drift-response')).toBeVisible();

  const screenshot = testInfo.outputPath('hermes-status.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('hermes-status', {
    path: screenshot,
    contentType: 'image/png',
  });
});

test('a guest opens a demo model endpoint in the catalog', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);

  await page.getByRole('link', { name: 'fraud-detector' }).click();
  await expect(
    page.getByRole('heading', { name: 'fraud-detector' }).first(),
  ).toBeVisible();
  await expect(
    page
      .getByText(
        'Real-time card fraud scoring (XGBoost), a KServe InferenceService',
      )
      .first(),
  ).toBeVisible();

  const screenshot = testInfo.outputPath('fraud-detector.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('fraud-detector', {
    path: screenshot,
    contentType: 'image/png',
  });
});
