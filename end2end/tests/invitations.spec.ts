import { expect, type Page } from '@playwright/test';
import { admin, chooseAction, ensureWorkspace, expectAccessible, logIn, mailsTo, open, personRow, waitForInviteLink, watchPolicy, withSecondInstance, workspace, test } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

// A 1×1 PNG with transparency: small, and a real picture the server must decode.
const PICTURE = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

async function inviteFromDialog(page: Page, person: { name: string; email: string; role?: string; groups?: string }) {
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await expect(dialog.getByRole('tab', { name: 'Invite' })).toHaveAttribute('aria-selected', 'true');
  await dialog.getByLabel('Name', { exact: true }).fill(person.name);
  await dialog.getByLabel('Email address').fill(person.email);
  await dialog.getByLabel('Role').selectOption({ label: person.role ?? 'Member' });
  if (person.groups) await dialog.getByLabel('Groups').fill(person.groups);
  await dialog.getByRole('button', { name: 'Invite users' }).click();
  await expect(dialog.getByText(`Invited ${person.email}.`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
}

const row = personRow;

test('an admin invites someone; the mail arrives; they sign up with an avatar; the admin sees them Active', async ({ page, browser }) => {
  await logIn(page, admin);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await inviteFromDialog(page, { name: 'Eve Example', email: 'eve@example.com', role: 'Builder', groups: 'Design, Berlin' });
  await expect(row(page, 'eve@example.com')).toContainText('Invited');
  await expect(row(page, 'eve@example.com').locator('.chip')).toHaveText(['Berlin', 'Design']);
  await expect(row(page, 'eve@example.com')).toContainText('no account yet · expires in 7 days');
  await expectAccessible(page);

  const { link, mail } = await waitForInviteLink('eve@example.com');
  expect(mail.subject).toBe(`${admin.name} invited you to join ${workspace.name} on Muster`);
  expect(mail.text).toContain('expires on');

  // The invitee, in a browser of their own.
  const invitee = await browser.newContext();
  const refusedOnSignup = watchPolicy(invitee);
  const signup = await invitee.newPage();
  await open(signup, link);
  await expect(signup.getByRole('heading', { name: `Join ${workspace.name}` })).toBeVisible();
  await expect(signup.getByText('eve@example.com')).toBeVisible();
  await expect(signup.getByLabel('Display name')).toHaveValue('Eve Example');
  await expectAccessible(signup);
  await signup.getByLabel('Password').fill('password');
  await signup.getByRole('button', { name: 'Join workspace' }).click();
  await expect(signup.getByRole('alert')).toContainText('most common');
  await signup.getByLabel('Password').fill('a long and private passphrase');
  // A file that is not a picture is refused at the Avatar field, and nothing is lost.
  await signup.getByLabel('Avatar').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  await signup.getByRole('button', { name: 'Join workspace' }).click();
  await expect(signup.getByRole('alert')).toHaveText('Choose a PNG, JPEG or WebP picture.');
  await expect(signup.getByLabel('Avatar')).toHaveAttribute('aria-invalid', 'true');
  await signup.getByLabel('Avatar').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PICTURE });
  await signup.getByRole('button', { name: 'Join workspace' }).click();
  await expect(signup).toHaveURL(`/w/${workspace.slug}`);
  await expect(signup.getByRole('heading', { name: workspace.name, level: 1 })).toBeVisible();
  expect(refusedOnSignup, 'Content-Security-Policy violations on the sign-up page').toEqual([]);
  await invitee.close();

  await page.reload();
  await expect(row(page, 'eve@example.com')).toContainText('Active');
  await expect(row(page, 'eve@example.com')).toContainText('Builder');
  await expect(row(page, 'eve@example.com').locator('.chip')).toHaveText(['Berlin', 'Design']);
  const avatar = row(page, 'eve@example.com').locator('img.avatar');
  await expect(avatar).toHaveAttribute('src', /^\/avatars\/\d+\?v=\d+$/);
  await expect.poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(256);
});

