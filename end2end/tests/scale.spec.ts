import { expect } from '@playwright/test';
import { ensureWorkspace, test, importStep, openUploadTab } from '../support/muster';

// Runs last (file order): these put thousands of invitations in the workspace,
// which would push other tests' people off the Users table's first page.
test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const ROWS = Number(process.env.MUSTER_E2E_BULK_ROWS ?? 100_000);

test(`a ${ROWS}-row file is checked with progress, previews, scrolls and commits with the progress bar`, async ({ page }) => {
  test.setTimeout(30 * 60_000);
  const lines = ['Email,Name,Role,Groups'];
  for (let i = 1; i <= ROWS; i++) lines.push(`bulk${i}@example.com,Bulk Person ${i},Member,`);
  const file = Buffer.from(lines.join('\n'));

  const dialog = await openUploadTab(page);
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
  // Scrolling changes what the rows say, not the rows: the same elements
  // show the middle of the file, with the grid's row numbers to match.
  const region = dialog.getByRole('region', { name: 'Preview of the file' });
  const middle = Math.ceil(ROWS / 2);
  const sameRows = await region.evaluate(async (el, middle) => {
    const rows = () => [...el.querySelectorAll('tbody tr:not(.spacer)')];
    const before = rows();
    el.scrollTop = (middle - 1) * 40;
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const after = rows();
    return before.length > 0 && after.length === before.length && after.every((row, i) => row === before[i]);
  }, middle);
  expect(sameRows).toBe(true);
  await expect(preview.getByRole('row', { name: new RegExp(`bulk${middle}@example\\.com`) })).toHaveAttribute('aria-rowindex', String(middle + 1));
  await region.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(preview.getByRole('row', { name: new RegExp(`bulk${ROWS}@example\\.com`) })).toBeVisible();
  expect(await preview.locator('tbody tr').count()).toBeLessThan(60);
  await importStep(dialog, 'Confirm');
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

test('an upload can be cancelled: chunks already sent stay, the rest are not sent', async ({ page }) => {
  const dialog = await openUploadTab(page);
  const lines = ['Email,Name'];
  for (let i = 1; i <= 5000; i++) lines.push(`cancel${i}@example.com,Cancel ${i}`);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'cancel.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
  await expect(dialog.getByText('5000 ready · 0 with warnings · 0 with errors')).toBeVisible();
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await dialog.getByRole('button', { name: 'Cancel upload' }).click();
  const result = dialog.getByText(/^\d+ invited · 0 skipped · 0 failed \(cancelled\)$/);
  await expect(result).toBeVisible();
  const invited = Number((await result.textContent())!.split(' ')[0]);
  expect(invited).toBeLessThan(5000);
  expect(invited % 2000).toBe(0);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await page.getByLabel('Search by name or email').fill('cancel5000@example.com');
  await expect(page.getByText('No one matches.')).toBeVisible();
});
