import { expect } from '@playwright/test';
import { admin, expectAccessible, logIn, member, musterCli, open, withPasswordFile, workspace, test } from '../support/muster';

// One server for the whole run: these steps build on each other, in order.
test.describe.configure({ mode: 'serial' });

test('setup from the printed link creates the workspace and lands on Users', async ({ page }) => {
  const setupUrl = process.env.MUSTER_SETUP_URL!;
  expect(setupUrl).toMatch(/\/setup\?token=[A-Za-z0-9_-]{43,}$/);
  await open(page, setupUrl);
  await expect(page.getByRole('heading', { name: 'Set up Muster' })).toBeVisible();
  await expectAccessible(page);

  // A bad value is refused at its field, and nothing is lost.
  await page.getByLabel('Workspace name').fill(workspace.name);
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page.getByRole('alert')).toHaveText('Use at least 8 characters.');
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Workspace name')).toHaveValue(workspace.name);

  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await expect(page).toHaveURL(`/w/${workspace.slug}/settings/users`);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(workspace.name);
  const row = page.getByRole('row', { name: new RegExp(admin.email) });
  await expect(row).toContainText('Admin');
  await expect(row).toContainText('Active');
  await expectAccessible(page);
});

test('the setup link works once; afterwards /setup is closed', async ({ page }) => {
  await open(page, process.env.MUSTER_SETUP_URL!);
  await expect(page.getByRole('heading', { name: 'Muster is already set up' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create workspace' })).toHaveCount(0);
  await open(page, '/setup');
  await expect(page.getByRole('heading', { name: 'Muster is already set up' })).toBeVisible();
});

test('log out, then log in again', async ({ page }) => {
  await logIn(page, admin);
  await expect(page).toHaveURL(`/w/${workspace.slug}/settings/users`);
  await page.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL('/login');
  await expect(page.getByRole('heading', { name: 'Log in to Muster' })).toBeVisible();
  await expectAccessible(page);

  // The old session is gone: the admin page sends us back to log in.
  await open(page, `/w/${workspace.slug}/settings/users`);
  await expect(page).toHaveURL(/\/login\?next=/);

  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(`/w/${workspace.slug}/settings/users`);
});

test('wrong credentials get one generic message, whether or not the account exists', async ({ page }) => {
  const message = "That email address and password don't match an account.";
  await logIn(page, { email: admin.email, password: 'not the password' });
  await expect(page.getByRole('alert')).toHaveText(message);
  await expect(page).toHaveURL(/\/login/);
  await expectAccessible(page);

  await logIn(page, { email: 'nobody@example.com', password: 'not the password' });
  await expect(page.getByRole('alert')).toHaveText(message);
});

test('a member cannot see the admin page, in the browser or through the API', async ({ page }) => {
  const out = withPasswordFile(member.password, (file) =>
    musterCli(['members', 'add', '--workspace', workspace.slug, '--email', member.email,
      '--name', member.name, '--role', 'Member', '--password-file', file]),
  );
  expect(out).toContain(`Added ${member.email}`);

  await logIn(page, member);
  await expect(page).toHaveURL(`/w/${workspace.slug}`);
  await expect(page.getByRole('heading', { name: workspace.name, level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expectAccessible(page);

  await open(page, `/w/${workspace.slug}/settings/users`);
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByText(admin.email)).toHaveCount(0);
  await expectAccessible(page);

  const response = await page.request.post('/api/list_people', {
    form: { slug: workspace.slug, search: '', status: '', page: '0' },
  });
  expect(response.status()).toBe(403);
});
