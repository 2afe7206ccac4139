import { expect, type Page } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, open, personRow, test, workspace } from '../support/muster';

test.describe.configure({ mode: 'serial' });

const people = ['kim.keys@example.com', 'lou.keys@example.com'];

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
  expect((await request.post('/api/login', { form: { email: admin.email, password: admin.password } })).status()).toBe(200);
  const invited = await request.post('/api/invite_users', {
    form: { slug: workspace.slug, emails: people.join(', '), name: '', role: 'Member', groups: 'Keys, Night shift, Ops, Sales, Support', metadata: '' },
  });
  expect(invited.status()).toBe(200);
});

async function usersPage(page: Page) {
  await logIn(page, admin);
  await expect(page).toHaveURL(/\/w\//);
  await open(page, `/w/${workspace.slug}/settings/users`);
  // Other specs fill the workspace: show just these two.
  await page.getByLabel('Search by name or email').fill('.keys@');
  await expect(page.locator('caption')).toHaveText('1–2 of 2 people');
}

test('a row is one compact line: name and address, role, groups as chips, a status with its detail', async ({ page }) => {
  await usersPage(page);
  const kim = personRow(page, people[0]);
  await expect(kim.locator('.chip')).toHaveText(['Keys', 'Night shift', 'Ops', '+2']);
  await expect(kim.getByLabel('and 2 more: Keys, Night shift, Ops, Sales, Support')).toBeVisible();
  await expect(kim.locator('.status')).toHaveText('Invited');
  await expect(kim.locator('.status-detail')).toHaveText(/^no account yet · expires in \d+ days$/);
  const height = await kim.evaluate((row) => row.getBoundingClientRect().height);
  expect(height).toBeLessThanOrEqual(56);
  // Nothing announced yet: the live region is there, and takes no room.
  const announcement = page.getByRole('status').first();
  await expect(announcement).toBeEmpty();
  expect(await announcement.evaluate((p) => p.getBoundingClientRect().height)).toBe(0);
  await expectAccessible(page);
});

test('the row menu works by keyboard alone: arrows move, Escape closes and gives focus back', async ({ page }) => {
  await usersPage(page);
  const button = personRow(page, people[0]).getByRole('button', { name: `Actions for ${people[0]}` });
  await button.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('menu', { name: `Actions for ${people[0]}` });
  await expect(menu.getByRole('menuitem')).toHaveText([
    'Resend invite', 'Copy invite link', 'Revoke invite', 'Change role', 'Edit groups', 'Change email address',
  ]);
  await expect(menu.getByRole('menuitem', { name: 'Resend invite' })).toBeFocused();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Copy invite link' })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(menu.getByRole('menuitem', { name: 'Change email address' })).toBeFocused();
  await page.keyboard.press('Home');
  await expect(menu.getByRole('menuitem', { name: 'Resend invite' })).toBeFocused();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();
  await expect(button).toHaveAttribute('aria-expanded', 'false');

  // Down arrow opens it too; Enter on an item does it, and focus comes back to the row.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Revoke invite' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').first()).toHaveText(`Revoked the invitation of ${people[0]}.`);
  await expect(personRow(page, people[0]).locator('.status')).toHaveText('Revoked');
  await expect(personRow(page, people[0]).getByRole('button', { name: `Actions for ${people[0]}` })).toBeFocused();

  // A revoked invitation offers one thing: inviting the person again.
  await page.keyboard.press('Enter');
  await expect(menu.getByRole('menuitem')).toHaveText(['Invite again']);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').first()).toHaveText(`Invited ${people[0]} again, with a new link.`);
  await expect(personRow(page, people[0]).locator('.status')).toHaveText('Invited');
  await expect(personRow(page, people[0]).locator('.chip')).toHaveText(['Keys', 'Night shift', 'Ops', '+2']);
});

test('a form from the menu opens in a dialog, and focus returns to the row when it closes', async ({ page }) => {
  await usersPage(page);
  const button = personRow(page, people[1]).getByRole('button', { name: `Actions for ${people[1]}` });
  await button.click();
  await page.getByRole('menuitem', { name: 'Change role' }).click();
  const dialog = page.getByRole('dialog', { name: `Change the role of ${people[1]}` });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  await dialog.getByLabel(`Role for ${people[1]}`).selectOption({ label: 'Builder' });
  await dialog.getByRole('button', { name: 'Save role' }).click();
  await expect(page.getByRole('status').first()).toHaveText(`${people[1]} is now Builder.`);
  await expect(personRow(page, people[1])).toContainText('Builder');
  await expect(personRow(page, people[1]).getByRole('button', { name: `Actions for ${people[1]}` })).toBeFocused();

  await personRow(page, people[1]).getByRole('button', { name: `Actions for ${people[1]}` }).click();
  await page.getByRole('menuitem', { name: 'Edit groups' }).click();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(personRow(page, people[1]).getByRole('button', { name: `Actions for ${people[1]}` })).toBeFocused();
});

for (const width of [390, 360]) {
  test(`at ${width} px wide nothing scrolls sideways, and every person can still be acted on`, async ({ page }) => {
    await page.setViewportSize({ width, height: 800 });
    await usersPage(page);
    await expect(personRow(page, people[1])).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Role and groups move under the name.
    await expect(personRow(page, people[1]).locator('.person-extra')).toBeVisible();
    await personRow(page, people[1]).getByRole('button', { name: `Actions for ${people[1]}` }).click();
    const menu = page.getByRole('menu');
    await expect(menu).toBeVisible();
    const box = await menu.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(width);
    await expectAccessible(page);
  });
}
