import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const admin = { name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery staple' };
export const member = { name: 'Max Member', email: 'max@example.com', password: 'a perfectly fine passphrase' };
export const workspace = { name: 'Acme Corp', slug: 'acme-corp' };

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