test('resend sends a new link and the old one stops working', async ({ page, browser }) => {
  await logIn(page, admin);
  await inviteFromDialog(page, { name: 'Finn', email: 'finn@example.com' });
  const first = await waitForInviteLink('finn@example.com', 1);

  await chooseAction(page, 'finn@example.com', 'Resend invite');
  await expect(page.getByRole('status').first()).toContainText('Sent a new invitation to finn@example.com');
  const second = await waitForInviteLink('finn@example.com', 2);
  expect(second.link).not.toBe(first.link);

  const visitor = await (await browser.newContext()).newPage();
  await open(visitor, first.link);
  await expect(visitor.getByRole('heading', { name: 'This invitation link does not work' })).toBeVisible();
  await expect(visitor.getByText('Ask your admin to resend')).toBeVisible();
  await expectAccessible(visitor);
  await open(visitor, second.link);
  await expect(visitor.getByRole('button', { name: 'Join workspace' })).toBeVisible();

  // Copy invite link shows the same working link the newest mail carried.
  await chooseAction(page, 'finn@example.com', 'Copy invite link');
  await expect(page.getByLabel('Invite link for finn@example.com')).toHaveValue(second.link);
  await page.getByRole('dialog', { name: 'Invite link for Finn' }).getByRole('button', { name: 'Close' }).click();
  await expect(row(page, 'finn@example.com').getByRole('button', { name: 'Actions for Finn' })).toBeFocused();
});

test('revoking an invitation stops its link at once', async ({ page, browser }) => {
  await logIn(page, admin);
  const { link } = await waitForInviteLink('finn@example.com', 2);
  await chooseAction(page, 'finn@example.com', 'Revoke invite');
  await expect(row(page, 'finn@example.com')).toContainText('Revoked');
  const visitor = await (await browser.newContext()).newPage();
  await open(visitor, link);
  await expect(visitor.getByRole('heading', { name: 'This invitation was withdrawn' })).toBeVisible();
  expect((await mailsTo('finn@example.com')).length).toBe(2);
});

test('an expired link gets its own clear page', async ({ page, playwright }) => {
  // A second instance on the same database, with invitations that expire at once.
  await withSecondInstance({ MUSTER_INVITE_EXPIRY_HOURS: '0' }, async (baseURL) => {
    const api = await playwright.request.newContext({ baseURL });
    expect((await api.post('/api/login', { form: { email: admin.email, password: admin.password } })).status()).toBe(200);
    const invited = await api.post('/api/invite_users', {
      form: { slug: workspace.slug, emails: 'gus@example.com', name: 'Gus', role: 'Member', metadata: '' },
    });
    expect(invited.status()).toBe(200);
    await api.dispose();
  });
  const { link } = await waitForInviteLink('gus@example.com');
  await open(page, link);
  await expect(page.getByRole('heading', { name: 'This invitation has expired' })).toBeVisible();
  await expect(page.getByText('Ask your admin to resend')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Join workspace' })).toHaveCount(0);
  await expectAccessible(page);

  await logIn(page, admin);
  await expect(row(page, 'gus@example.com')).toContainText('Expired');
});

test('admins change roles, archive and unarchive from the table; the last admin is protected', async ({ page }) => {
  await logIn(page, admin);
  const eve = row(page, 'eve@example.com');
  await chooseAction(page, 'eve@example.com', 'Change role');
  const dialog = page.getByRole('dialog', { name: 'Change the role of Eve Example' });
  await dialog.getByLabel('Role for eve@example.com').selectOption({ label: 'Member' });
  await dialog.getByRole('button', { name: 'Save role' }).click();
  await expect(page.getByRole('status').first()).toHaveText('eve@example.com is now Member.');
  await expect(eve).toContainText('Member');
  await expect(dialog).toBeHidden();

  await chooseAction(page, 'eve@example.com', 'Archive');
  await expect(eve).toContainText('Archived');
  await chooseAction(page, 'eve@example.com', 'Unarchive');
  await expect(eve).toContainText('Active');

  await chooseAction(page, admin.email, 'Change role');
  const mine = page.getByRole('dialog', { name: `Change the role of ${admin.name}` });
  await mine.getByLabel(`Role for ${admin.email}`).selectOption({ label: 'Member' });
  await mine.getByRole('button', { name: 'Save role' }).click();
  await expect(mine.getByRole('alert')).toContainText('at least one admin');
  await expectAccessible(page);
  await mine.getByRole('button', { name: 'Close' }).click();
  await expect(row(page, admin.email)).toContainText('Admin');
});
