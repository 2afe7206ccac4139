import { expect } from '@playwright/test';
import { admin, chooseAction, ensureWorkspace, expectAccessible, logIn, open, personRow, workspace, test } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

test('an admin creates, renames and deletes a group on the Groups page', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Groups' }).click();
  await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Group name').fill('Support');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Created the group “Support”.');
  const support = page.getByRole('row', { name: /Support/ });
  await expect(support).toBeVisible();

  await page.getByLabel('Group name').fill('support');
  await page.getByRole('button', { name: 'Create group' }).click();
  await expect(page.getByRole('alert')).toHaveText('A group named “support” already exists.');

  await support.getByRole('button', { name: 'Rename Support' }).click();
  await page.getByLabel('New name for Support').fill('Customer support');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Renamed “Support” to “Customer support”.');
  const renamed = page.getByRole('row', { name: /Customer support/ });
  await expect(renamed).toBeVisible();
  await expectAccessible(page);

  page.once('dialog', (prompt) => prompt.accept());
  await renamed.getByRole('button', { name: 'Delete Customer support' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Deleted the group “Customer support”.');
  await expect(page.getByRole('row', { name: /Customer support/ })).toHaveCount(0);
});

test('an admin puts a member (here, themselves) in groups from the Users table', async ({ page }) => {
  await logIn(page, admin);
  const ada = personRow(page, admin.email);
  await chooseAction(page, admin.email, 'Edit groups');
  await page.getByLabel(`Groups for ${admin.email}`).fill('Ops; Night shift');
  await page.getByRole('button', { name: 'Save groups' }).click();
  await expect(page.getByRole('status').first()).toHaveText(`${admin.email} is now in: Night shift, Ops.`);
  await expect(ada.locator('.chip')).toHaveText(['Night shift', 'Ops']);
  await expectAccessible(page);

  await open(page, `/w/${workspace.slug}/settings/groups`);
  await expect(page.getByRole('row', { name: /Night shift/ })).toContainText('1');
});

test('the Activity page lists what admins did, newest first', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  const rows = page.getByRole('row');
  await expect(rows.nth(1)).toContainText(`Put ${admin.email} in Night shift, Ops`);
  await expect(rows.nth(1)).toContainText(`${admin.name} (${admin.email})`);
  await expect(page.getByRole('row', { name: /Deleted the group “Customer support”/ })).toBeVisible();
  await expectAccessible(page);
});
