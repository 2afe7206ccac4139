import { expect, type Page } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, open, test, importStep } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

async function chooseFile(page: Page, name: string, text: string) {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv(name, text));
  return dialog;
}

test('the column choices of an import are used for the next file with the same headers, and can be reset', async ({ page }) => {
  let dialog = await chooseFile(page, 'hr-october.csv', 'Contact,Label,Tier\noct.one@example.com,October One,Admin\n');
  await expect(dialog.getByText('1 ready · 1 with warnings · 0 with errors')).toBeVisible();
  await expect(dialog.getByText(/Using the column choices/)).toHaveCount(0);
  await dialog.getByLabel('Use column “Label” as').selectOption('name');
  await dialog.getByLabel('Use column “Tier” as').selectOption('role');
  await expect(dialog.getByText('1 ready · 0 with warnings · 0 with errors')).toBeVisible();
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('1 invited · 0 skipped · 0 failed')).toBeVisible();

  dialog = await chooseFile(page, 'hr-november.csv', 'Contact,Label,Tier\nnov.one@example.com,November One,Builder\n');
  await importStep(dialog, 'Columns');
  await expect(dialog.getByRole('status').filter({ hasText: 'Using the column choices of your import of' })).toContainText('(hr-october.csv)');
  await expect(dialog.getByText('1 ready · 0 with warnings · 0 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of hr-november\.csv/ });
  await importStep(dialog, 'Review');
  await expect(preview.getByRole('row', { name: /nov\.one@example\.com/ })).toContainText('November One');
  await expect(preview.getByRole('row', { name: /nov\.one@example\.com/ })).toContainText('Builder');
  await importStep(dialog, 'Columns');
  await expect(dialog.getByLabel('Use column “Label” as')).toHaveValue('name');
  await expectAccessible(page);

  await dialog.getByRole('button', { name: 'Reset' }).click();
  await expect(dialog.getByText(/Using the column choices/)).toHaveCount(0);
  await expect(dialog.getByText('1 ready · 1 with warnings · 0 with errors')).toBeVisible();
  await expect(dialog.getByLabel('Use column “Label” as')).toHaveValue('key');
});

test('saved column choices are listed on the Imports page and can be deleted', async ({ page }) => {
  await logIn(page, admin);
  // Signed in (the login answered) before the next page is asked for.
  await expect(page.getByRole('button', { name: 'Add users' })).toBeVisible();
  await open(page, '/w/acme-corp/settings/imports');
  const section = page.getByRole('region', { name: 'Saved column choices' });
  const saved = section.getByRole('row', { name: /Contact, Label, Tier/ });
  await expect(saved).toContainText('hr-october.csv');
  await expectAccessible(page);
  await saved.getByRole('button', { name: 'Delete the column choices saved from hr-october.csv' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted the column choices' })).toHaveText('Deleted the column choices saved from hr-october.csv.');
  await expect(section.getByRole('row', { name: /Contact, Label, Tier/ })).toHaveCount(0);
});
