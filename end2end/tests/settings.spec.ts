import { expect } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, mailsTo, open, test, workspace } from '../support/muster';

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

test('an admin sets how invitations start out, and the Invite tab follows', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Workspace settings', level: 1 })).toBeVisible();
  await expectAccessible(page);
  await expect(page.getByLabel('Workspace name')).toHaveValue(workspace.name);
  await expect(page.getByLabel('Invitations expire after')).toHaveValue('');
  await expect(page.getByLabel('Invitations expire after').locator('option[value=""]')).toHaveText('Workspace default (7 days)');
  await expect(page.getByLabel('Send reminders')).toBeChecked();

  try {
    // By keyboard: the fields in order, then Save.
    await page.getByLabel('Default role').selectOption({ label: 'Builder' });
    await page.getByLabel('Invitations expire after').selectOption({ label: '14 days' });
    await page.getByLabel('Invitations expire after').focus();
    await page.keyboard.press('Tab');
    await expect(page.getByLabel('Send reminders')).toBeFocused();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
    await expectAccessible(page);
    await page.reload();
    await expect(page.getByLabel('Invitations expire after')).toHaveValue('14');
    await expect(page.getByLabel('Default role')).toHaveValue('builder');

    // The Invite tab starts from the workspace's defaults; one invite picks its own.
    await open(page, `/w/${workspace.slug}/settings/users`);
    await page.getByRole('button', { name: 'Add users' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add users' });
    await expect(dialog.getByLabel('Role')).toHaveValue('builder');
    const expiry = dialog.getByRole('combobox', { name: 'Invitations expire after' });
    await expect(expiry.locator('option[value=""]')).toHaveText('Workspace default (14 days)');
    await dialog.getByLabel('Email address').fill('short.lived@example.com');
    await expiry.selectOption({ label: '1 day' });
    await dialog.getByRole('textbox', { name: 'Personal message' }).fill('Welcome to the team!\nSee you on Monday.');
    await dialog.getByRole('button', { name: 'Invite users' }).click();
    await expect(dialog.getByRole('status').filter({ hasText: 'Invited short.lived@example.com.' })).toBeVisible();
    await expect.poll(async () => (await mailsTo('short.lived@example.com')).length).toBe(1);
    const [mail] = await mailsTo('short.lived@example.com');
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const day = tomorrow.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    expect(mail.text).toContain(`expires on ${day}`);
    expect(mail.text).toContain('Ada Admin wrote:\nWelcome to the team!\nSee you on Monday.');
  } finally {
    await open(page, `/w/${workspace.slug}/settings/workspace`);
    await page.getByLabel('Default role').selectOption({ label: 'Member' });
    await page.getByLabel('Invitations expire after').selectOption({ value: '' });
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  }
});
