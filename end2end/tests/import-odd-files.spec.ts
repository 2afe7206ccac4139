import { expect } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, test, importStep, openUploadTab } from '../support/muster';

// Files as admins really have them, that Muster used to refuse or mishandle.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('a file whose column names Muster does not know is read by its column of addresses', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('crm-export.csv',
    'Display Label,Primary Contact,Access Level\r\nOdd One,odd.one@example.com,Admin\r\nOdd Two,odd.two@example.com,Member\r\n'));
  // Ready, though without names until the admin says which column has them.
  await expect(dialog.getByText('2 ready · 2 with warnings · 0 with errors')).toBeVisible();
  await expect(dialog.getByText('Text file, UTF-8, separated by commas; header on row 1.')).toBeVisible();
  await importStep(dialog, 'Columns');
  await expect(dialog.getByLabel('Use column “Primary Contact” as')).toHaveValue('email');
  // Every column can be mapped by hand: the label becomes the name.
  await dialog.getByLabel('Use column “Display Label” as').selectOption('name');
  await expect(dialog.getByText('2 ready · 0 with warnings · 0 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of crm-export\.csv/ });
  await importStep(dialog, 'Review');
  await expect(preview.getByRole('row', { name: /odd\.one@example\.com/ })).toContainText('Odd One');
  await expect(preview.getByRole('row', { name: /odd\.one@example\.com/ })).toContainText('Admin');
  await expectAccessible(page);
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('2 invited · 0 skipped · 0 failed')).toBeVisible();
});

test('a file with column names and no people says so, and checks nothing against the workspace', async ({ page }) => {
  const checks: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/api/check_import')) checks.push(request.url());
  });
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('header-only.csv', 'Name,Email,Role\r\n'));
  await expect(dialog.getByRole('alert')).toHaveText('The file has column names but no rows of people.');
  await expect(dialog.getByText('Checking the file against the workspace…')).toHaveCount(0);
  await expect(dialog.getByText(/\d+ ready · /)).toHaveCount(0);
  await expectAccessible(page);
  expect(checks).toEqual([]);
});

test('a name cell with a line break in it (Alt+Enter) imports on one line, with a warning', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('alt-enter.csv',
    'Email,Name\r\nwrapped.name@example.com,"Wrapped\r\nName"\r\n'));
  await expect(dialog.getByText('1 ready · 1 with warnings · 0 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of alt-enter\.csv/ });
  const row = preview.getByRole('row', { name: /wrapped\.name@example\.com/ });
  await expect(row).toContainText('Wrapped Name');
  await expect(row).toContainText('became single spaces');
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('1 invited · 0 skipped · 0 failed')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('row', { name: /wrapped\.name@example\.com/ })).toContainText('Wrapped Name');
});

test('a small file chosen while a large one is still being checked is never overwritten by the large one', async ({ page }) => {
  // Every workspace check answers a second late, so the large file's check
  // is still running when the small file is chosen.
  await page.route('**/api/check_import*', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await route.continue();
  });
  let pending = 0;
  const isCheck = (request: { url(): string }) => request.url().includes('/api/check_import');
  page.on('request', (request) => { if (isCheck(request)) pending += 1; });
  page.on('requestfinished', (request) => { if (isCheck(request)) pending -= 1; });
  page.on('requestfailed', (request) => { if (isCheck(request)) pending -= 1; });
  const dialog = await openUploadTab(page);
  const large = ['Email,Name', ...Array.from({ length: 20_000 }, (_, i) => `large.${i}@example.com,Large ${i}`)].join('\n');
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('large.csv', large));
  await expect(dialog.getByText('20000 ready · 0 with warnings · 0 with errors')).toBeVisible();
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText('Checking the file against the workspace…')).toBeVisible();

  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('small.csv',
    'Email,Name\nsmall.one@example.com,Small One\nsmall.two@example.com,Small Two\n'));
  await expect(dialog.getByText('2 ready · 0 with warnings · 0 with errors')).toBeVisible();
  const summary = 'In this workspace: 2 new · 0 already members · 0 archived · 0 with an open invitation · 0 with an expired invitation.';
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText(summary)).toBeVisible();
  // The large file's check would have gone on for nine more chunks: once
  // no answer is outstanding, the small file's summary still stands.
  await expect.poll(() => pending, { timeout: 30_000 }).toBe(0);
  await expect(dialog.getByText(summary)).toBeVisible();
  await expect(dialog.getByText(/20000 new/)).toHaveCount(0);
});

test('the admin picks the header row when Muster guesses it wrong', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('with-notes.csv',
    'Name,Contact,Level\r\n(full name),(work address),(Admin or Member)\r\nPicked Header,picked.header@example.com,Admin\r\n'));
  await expect(dialog.getByText('Text file, UTF-8, separated by commas; header on row 2.')).toBeVisible();
  await importStep(dialog, 'Columns');
  const picker = dialog.getByLabel('Header row', { exact: true });
  await expect(picker).toHaveValue('2');
  await picker.focus();
  await picker.selectOption({ label: 'Row 1: Name, Contact, Level' });
  await expect(dialog.getByText('Text file, UTF-8, separated by commas; header on row 1.')).toBeVisible();
  await expect(dialog.getByLabel('Use column “Contact” as')).toHaveValue('email');
  await expect(dialog.getByText('1 ready · 0 with warnings · 1 with errors')).toBeVisible();
  // The same, by clicking a row of the file as it is.
  const raw = dialog.getByRole('table', { name: /The file’s first rows/ });
  await expect(raw.getByRole('button', { name: 'Use row 1 as the header row' })).toHaveAttribute('aria-pressed', 'true');
  await raw.getByRole('button', { name: 'Use row 2 as the header row' }).click();
  await expect(dialog.getByText('Text file, UTF-8, separated by commas; header on row 2.')).toBeVisible();
  await expect(picker).toHaveValue('2');
  await expectAccessible(page);
  await raw.getByRole('button', { name: 'Use row 1 as the header row' }).click();
  await expect(dialog.getByText('1 ready · 0 with warnings · 1 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of with-notes\.csv/ });
  await importStep(dialog, 'Review');
  await expect(preview.getByRole('row', { name: /picked\.header@example\.com/ })).toContainText('Picked Header');
  await expectAccessible(page);
});
