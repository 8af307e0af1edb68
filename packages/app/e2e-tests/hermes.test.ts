import { expect, Page, test, TestInfo } from '@playwright/test';

/** A full-page screenshot, attached to the test's report as `<name>.png`. */
async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  // Wait for the session before navigating anywhere else.
  await expect(
    page.getByRole('link', { name: 'Hermes', exact: true }),
  ).toBeVisible();
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
  // The end-to-end config points the chat purpose at the scripted model server.
  await expect(
    page.getByRole('region', { name: 'Models' }).getByText('scripted-e2e'),
  ).toBeVisible();
  const skills = page.getByRole('region', { name: 'Skills' });
  await expect(skills.getByText('3 skills loaded')).toBeVisible();
  await expect(skills.getByText('kyverno-drift-response')).toBeVisible();

  await attachScreenshot(page, testInfo, 'hermes-status');
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

  await attachScreenshot(page, testInfo, 'fraud-detector');
});

test('the model endpoint template stops a latest image without limits at the policy pre-check', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/create');
  await page.getByRole('button', { name: 'Choose' }).click();

  await page.getByLabel('Endpoint name').fill('ranker-nightly');
  await page.getByLabel('Storage URI').fill('s3://models/ranker/nightly');
  await page.getByRole('button', { name: 'Next' }).click();

  const owner = page.getByRole('textbox', { name: 'Owning team' });
  await owner.click();
  await owner.fill('ranking');
  await page
    .getByRole('option', { name: /ranking/i })
    .first()
    .click();
  await page.getByLabel('Cost center').fill('cc-4410');
  await page.getByRole('button', { name: 'Next' }).click();

  // No requests or limits, and a custom runtime on :latest.
  await page.getByLabel('CPU').fill('');
  await page.getByLabel('Memory').fill('');
  await page.getByLabel('Custom runtime image (optional)').fill('nginx:latest');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  const error = page.getByRole('alert');
  await expect(
    error.getByText(
      'Error: Policy pre-check failed: 4 violations (failOn: enforce)',
    ),
  ).toBeVisible();
  // Two ClusterPolicy rules, and their ValidatingPolicy (CEL) versions.
  const violations = error.getByRole('listitem');
  await expect(violations).toHaveCount(4);
  await expect(
    violations.filter({ hasText: 'disallow-latest-predictor-image-cel' }),
  ).toContainText('The predictor image nginx:latest must be pinned');
  await expect(
    violations.filter({ hasText: 'require-predictor-resources-cel' }),
  ).toContainText('The predictor must set CPU and memory');
  await expect(violations.nth(0)).toContainText(
    'disallow-latest-tag/pin-predictor-image: The predictor image nginx:latest',
  );
  await expect(violations.nth(1)).toContainText(
    'require-resource-limits/require-predictor-resources',
  );
  // The step log names each violation: file, resource, policy/rule and the field path.
  await expect(
    page
      .getByText(
        'fail (Enforce): inferenceservice.yaml: InferenceService serving-stack/ranker-nightly: disallow-latest-tag/pin-predictor-image',
        { exact: false },
      )
      .first(),
  ).toBeVisible();
  await expect(
    page
      .getByText(
        'require-resource-limits/require-predictor-resources at /spec/predictor/model/resources/',
        {
          exact: false,
        },
      )
      .first(),
  ).toBeVisible();

  await attachScreenshot(page, testInfo, 'policy-precheck');
});

