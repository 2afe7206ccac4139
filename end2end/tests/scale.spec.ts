import { expect, test } from '@playwright/test';
import { admin, ensureWorkspace, logIn } from '../support/muster';

// Runs last (file order): it puts 100,000 invitations in the workspace.
test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const ROWS = Number(process.env.MUSTER_E2E_BULK_ROWS ?? 100_000);

test(`a ${ROWS}-row file is checked with progress, previews, scrolls and commits with the progress bar`, async ({ page }) => {
  test.setTimeout(30 * 60_000);
  const lines = ['Email,Name,Role,Groups'];
  for (let i = 1; i <= ROWS; i++) lines.push(`bulk${i}@example.com,Bulk Person ${i},Member,`);
  const file = Buffer.from(lines.join('\n'));

  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();

  const started = Date.now();
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'bulk.csv', mimeType: 'text/csv', buffer: file });
  // Checked in slices: the progress bar shows while the page stays responsive.
  await expect(dialog.getByText(/Checking rows: \d+ of \d+/)).toBeVisible({ timeout: 120_000 });
  await expect(dialog.getByText(`${ROWS} ready · 0 with warnings · 0 with errors`)).toBeVisible({ timeout: 600_000 });
  const checkedMs = Date.now() - started;

  // Only the rows in view are in the page, at the start and at the end.
  const preview = dialog.getByRole('table', { name: /Preview of bulk\.csv/ });
  await expect(preview.getByRole('row', { name: /bulk1@example\.com/ })).toBeVisible();
  const previewMs = Date.now() - started;
  expect(await preview.locator('tbody tr').count()).toBeLessThan(60);
  await dialog.getByRole('region', { name: 'Preview of the file' }).evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(preview.getByRole('row', { name: new RegExp(`bulk${ROWS}@example\\.com`) })).toBeVisible();
  expect(await preview.locator('tbody tr').count()).toBeLessThan(60);
  await expect(dialog.getByText(`In this workspace: ${ROWS} new ·`, { exact: false })).toBeVisible({ timeout: 300_000 });

  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  const commitStarted = Date.now();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByRole('progressbar')).toBeVisible();
  await expect(dialog.getByText(/Uploading: [1-9]\d* of \d+ rows/)).toBeVisible({ timeout: 300_000 });
  await expect(dialog.getByText(`${ROWS} invited · 0 skipped · 0 failed`)).toBeVisible({ timeout: 25 * 60_000 });
  const commitMs = Date.now() - commitStarted;
  console.log(`bulk e2e (${ROWS} rows, debug build): checked ${checkedMs} ms, first preview rows ${previewMs} ms, commit ${commitMs} ms`);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Search by name or email').fill(`bulk${ROWS}@example.com`);
  await expect(page.getByRole('row', { name: new RegExp(`bulk${ROWS}@example\\.com`) })).toContainText('Invited');
});
