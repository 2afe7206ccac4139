import { expect, type Locator } from '@playwright/test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWorkspace, importStep, musterCli, test, workspace, openUploadTab } from '../support/muster';

// Files are read and checked in a Web Worker running the same pipeline as
// the server; where no worker can start, the page does it itself.
test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const fixtures = join(__dirname, '..', '..', 'fixtures');

type Problem = { column: string; message: string; severity: 'Error' | 'Warning' };

/** Each row as `muster import --dry-run --json` checks the same bytes: number, address, problems. */
function serverRows(file: string): string[][] {
  let out: string;
  try {
    out = musterCli(['import', join(fixtures, file), '--workspace', workspace.slug, '--dry-run', '--json']);
  } catch (failed) {
    // It exits non-zero when a row would fail; what it printed still holds.
    out = String((failed as { stdout: Buffer }).stdout);
  }
  return out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { row: number; email: string; problems: Problem[] })
    .map((row) => [
      String(row.row),
      row.email,
      row.problems.map((p) => `${p.severity} in ${p.column}: ${p.message}`).join(' '),
    ]);
}

/** The preview's rows as shown: number, address, problems. */
async function previewRows(dialog: Locator, file: string): Promise<string[][]> {
  const preview = dialog.getByRole('table', { name: new RegExp(`^Preview of ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `) });
  await expect(preview).toBeVisible();
  return preview.locator('tbody tr:not(.spacer)').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent!.trim());
      return [cells[0], cells[1], cells[5]];
    }),
  );
}

test('every fixture gives the same rows, problems and order in the worker as on the server', async ({ page }) => {
  const workers: string[] = [];
  const started: import('@playwright/test').Worker[] = [];
  page.on('worker', (worker) => {
    workers.push(new URL(worker.url()).pathname);
    started.push(worker);
  });
  const dialog = await openUploadTab(page);
  // Started when the tab shows, before any file is chosen.
  await expect.poll(() => workers).toEqual(['/pkg/file_worker.js']);
  // Its module loaded and serves (it listens once started), rather than
  // having said "Unavailable" and left the page to read files itself.
  await expect.poll(() => started[0].evaluate(() => typeof self.onmessage === 'function')).toBe(true);
  const files = readdirSync(fixtures).sort();
  expect(files.length).toBeGreaterThanOrEqual(8);
  for (const file of files) {
    await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(join(fixtures, file));
    await expect(dialog.getByText(/^\d+ ready · \d+ with warnings · \d+ with errors$/)).toBeVisible();
    await importStep(dialog, 'Review');
    const expected = serverRows(file);
    expect(expected.length, file).toBeGreaterThan(0);
    expect(await previewRows(dialog, file), file).toEqual(expected);
  }
  // One worker read them all.
  expect(workers).toEqual(['/pkg/file_worker.js']);
});

test('the worker script has a policy of its own; the page lets workers start from itself only', async ({ page, request }) => {
  const script = await request.get('/pkg/file_worker.js');
  expect(script.status()).toBe(200);
  expect(script.headers()['content-security-policy']).toBe("default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'");
  const login = await page.goto('/login');
  expect(login!.headers()['content-security-policy']).toContain("worker-src 'self'");
});

/** A CSV of `rows` people: big enough to take a while in a debug build. */
function bigCsv(rows: number) {
  const lines = ['Email,Name,Role'];
  for (let i = 0; i < rows; i++) lines.push(`person${i}@example.com,Person ${i},Member`);
  return { name: 'everyone.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) };
}

test('the first rows show while the rest are checked; a later slice\'s repeat of an early address is marked', async ({ page }) => {
  const dialog = await openUploadTab(page);
  // Notes, the moment the first preview row appears, whether rows were still
  // being checked and whether its Remove button could be pressed.
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      const remove = document.querySelector<HTMLButtonElement>('.preview button[aria-label="Remove row 2"]');
      if (!remove) return;
      observer.disconnect();
      (globalThis as Record<string, unknown>).atFirstRow = {
        checking: document.getElementById('check-progress') !== null,
        removable: !remove.disabled,
      };
    }).observe(document.body, { childList: true, subtree: true });
  });
  const file = bigCsv(20_000);
  // Row 15,002 (in a slice long after the first) repeats row 2's address.
  file.buffer = Buffer.from(file.buffer.toString().replace('person15000@example.com', 'Person0@Example.com'));
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(file);
  await expect(dialog.getByText('19999 ready · 0 with warnings · 1 with errors')).toBeVisible({ timeout: 60_000 });
  expect(await page.evaluate(() => (globalThis as Record<string, unknown>).atFirstRow)).toEqual({ checking: true, removable: false });
  await dialog.getByLabel('Show only rows with problems').check();
  const preview = dialog.getByRole('table', { name: /^Preview of everyone\.csv / });
  await expect(preview.locator('tbody tr:not(.spacer)')).toHaveCount(1);
  await expect(preview.locator('tbody tr:not(.spacer)')).toContainText('The same address as row 2; only row 2 is kept.');
  // Once every row is in, rows can be removed: removing the repeat leaves none with problems.
  await dialog.getByRole('button', { name: 'Remove row 15002' }).click();
  await expect(dialog.getByText('19999 ready · 0 with warnings · 0 with errors')).toBeVisible();
});

test('cancelling mid-read stops the worker and leaves the tab usable', async ({ page }) => {
  const started = page.waitForEvent('worker');
  const dialog = await openUploadTab(page);
  const first = await started;
  const closed = new Promise((done) => first.once('close', done));
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(bigCsv(100_000));
  await dialog.getByRole('button', { name: 'Cancel reading' }).click();
  await closed;
  await expect(dialog.getByRole('button', { name: 'Cancel reading' })).toHaveCount(0);
  await expect(dialog.getByText(/\d+ ready · /)).toHaveCount(0);
  await expect(dialog.getByLabel('Choose a CSV or Excel file')).toHaveValue('');
  // Another file is read at once, by a new worker.
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(join(fixtures, 'tooljet-columns.csv'));
  await expect(dialog.getByText('4 ready · 0 with warnings · 0 with errors')).toBeVisible();
});

test('where no worker can start, the page reads the file itself', async ({ page }) => {
  // A browser without Web Workers.
  await page.addInitScript(() => Object.defineProperty(window, 'Worker', { value: undefined }));
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(join(fixtures, 'mixed-problems.csv'));
  await expect(dialog.getByText(/^\d+ ready · \d+ with warnings · \d+ with errors$/)).toBeVisible();
  await importStep(dialog, 'Review');
  expect(await previewRows(dialog, 'mixed-problems.csv')).toEqual(serverRows('mixed-problems.csv'));
  expect(page.workers()).toEqual([]);
});

test('a worker that cannot load its script is given up, and the page reads the file itself', async ({ page }) => {
  let refused = 0;
  await page.route('**/pkg/file_worker.js', (route) => {
    refused += 1;
    return route.fulfill({ status: 404, body: 'gone' });
  });
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(join(fixtures, 'tooljet-columns.csv'));
  await expect(dialog.getByText('4 ready · 0 with warnings · 0 with errors')).toBeVisible();
  expect(refused).toBeGreaterThan(0);
});