test("a model endpoint's Drift tab shows the attributed findings of the demo audit", async ({
  page,
}, testInfo) => {
  // It runs a whole audit of the demo cluster, which takes a minute on a busy 2-core runner.
  test.setTimeout(240_000);
  await signInAsGuest(page);
  // The demo cluster is audited from its snapshot when the backend starts.
  await page.goto('/catalog/default/component/fraud-detector/drift');
  const row = page.getByRole('row', {
    name: 'InferenceService fraud-detector',
  });
  await expect(row).toBeVisible();
  await expect(row.getByText('unknown', { exact: true })).toBeVisible();
  await expect(
    row.getByText(
      '/metadata/labels/cost-center: "cc-4410" in Git → "cc-9999" live',
    ),
  ).toBeVisible();
  await expect(
    row.getByText(/kubectl-patch \(human\) · linus@neuroscale\.io ·/),
  ).toBeVisible();
  // Times read relative ("7 d ago"); the exact UTC time is on hover.
  await expect(row.getByTitle('2026-11-23 22:10 UTC')).toBeVisible();

  await page.goto('/catalog/default/component/kyverno/drift');
  const policy = page.getByRole('row', {
    name: 'ClusterPolicy require-resource-limits',
  });
  await expect(policy.getByText('critical', { exact: true })).toBeVisible();
  await expect(policy.getByText('skill kyverno-drift-response')).toBeVisible();
  await expect(policy.getByText(/kubectl-edit \(human\)/)).toBeVisible();
  await policy.getByRole('button', { name: 'Reverted' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Comment').fill('failureAction back to Enforce');
  await dialog.getByRole('button', { name: 'Record' }).click();
  await expect(policy.getByLabel('state resolved')).toBeVisible();
  await expect(
    policy.getByRole('button', { name: /^Undo reverted/ }),
  ).toBeVisible();

  // The next audit checks the claim: the policy still drifts, so it opens again, saying why.
  await page.goto('/hermes?tab=drift');
  const run = page.getByRole('button', { name: 'Run neuroscale-prod now' });
  await run.click();
  await expect(run).toBeEnabled({ timeout: 60_000 });
  await page.goto('/catalog/default/component/kyverno/drift');
  await expect(policy.getByLabel('state open')).toBeVisible();
  await expect(
    policy.getByText(
      /marked reverted by user:development\/guest .*still drifting/,
    ),
  ).toBeVisible();

  await attachScreenshot(page, testInfo, 'drift-tab');
});

test('the cluster-wide Drift view holds at 1280 and 1920 px: no header wraps letter by letter', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/hermes?tab=drift');
  // A resize re-lays out the page as a reload would, without loading the app again.
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await expect(
      page.getByRole('row', { name: 'Deployment feature-server' }),
    ).toBeVisible();
    for (const header of await page.getByRole('columnheader').all()) {
      expect((await header.boundingBox())!.height).toBeLessThan(60);
    }
    // The audit runs table is dense: each header on one line ("Report" once broke in two).
    const runs = page.getByRole('table', { name: 'Audit runs' });
    for (const header of await runs.getByRole('columnheader').all()) {
      expect((await header.boundingBox())!.height).toBeLessThan(45);
    }
    await attachScreenshot(page, testInfo, `drift-view-${width}`);
  }
});

