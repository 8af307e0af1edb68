import { defineConfig } from '@playwright/test';
import path from 'node:path';

// The browser is the system Chromium (Debian package "chromium"); Playwright never downloads
// one. `npm test` installs it when missing and passes its path in HERMES_CHROMIUM.
const executablePath = process.env.HERMES_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'e2e-test-report' }],
  ],
  outputDir: 'e2e-test-results',

  // The portal in development mode: frontend on :3000, backend on :7007, in-memory database,
  // and a scripted OpenAI-compatible model on :7008 that the portal's agent talks to.
  webServer: [
    {
      command: `node ${path.resolve(
        __dirname,
        'packages/app/e2e-tests/scriptedModel.mjs',
      )}`,
      url: 'http://127.0.0.1:7008/health',
      reuseExistingServer: !process.env.CI,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: [
        'yarn backstage-cli repo start',
        `--config ${path.resolve(__dirname, 'app-config.yaml')}`,
        `--config ${path.resolve(__dirname, 'app-config.e2e.yaml')}`,
      ].join(' '),
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],

  use: {
    baseURL: 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      // Keep Chromium off the network: this machine only reaches loopback and registries.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },

  projects: [{ name: 'portal', testDir: 'packages/app/e2e-tests' }],
});
