import { expect, type Page } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, open, waitForInviteLink, test, importStep } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

async function upload(page: Page, name: string, text: string, sendEmail: boolean) {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv(name, text));
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText(/In this workspace: \d+ new/)).toBeVisible();
  const mail = dialog.getByRole('switch', { name: 'Send invitation emails' });
  if (sendEmail) await mail.check(); else await mail.uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  return dialog;
}

test('an import is undone from the Imports page; the person who joined in between stays and is named', async ({ page, browser }) => {
  const dialog = await upload(page, 'undo-me.csv', 'Email,Name\nundo.one@example.com,Undo One\nundo.two@example.com,Undo Two\n', true);
  await expect(dialog.getByText('2 invited · 0 skipped · 0 failed')).toBeVisible();

  // Undo Two joins before the admin changes their mind.
  const { link } = await waitForInviteLink('undo.two@example.com');
  const signup = await (await browser.newContext()).newPage();
  await open(signup, link);
  await signup.getByLabel('Password').fill('a long and private passphrase');
  await signup.getByRole('button', { name: 'Join workspace' }).click();
  await expect(signup).toHaveURL(/\/w\/acme-corp$/);

  await open(page, '/w/acme-corp/settings/imports');
  const row = page.getByRole('table', { name: /^\d+ imports?$/ }).getByRole('row', { name: /undo-me\.csv/ });
  await expectAccessible(page);
  const button = row.getByRole('button', { name: 'Undo this import' });
  await button.focus();
  page.once('dialog', (prompt) => {
    expect(prompt.message()).toContain('Undo the import of undo-me.csv?');
    void prompt.accept();
  });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Undone:' })).toHaveText(
    'Undone: 1 invitation revoked; 1 person already joined and stays (undo.two@example.com).');
  await expect(row).toContainText(`Undone by ${admin.name} on`);
  await expect(row.getByRole('button', { name: 'Undo this import' })).toHaveCount(0);
  await expectAccessible(page);

  await open(page, '/w/acme-corp/settings/users');
  await expect(page.getByRole('row', { name: /undo\.one@example\.com/ })).toContainText('Revoked');
  await expect(page.getByRole('row', { name: /undo\.two@example\.com/ })).toContainText('Active');
});

test('an import is undone from its result, before the dialog is closed', async ({ page }) => {
  const dialog = await upload(page, 'oops.csv', 'Email\noops.one@example.com\n', false);
  await expect(dialog.getByText('1 invited · 0 skipped · 0 failed')).toBeVisible();
  page.once('dialog', (prompt) => void prompt.accept());
  await dialog.getByRole('button', { name: 'Undo this import' }).click();
  await expect(dialog.getByText('Undone: 1 invitation revoked.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('row', { name: /oops\.one@example\.com/ })).toContainText('Revoked');
});