/** A guest's Backstage token, for calls the UI makes too (the guest provider needs no cookie). */
async function guestToken(page: Page): Promise<string> {
  const res = await page.request.get(
    'http://localhost:7007/api/auth/guest/refresh',
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  expect(res.ok()).toBe(true);
  return (await res.json()).backstageIdentity.token;
}

test('in the cluster-wide Drift view a guest resolves an unmapped finding, silences one until it expires and follows the links', async ({
  page,
}, testInfo) => {
  // Many pages in one story, on a development build of the portal.
  test.setTimeout(300_000);
  await signInAsGuest(page);
  await page.goto('/hermes?tab=drift');

  // The HPA-scaled feature-server Deployment maps to no catalog entity: it is resolved here.
  const unmapped = page.getByRole('row', { name: 'Deployment feature-server' });
  // The audit at start-up may still be running on a busy machine.
  await expect(async () => {
    await page.reload();
    await expect(unmapped).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 120_000 });
  await unmapped.getByRole('button', { name: 'Harmless' }).click();
  let dialog = page.getByRole('dialog');
  await dialog.getByLabel('Comment').fill('the HPA owns replicas');
  await dialog.getByRole('button', { name: 'Record' }).click();
  // Resolved, it leaves open drift and is listed under "resolved".
  await expect(unmapped).toHaveCount(0);
  await page.getByRole('combobox', { name: 'State' }).click();
  await page.getByRole('option', { name: 'resolved' }).click();
  await expect(unmapped.getByLabel('state resolved')).toBeVisible();
  await page.goto('/hermes?tab=drift');

  // Silenced for 7 days: gone from open drift, listed under "silenced" with its expiry.
  const service = page.getByRole('row', { name: /^Service recommender/ });
  await service.getByRole('button', { name: 'Silence 7 days' }).click();
  dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: 'Silence' }).click();
  await page.reload();
  await expect(
    page.getByRole('row', { name: /^ClusterPolicy/ }).first(),
  ).toBeVisible();
  await expect(service).toHaveCount(0);
  await page.getByRole('combobox', { name: 'State' }).click();
  await page.getByRole('option', { name: 'silenced' }).click();
  await expect(service.getByText(/silenced until/)).toBeVisible();

  // A silence that expires: recorded through the API the dialog uses, 5 s long; open drift
  // (as the API lists it, so a slow page load cannot outlast the silence) leaves it out until
  // then, and the view shows it again after.
  const token = await guestToken(page);
  const api = 'http://localhost:7007/api/hermes/drift';
  const headers = { authorization: `Bearer ${token}` };
  const openNames = async () =>
    (
      await (
        await page.request.get(`${api}/findings?state=open&limit=100`, {
          headers,
        })
      ).json()
    ).findings.map((f: any) => f.resource.name);
  const list = await page.request.get(`${api}/findings?state=open&limit=100`, {
    headers,
  });
  const target = (await list.json()).findings.find(
    (f: any) => f.resource.name === 'fraud-detector',
  );
  const until = Date.now() + 5_000;
  const silenced = await page.request.post(
    `${api}/findings/${target.id}/resolution`,
    {
      headers,
      data: {
        resolution: 'harmless',
        silenceUntil: new Date(until).toISOString(),
      },
    },
  );
  expect(silenced.status()).toBe(204);
  expect(await openNames()).not.toContain('fraud-detector');
  await page.waitForTimeout(Math.max(0, until - Date.now()) + 500);
  expect(await openNames()).toContain('fraud-detector');
  await page.goto('/hermes?tab=drift');
  await expect(
    page.getByRole('row', { name: 'InferenceService fraud-detector' }),
  ).toBeVisible();

  // A finding's links: the audit report page, with the desired and live YAML side by side and
  // commands to revert or commit, then the skill that classified it.
  await page.goto('/hermes?tab=drift');
  const policy = page.getByRole('row', {
    name: 'ClusterPolicy require-resource-limits',
  });
  await policy.click();
  const details = page.getByRole('region', {
    name: 'Finding ClusterPolicy require-resource-limits',
  });
  await details.getByRole('link', { name: 'Audit report' }).click();
  await expect(page.getByText('Drift audit of neuroscale-prod')).toBeVisible();
  const card = page.getByRole('article', {
    name: 'ClusterPolicy require-resource-limits',
  });
  await expect(card.getByText('decided by skill')).toBeVisible();
  await expect(
    card.getByRole('group', { name: 'Revert to Git' }),
  ).toBeVisible();
  await expect(
    card.getByRole('group', { name: 'Commit to Git' }),
  ).toContainText('kubectl');
  for (const width of [1280, 1920]) {
    await page.setViewportSize({ width, height: 1000 });
    await card.scrollIntoViewIfNeeded();
    await attachScreenshot(page, testInfo, `drift-report-${width}`);
  }
  await card.getByRole('link', { name: 'kyverno-drift-response' }).click();
  await expect(page).toHaveURL(/tab=skills&skill=kyverno-drift-response/);
  await expect(
    page.getByRole('heading', { name: 'kyverno-drift-response' }),
  ).toBeVisible();
});

test('a guest asks the Agent tab of a model endpoint and sees the streamed answer and the tool call', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/fraud-detector/agent');

  const input = page.getByRole('textbox', { name: 'Message Hermes' });
  await expect(input).toBeVisible();
  await input.fill('Who owns this endpoint?');
  await page.getByRole('button', { name: 'Send' }).click();

  // The scripted model first calls the catalog tool, then answers from its output.
  await expect(page.getByText('catalog_get_entity').first()).toBeVisible();
  await expect(
    page
      .getByText(/is owned by\s*group:ranking, according to the catalog\./)
      .first(),
  ).toBeVisible();
  await expect(
    page.getByText('component:default/fraud-detector').first(),
  ).toBeVisible();

  await attachScreenshot(page, testInfo, 'agent-tab');
});

