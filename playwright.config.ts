import { defineConfig } from '@playwright/test';

// Browser tests of the web app in Debian's Chromium (never `playwright install`: its download host is
// unreachable here and in air-gapped plants). The global setup builds the apps and starts the whole
// stack the way `npm start` does, on a throw-away database; the tests share it, one at a time.
export default defineConfig({
  testDir: 'e2e/web',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/playwright',
  globalSetup: './e2e/web/support/global-setup.ts',
  globalTeardown: './e2e/web/support/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env['CI']),
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: 'test-results/playwright-report', open: 'never' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    // Not China: the app must show Asia/Shanghai times whatever the browser's zone.
    timezoneId: 'Europe/Berlin',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
