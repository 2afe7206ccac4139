import { expect, type Page } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, open, personRow, test, workspace } from '../support/muster';

test.describe.configure({ mode: 'serial' });

// More than a page (50) of people, all matched by one search.
const people = Array.from({ length: 62 }, (_, i) => `bulk.${String(i).padStart(2, '0')}@example.com`);

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
  expect((await request.post('/api/login', { form: { email: admin.email, password: admin.password } })).status()).toBe(200);
  for (let i = 0; i < people.length; i += 20) {
    const invited = await request.post('/api/invite_users', {
      form: { slug: workspace.slug, emails: people.slice(i, i + 20).join(', '), name: '', role: 'Member', groups: '', metadata: '' },
    });
    expect(invited.status()).toBe(200);
  }
});

async function usersPage(page: Page) {
  await logIn(page, admin);
  await expect(page).toHaveURL(/\/w\//);
  await open(page, `/w/${workspace.slug}/settings/users`);
}

test('ticking rows one by one acts on just those people', async ({ page }) => {
  await usersPage(page);
  await page.getByLabel('Search by name or email').fill('bulk.0');
  await expect(page.locator('caption')).toHaveText('1–10 of 10 people');
  await personRow(page, people[1]).getByRole('checkbox', { name: `Select ${people[1]}` }).check();
  await personRow(page, people[2]).getByRole('checkbox', { name: `Select ${people[2]}` }).check();
  const bar = page.getByRole('toolbar', { name: 'Act on the chosen people' });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Add to group' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add to group' });
  await dialog.getByLabel('Group').fill('Night shift');
  await expect(dialog).toContainText('Add 2 people to Night shift?');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Add to group' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Added 2 people to Night shift.');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').first()).toHaveText('Added 2 people to Night shift.');
  await expect(personRow(page, people[1]).locator('.chip')).toHaveText(['Night shift']);
  await expect(personRow(page, people[2]).locator('.chip')).toHaveText(['Night shift']);
  await expect(personRow(page, people[3]).locator('.chip')).toHaveCount(0);
  // Done clears the choice.
  await expect(bar).toBeHidden();
});

test('revoking everyone a search matches, across pages, after a confirmation that names the count', async ({ page }) => {
  await usersPage(page);
  await page.getByLabel('Search by name or email').fill('bulk.');
  await expect(page.locator('caption')).toHaveText(`1–50 of ${people.length} people`);

  await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await expect(page.getByRole('toolbar', { name: 'Act on the chosen people' })).toContainText('50 selected');
  await page.getByRole('button', { name: `Select all ${people.length} matching` }).click();
  await expect(page.getByText(`All ${people.length} people matching are selected.`)).toBeVisible();
  const bar = page.getByRole('toolbar', { name: 'Act on the chosen people' });
  await expect(bar).toContainText(`${people.length} selected`);

  await bar.getByRole('button', { name: 'Revoke invite' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke invite' });
  await expect(dialog).toContainText(`Revoke ${people.length} invitations? Their links stop working.`);
  await expectAccessible(page);
  // Cancel does nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(personRow(page, people[0]).locator('.status')).toHaveText('Invited');

  await bar.getByRole('button', { name: 'Revoke invite' }).click();
  await dialog.getByRole('button', { name: 'Revoke invite' }).click();
  await expect(dialog.getByRole('status')).toHaveText(`Revoked ${people.length} invitations.`);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('status').first()).toHaveText(`Revoked ${people.length} invitations.`);

  // Every page of them, not just the one in view.
  await page.getByLabel('Status').selectOption({ label: 'Revoked' });
  await expect(page.locator('caption')).toHaveText(`1–50 of ${people.length} people`);
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.locator('caption')).toHaveText(`51–${people.length} of ${people.length} people`);
  await page.getByLabel('Status').selectOption({ label: 'Invited' });
  await expect(page.locator('caption')).toHaveText('0–0 of 0 people');

  // Asked again, the same set is skipped with the reason.
  await page.getByLabel('Status').selectOption({ label: 'Everyone' });
  await expect(page.locator('caption')).toHaveText(`1–50 of ${people.length} people`);
  await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await page.getByRole('button', { name: `Select all ${people.length} matching` }).click();
  await bar.getByRole('button', { name: 'Revoke invite' }).click();
  await dialog.getByRole('button', { name: 'Revoke invite' }).click();
  await expect(dialog.getByRole('status')).toHaveText(new RegExp(`^Revoked 0 invitations; ${people.length} skipped \\(.+: ${people.length}\\)\\.$`));
  await dialog.getByRole('button', { name: 'Done' }).click();
});

test('the Activity page records a bulk change once, with its count', async ({ page }) => {
  await logIn(page, admin);
  await expect(page).toHaveURL(/\/w\//);
  await open(page, `/w/${workspace.slug}/settings/activity`);
  await expect(page.getByText(`Revoked ${people.length} invitations at once`, { exact: true })).toHaveCount(1);
  await expect(page.getByText(`Revoked 0 invitations at once, ${people.length} skipped`, { exact: true })).toHaveCount(1);
  await expect(page.getByText('Added 2 people to Night shift at once', { exact: true })).toHaveCount(1);
});