test('a guest schedules a drift audit on the Tasks tab, runs it now and sees its report and delivery', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.getByRole('link', { name: 'Hermes', exact: true }).click();
  await page.getByRole('tab', { name: 'Tasks' }).click();

  // A name of its own, so a rerun against a portal that is still up does not collide.
  const name = `e2e prod drift ${Date.now()}`;
  await page.getByRole('button', { name: 'New task' }).click();
  const dialog = page.getByRole('dialog', { name: 'New task' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
  await dialog.getByRole('combobox', { name: 'Audit', exact: true }).click();
  await page.getByRole('option', { name: 'neuroscale-prod' }).click();
  await dialog.getByRole('textbox', { name: 'Schedule' }).fill('every 6h');
  await dialog.getByRole('textbox', { name: 'Time zone' }).fill('UTC');

  // The backend reads the schedule back in words with its next three runs, as it is typed.
  const preview = dialog.getByRole('status', { name: 'Schedule preview' });
  await expect(preview.getByText(/6 hours/)).toBeVisible();
  await expect(
    preview.getByRole('list', { name: 'Next runs' }).getByRole('listitem'),
  ).toHaveCount(3);

  await dialog.getByRole('combobox', { name: 'Deliver to' }).click();
  await page.getByRole('option', { name: /^portal \(notifications\)/ }).click();
  await page.keyboard.press('Escape');
  await dialog.getByRole('button', { name: 'Create' }).click();

  // The new task's history opens: its schedule in words and next runs, no runs yet.
  await expect(page).toHaveURL(/[?&]tab=tasks&task=[^&]+/);
  await expect(page.getByText(name).first()).toBeVisible();
  await expect(page.getByText(/6 hours/).first()).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Next runs' }).getByRole('listitem'),
  ).toHaveCount(3);
  await expect(page.getByText(/No runs yet/)).toBeVisible();

  await page.getByRole('button', { name: `Run ${name} now` }).click();
  // The run's status and its delivery's status are shown apart, and the view follows both.
  await expect(page.getByLabel('run succeeded')).toBeVisible({
    timeout: 90_000,
  });
  const report = page.getByRole('region', { name: /^Report: Drift Audit/ });
  await expect(report).toBeVisible();
  await expect(report.getByText(/neuroscale-prod/).first()).toBeVisible();
  const delivery = page.getByRole('row', { name: 'Delivery to portal' });
  await expect(delivery.getByText('sent', { exact: true })).toBeVisible({
    timeout: 60_000,
  });

  await attachScreenshot(page, testInfo, 'task-run');

  // Back on the list, the task shows its last run and, beside it, the delivery.
  await page.getByRole('link', { name: '← All tasks' }).click();
  const row = page.getByRole('row', { name });
  await expect(row.getByText('succeeded', { exact: true })).toBeVisible();
  await expect(row.getByText('portal: sent')).toBeVisible();
  await expect(
    page
      .getByRole('row', { name: 'neuroscale-prod-drift' })
      .getByText('declared in app-config'),
  ).toBeVisible();
});

test('a guest labels a finding harmless, approves the rule Hermes learns, and the next audit classifies that drift by it', async ({
  page,
}, testInfo) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/fraud-detector/drift');
  const row = page.getByRole('row', {
    name: 'InferenceService fraud-detector',
  });
  await expect(row.getByText('unknown', { exact: true })).toBeVisible();
  await row.getByRole('button', { name: 'Harmless' }).click();
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Record' })
    .click();
  await expect(row.getByLabel('state resolved')).toBeVisible();

  // Induction (no model) proposes a rule from the label, with its evidence, as a skill draft.
  await page.goto('/hermes?tab=learning');
  await page.getByRole('button', { name: 'Learn now' }).click();
  const rule = page
    .getByRole('article', { name: /^harmless rule in learned-/ })
    .filter({ hasText: 'cost-center' });
  await expect(rule).toBeVisible();
  await expect(
    rule.getByText('1 of 1 labelled harmless').first(),
  ).toBeVisible();
  await rule.getByRole('button', { name: 'Approve' }).click();
  await expect(rule.getByText('approved', { exact: true })).toBeVisible();

  // The next audit reads the approved rule: the drift is harmless, by the learned skill.
  await page.goto('/hermes?tab=drift');
  await page.getByRole('button', { name: 'Run neuroscale-prod now' }).click();
  await expect(
    page.getByRole('button', { name: 'Run neuroscale-prod now' }),
  ).toBeEnabled({ timeout: 60_000 });
  await page.goto('/catalog/default/component/fraud-detector/drift');
  const classified = page.getByRole('row', {
    name: 'InferenceService fraud-detector',
  });
  await expect(classified.getByText('harmless', { exact: true })).toBeVisible();
  await expect(classified.getByText(/skill learned-/)).toBeVisible();

  await attachScreenshot(page, testInfo, 'learned-rule');
});
