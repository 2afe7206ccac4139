import { expect } from '@playwright/test';
import { admin, chooseAction, ensureWorkspace, expectAccessible, logIn, open, test, waitForInviteLink, workspace } from '../support/muster';

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

test('a bounced invitation shows the server’s reply, and its address is corrected with a new link', async ({ page }) => {
  await logIn(page, admin);
  await expect(page).toHaveURL(/\/w\//);
  await open(page, `/w/${workspace.slug}/settings/users`);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByLabel('Email address').fill('bounce.typo@example.com');
  await dialog.getByRole('button', { name: 'Invite users' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Invited bounce.typo@example.com.' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The relay refuses the mailbox (550): no retries, the row says so at once.
  const status = page.getByLabel('Status');
  await status.selectOption({ label: 'Mail problems' });
  const row = page.getByRole('row', { name: /bounce\.typo@example\.com/ });
  await expect(async () => {
    await page.reload();
    await page.getByLabel('Status').selectOption({ label: 'Mail problems' });
    await expect(row).toContainText('Bounced', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(row).toContainText('bounced: ');
  await expect(row).toContainText('User unknown');
  await expectAccessible(page);

  await chooseAction(page, 'bounce.typo@example.com', 'Change email address');
  await page.getByLabel('New email address for bounce.typo@example.com').fill('fixed.typo@example.com');
  await page.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByRole('status').first()).toHaveText(
    'Changed the address and sent a new link. The old link no longer works.',
  );
  const { link } = await waitForInviteLink('fixed.typo@example.com');
  expect(link).toContain('/invite/');
  await page.getByLabel('Status').selectOption({ label: 'Everyone' });
  await expect(page.getByRole('row', { name: /fixed\.typo@example\.com/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /bounce\.typo@example\.com/ })).toHaveCount(0);
});
