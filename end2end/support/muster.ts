import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery staple' };
export const member = { name: 'Max Member', email: 'max@example.com', password: 'a perfectly fine passphrase' };
export const workspace = { name: 'Acme Corp', slug: 'acme-corp' };

/**
 * Chromium reports what a Content-Security-Policy refused (a script, an
 * inline style) on the console; collect those messages from a context.
 */
export function watchPolicy(context: BrowserContext): string[] {
  const refused: string[] = [];
  context.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) refused.push(message.text());
  });
  return refused;
}

/** Playwright's `test`, failing any test whose pages break the Content-Security-Policy. */
export const test = base.extend<{ policyViolations: string[] }>({
  policyViolations: [
    async ({ context }, use) => {
      const refused = watchPolicy(context);
      await use(refused);
      expect(refused, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

/** Opens a page and waits until the WASM has hydrated it. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor();
}

/** Fails on serious or critical accessibility violations (axe-core). */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious, 'serious accessibility violations').toEqual([]);
}

/** The Users table's row of the person with this address. */
export function personRow(page: Page, email: string): Locator {
  return page.getByRole('row', { name: new RegExp(email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
}

/** Opens a row's "Actions for …" menu and chooses one of its items. */
export async function chooseAction(page: Page, email: string, action: string) {
  await personRow(page, email).getByRole('button', { name: /^Actions for / }).click();
  await page.getByRole('menu').getByRole('menuitem', { name: action, exact: true }).click();
}

export async function logIn(page: Page, who: { email: string; password: string }) {
  await open(page, '/login');
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Runs the `muster` command line against the test server's database. */
export function musterCli(args: string[]): string {
  const env = { ...process.env, ...JSON.parse(process.env.MUSTER_E2E_ENV!) };
  delete env.DATABASE_URL;
  return execFileSync(process.env.MUSTER_BIN!, args, { env }).toString();
}

export function withPasswordFile<T>(password: string, run: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'muster-pw-'));
  const file = join(dir, 'password');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  try {
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type Mail = { subject: string; text: string; to: { address: string }[]; envelope: { to: { address: string }[] } };

/** Every mail maildev received for `address`, oldest first. */
export async function mailsTo(address: string): Promise<Mail[]> {
  const response = await fetch(`${process.env.MAILDEV_API}/email`);
  const mails = (await response.json()) as Mail[];
  return mails.filter((m) => m.envelope.to.some((t) => t.address === address));
}

/** Waits for the `n`th mail to `address` and returns the invitation link it carries. */
export async function waitForInviteLink(address: string, n = 1): Promise<{ link: string; mail: Mail }> {
  await expect.poll(async () => (await mailsTo(address)).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(n);
  const mail = (await mailsTo(address))[n - 1];
  const link = mail.text.match(/https?:\/\/\S+\/invite\/\S+/)?.[0];
  expect(link, 'an invitation link in the mail').toBeTruthy();
  return { link: link!, mail };
}

/** Makes sure the workspace exists (the foundation spec normally creates it through the UI). */
export async function ensureWorkspace(request: import('@playwright/test').APIRequestContext) {
  const token = new URL(process.env.MUSTER_SETUP_URL!).searchParams.get('token')!;
  const response = await request.post('/api/setup', {
    form: { token, workspace_name: workspace.name, your_name: admin.name, email: admin.email, password: admin.password },
  });
  expect([200, 409]).toContain(response.status());
}

/**
 * Runs `body` against a second `muster` instance that shares the test
 * server's data dir (database and link key), with extra settings.
 */
export async function withSecondInstance(settings: Record<string, string>, body: (baseURL: string) => Promise<void>) {
  const port = execFileSync(process.execPath, [
    '-e',
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})",
  ]).toString();
  const baseURL = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...JSON.parse(process.env.MUSTER_E2E_ENV!), ...settings, LEPTOS_SITE_ADDR: `127.0.0.1:${port}` };
  delete env.DATABASE_URL;
  const child = spawn(process.env.MUSTER_BIN!, [], { env, stdio: 'ignore' });
  try {
    await expect.poll(async () => (await fetch(`${baseURL}/healthz`).catch(() => null))?.status, { timeout: 30_000 }).toBe(200);
    await body(baseURL);
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGINT');
    await exited;
  }
}

/** Logs the admin in and opens "Add users" → "Upload file"; returns the dialog. */
export async function openUploadTab(page: Page): Promise<Locator> {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  await expect(dialog.getByRole('tab', { name: 'Upload file' })).toHaveAttribute('aria-selected', 'true');
  return dialog;
}

/** Opens a step of the importer ("Columns", "Review", "Confirm", …) from its list of steps. */
export async function importStep(dialog: Locator, name: string) {
  await dialog.getByRole('navigation', { name: 'Import steps' }).getByRole('button', { name, exact: true }).click();
}
