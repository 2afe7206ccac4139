import { expect, type Page } from '@playwright/test';
import { admin, chooseAction, ensureWorkspace, logIn, open, watchPolicy, workspace, test, importStep } from '../support/muster';

// Names an attacker would type, so that a page building markup from them runs script.
const IMG = '"><img src=x onerror=window.__pwned=1>';
const SCRIPT = '<script>window.__pwned=1</script>';
// What must never reach a page as markup (the hydration data carries `<` as \u003c).
const RAW_MARKUP = ['<img src=x onerror', '<script>window.__pwned'];

const invited = [
  { name: IMG, email: 'xss-1@example.com' },
  { name: SCRIPT, email: 'xss-2@example.com' },
];
const uploaded = [
  { name: IMG, email: 'xss-3@example.com' },
  { name: SCRIPT, email: 'xss-4@example.com' },
];

// Contexts opened by hand do not get the configured base URL.
const baseURL = `http://127.0.0.1:${process.env.MUSTER_E2E_PORT}`;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async ({ request }) => ensureWorkspace(request));

function row(page: Page, email: string) {
  return page.getByRole('row', { name: new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
}

/** A CSV field, always quoted (the names hold quotes). */
function csvCell(value: string) {
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * Nothing the names carry ran or became an element. (An inline script or
 * handler that got into a page would also be refused by the
 * Content-Security-Policy, which the `test` fixture and `watchPolicy` report;
 * this checks the escaping itself.)
 */
async function expectNothingInjected(page: Page) {
  const found = await page.evaluate(() => ({
    pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
    images: document.querySelectorAll('img[src="x"]').length,
    scripts: Array.from(document.scripts).filter((s) => (s.textContent ?? '').trim() === 'window.__pwned=1').length,
  }));
  expect(found).toEqual({ pwned: null, images: 0, scripts: 0 });
}

/** The page as the server sends it holds the names as text only. */
async function expectServedAsText(page: Page, url: string) {
  const response = await page.request.get(url, { headers: { accept: 'text/html' } });
  expect(response.status()).toBe(200);
  const html = await response.text();
  for (const raw of RAW_MARKUP) expect(html, `${url} holds ${raw} as markup`).not.toContain(raw);
}

async function inviteFromDialog(page: Page, person: { name: string; email: string }) {
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByLabel('Name', { exact: true }).fill(person.name);
  await dialog.getByLabel('Email address').fill(person.email);
  await dialog.getByLabel('Role').selectOption({ label: 'Member' });
  await dialog.getByRole('button', { name: 'Invite users' }).click();
  await expect(dialog.getByText(`Invited ${person.email}.`)).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
}

const links = new Map<string, string>();

test('names that are markup show as text in the Users table and on the sign-up page, and run nothing', async ({ page, browser }) => {
  await logIn(page, admin);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  for (const person of invited) await inviteFromDialog(page, person);
  for (const person of invited) await expect(row(page, person.email)).toContainText(person.name);
  await expectNothingInjected(page);

  // The table as the server renders it, then hydrated.
  await open(page, `/w/${workspace.slug}/settings/users`);
  for (const person of invited) await expect(row(page, person.email)).toContainText(person.name);
  await expectNothingInjected(page);
  await expectServedAsText(page, `/w/${workspace.slug}/settings/users`);

  for (const person of invited) {
    await chooseAction(page, person.email, 'Copy invite link');
    const field = page.getByLabel(`Invite link for ${person.email}`);
    await expect(field).toHaveValue(/\/invite\//);
    const link = await field.inputValue();
    await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    links.set(person.email, link);

    const invitee = await browser.newContext({ baseURL });
    const refused = watchPolicy(invitee);
    const signup = await invitee.newPage();
    await open(signup, link);
    await expect(signup.getByRole('heading', { name: `Join ${workspace.name}` })).toBeVisible();
    await expect(signup.getByText(person.email)).toBeVisible();
    // Pre-filled with the name exactly as typed: not run, not escaped twice.
    await expect(signup.getByLabel('Display name')).toHaveValue(person.name);
    await expectNothingInjected(signup);
    await expectServedAsText(signup, link);
    expect(refused, 'Content-Security-Policy violations on the sign-up page').toEqual([]);
    await invitee.close();
  }
});

test('someone who joins under such a name sees it as text in the top bar and on the home page', async ({ browser }) => {
  const person = invited.find((p) => p.name === SCRIPT)!;
  const invitee = await browser.newContext({ baseURL });
  const refused = watchPolicy(invitee);
  const signup = await invitee.newPage();
  await open(signup, links.get(person.email)!);
  await expect(signup.getByLabel('Display name')).toHaveValue(person.name);
  await signup.getByLabel('Password').fill('a long and private passphrase');
  await signup.getByRole('button', { name: 'Join workspace' }).click();
  await expect(signup).toHaveURL(`/w/${workspace.slug}`);
  await expect(signup.getByRole('banner')).toContainText(person.name);
  await expect(signup.getByRole('main')).toContainText(`Welcome, ${person.name}.`);
  await expectNothingInjected(signup);
  await expectServedAsText(signup, `/w/${workspace.slug}`);
  expect(refused, 'Content-Security-Policy violations in the workspace').toEqual([]);
  await invitee.close();
});

test('a file whose names are markup is previewed and uploaded as text, and runs nothing', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  const csv = ['Email,Name,Role', ...uploaded.map((p) => `${p.email},${csvCell(p.name)},Member`)].join('\n');
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'markup-names.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(dialog.getByText('2 ready · 0 with warnings · 0 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of markup-names\.csv/ });
  for (const person of uploaded) await expect(preview.getByRole('row', { name: new RegExp(person.email.replace(/\./g, '\\.')) })).toContainText(person.name);
  await expectNothingInjected(page);

  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('2 invited · 0 skipped · 0 failed')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  for (const person of uploaded) await expect(row(page, person.email)).toContainText(person.name);
  await expectNothingInjected(page);

  await open(page, `/w/${workspace.slug}/settings/users`);
  for (const person of uploaded) await expect(row(page, person.email)).toContainText(person.name);
  await expectNothingInjected(page);
  await expectServedAsText(page, `/w/${workspace.slug}/settings/users`);
});
