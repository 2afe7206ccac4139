import { expect } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, open, waitForInviteLink, test, importStep } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('a file updates a member: the Review shows the change, the upload makes it, the undo puts it back', async ({ page, browser }) => {
  // Someone joins first.
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  let dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('join.csv', 'Email,Name\nupd.one@example.com,Upd One\n'));
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText(/In this workspace: 1 new/)).toBeVisible();
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).check();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('1 invited · 0 skipped · 0 failed')).toBeVisible();
  const { link } = await waitForInviteLink('upd.one@example.com');
  const signup = await (await browser.newContext()).newPage();
  await open(signup, link);
  await signup.getByLabel('Password').fill('a long and private passphrase');
  await signup.getByRole('button', { name: 'Join workspace' }).click();
  await expect(signup).toHaveURL(/\/w\/acme-corp$/);

  // The monthly HR export: a new role, a group and a department for them.
  await open(page, '/w/acme-corp/settings/users');
  await page.getByRole('button', { name: 'Add users' }).click();
  dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('hr.csv',
    'Email,Role,Groups,Department\nupd.one@example.com,Builder,Payroll Upd,Finance\nupd.new@example.com,Member,,\n'));
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText('In this workspace: 1 new · 1 already members · 0 archived · 0 with an open invitation · 0 with an expired invitation.')).toBeVisible();
  await expect(dialog.getByText('1 person already a member will be skipped.')).toBeVisible();
  const memberRow = dialog.getByRole('row', { name: /upd\.one@example\.com/ });
  await importStep(dialog, 'Review');
  await expect(memberRow).toContainText('Already a member');
  await importStep(dialog, 'Confirm');

  // Off by default; on, by keyboard.
  const update = dialog.getByRole('checkbox', { name: 'Update their role, groups and metadata from the file' });
  await expect(update).not.toBeChecked();
  await update.focus();
  await page.keyboard.press('Space');
  await expect(update).toBeChecked();
  await expect(dialog.getByText('1 to update · 0 unchanged. Each row shows what changes.')).toBeVisible();
  // The Review shows each member's change.
  await importStep(dialog, 'Review');
  await expect(memberRow).toContainText('Update: Role: Member → Builder · Groups: + Payroll Upd · Department: (none) → Finance');
  // Only the people the workspace knows: the member.
  await dialog.getByLabel('Only people already in the workspace').check();
  const preview = dialog.getByRole('table', { name: /Preview of hr\.csv/ });
  await expect(preview.getByRole('row')).toHaveCount(2);
  await expect(preview.getByRole('row', { name: /upd\.one@example\.com/ })).toBeVisible();
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('checkbox', { name: /Create the groups that do not exist yet/ }).check();
  await expectAccessible(page);

  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('1 invited · 1 updated · 0 skipped · 0 failed')).toBeVisible();

  // Undo from the result: the new invitation is revoked, the update put back.
  page.once('dialog', (prompt) => {
    expect(prompt.message()).toContain('What it changed for 1 member is put back');
    void prompt.accept();
  });
  await dialog.getByRole('button', { name: 'Undo this import' }).click();
  await expect(dialog.getByText("Undone: 1 invitation revoked; 1 member's update put back.")).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  await open(page, '/w/acme-corp/settings/imports');
  const imports = page.getByRole('table', { name: /^\d+ imports?$/ });
  await expect(imports.getByRole('row', { name: /hr\.csv/ })).toContainText('1 put back');
  await expect(imports.getByRole('columnheader', { name: 'Updated' })).toBeVisible();
});
