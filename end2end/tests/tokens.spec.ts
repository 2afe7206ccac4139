import { expect } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, test } from '../support/muster';

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

test('an admin creates an API token, sees it once, uses it, and revokes it', async ({ page, request }) => {
  await logIn(page, admin);
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens', level: 1 })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Token name').fill('Nightly HR sync');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('status').first()).toHaveText(
    'Created the API token “Nightly HR sync”. Copy it now: it is not shown again.',
  );
  const shown = page.getByLabel('New API token');
  const token = await shown.inputValue();
  expect(token).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
  const row = page.getByRole('row', { name: /Nightly HR sync/ });
  await expect(row).toContainText(`…${token.slice(-4)}`);
  await expect(row).toContainText('Active');
  await expect(row).toContainText('Never');
  await expectAccessible(page);

  // The token works against the JSON API, and the page never shows it again.
  const listed = await request.get('/api/v1/members', { headers: { authorization: `Bearer ${token}` } });
  expect(listed.status()).toBe(200);
  expect((await listed.json()).items.map((m: { email: string }) => m.email)).toContain(admin.email);
  await page.reload();
  await expect(page.getByLabel('New API token')).toHaveCount(0);
  expect(await page.content()).not.toContain(token);
  await expect(page.getByRole('row', { name: /Nightly HR sync/ })).not.toContainText('Never');

  page.once('dialog', (prompt) => prompt.accept());
  await page.getByRole('row', { name: /Nightly HR sync/ }).getByRole('button', { name: 'Revoke Nightly HR sync' }).click();
  await expect(page.getByRole('status').first()).toHaveText('Revoked the API token “Nightly HR sync”.');
  await expect(page.getByRole('row', { name: /Nightly HR sync/ })).toContainText('Revoked');
  const refused = await request.get('/api/v1/members', { headers: { authorization: `Bearer ${token}` } });
  expect(refused.status()).toBe(401);
});
