import { expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { admin, ensureWorkspace, expectAccessible, test, importStep, openUploadTab } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const fixture = (name: string) => join(__dirname, '..', '..', 'fixtures', name);

test('the file readers are a separate download: the login page never fetches them, the Users page does', async ({ page }) => {
  // The modules fetched (a page's code, the readers' code), by name.
  const modules: string[] = [];
  page.on('request', (request) => {
    const found = /^\/pkg\/split_(\w+)\.wasm$/.exec(new URL(request.url()).pathname);
    if (found) modules.push(found[1]);
  });
  const readers = () => modules.filter((m) => m.startsWith('prepare_file'));
  await page.goto('/login');
  await page.locator('body[data-hydrated]').waitFor();
  await page.waitForLoadState('networkidle');
  expect(modules).toEqual(['login_pages']);
  const dialog = await openUploadTab(page);
  await expect.poll(() => readers().length).toBeGreaterThan(0);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('it-portal.xlsx'));
  await expect(dialog.getByText(/\d+ ready · \d+ with warnings · \d+ with errors/)).toBeVisible();
});

test('a ToolJet-style CSV is previewed and uploaded; the people appear as invited', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('tooljet-columns.csv'));
  await expect(dialog.getByText('4 ready · 0 with warnings · 0 with errors')).toBeVisible();
  await expect(dialog.getByText('Text file, UTF-8, separated by commas; header on row 1.')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of tooljet-columns\.csv/ });
  await expect(preview.getByRole('row')).toHaveCount(5);
  await expect(preview.getByRole('row', { name: /k\.nakamura@corp\.com/ })).toContainText('Manager, Support');
  // Checked against the workspace: all new; the groups do not exist yet.
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText('In this workspace: 4 new · 0 already members · 0 archived · 0 with an open invitation · 0 with an expired invitation.')).toBeVisible();
  await importStep(dialog, 'Review');
  await expect(preview.getByRole('row', { name: /john@corp\.com/ })).toContainText('New');
  await importStep(dialog, 'Confirm');
  await dialog.getByLabel(/Create the groups that do not exist yet: .*Manager/).check();
  await expectAccessible(page);

  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('4 invited · 0 skipped · 0 failed')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  const john = page.getByRole('row', { name: /john@corp\.com/ });
  await expect(john).toContainText('Invited');
  await expect(john).toContainText('Admin');
  await expect(john).toContainText('Manager');
});

test('problem rows are named, can be filtered, and are not uploaded', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('mixed-problems.csv'));
  await expect(dialog.getByText('3 ready · 1 with warnings · 5 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of mixed-problems\.csv/ });
  await expect(preview.getByRole('row', { name: /badrole@example\.com/ })).toContainText('Error in Role: "Overlord" is not a role.');
  await dialog.getByLabel('Show only rows with problems').check();
  await expect(preview.getByRole('row')).toHaveCount(7);
  await expect(preview.getByRole('row', { name: /VALID@example\.com/ })).toContainText('The same address as row 2');
  // The other filters: ready rows with warnings only, then everyone again.
  await dialog.getByLabel('Only rows with warnings').check();
  await expect(preview.getByRole('row')).toHaveCount(2);
  await dialog.getByLabel('All rows').check();
  await expect(preview.getByRole('row')).toHaveCount(9);
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('3 invited · 0 skipped · 5 failed')).toBeVisible();
});

test('a workbook with a notes sheet is read from the sheet with people', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('multi-sheet.xlsx'));
  await expect(dialog.getByText('Workbook, sheet “New hires”; header on row 3.')).toBeVisible();
  await expect(dialog.getByText('2 ready · 0 with warnings · 0 with errors')).toBeVisible();
  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('2 invited · 0 skipped · 0 failed')).toBeVisible();
});

test('a truncated workbook gets a clear alert and nothing can be uploaded', async ({ page }) => {
  const dialog = await openUploadTab(page);
  const whole = readFileSync(fixture('it-portal.xlsx'));
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({
    name: 'it-portal.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: whole.subarray(0, Math.floor(whole.length / 2)),
  });
  await expect(dialog.getByRole('alert')).toContainText('damaged or truncated');
  // Nothing to go on with: the later steps stay closed.
  await expect(dialog.getByRole('button', { name: 'Next' })).toBeDisabled();
  await expect(dialog.getByRole('navigation', { name: 'Import steps' }).getByRole('button', { name: 'Confirm', exact: true })).toBeDisabled();
});

test('the template downloads as CSV and as Excel, and each reads back as its example row', async ({ page }) => {
  const dialog = await openUploadTab(page);
  for (const [link, name] of [
    ['Download template', 'muster-invitations-template.csv'],
    ['Excel version', 'muster-invitations-template.xlsx'],
  ]) {
    await importStep(dialog, 'File');
    const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: link, exact: true }).click()]);
    expect(download.suggestedFilename()).toBe(name);
    const buffer = readFileSync(await download.path());
    if (name.endsWith('.csv')) expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
    await expect(dialog.getByText('1 ready · 0 with warnings · 0 with errors')).toBeVisible();
    await expect(dialog.getByRole('table', { name: new RegExp(`Preview of ${name.replace(/\./g, '\\.')}`) })).toContainText('ada.lovelace@example.com');
  }
  // A mail server is configured for these tests, so emails start on.
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByRole('switch', { name: 'Send invitation emails' })).toBeChecked();
});

test('a bad row is fixed inline, another removed, and the rejected rows download ready to fix', async ({ page }) => {
  const dialog = await openUploadTab(page);
  const csv = [
    'Email,Name,Role',
    'fix.one@example.com,Fix One,Overlord',
    'fix.two@example.com,Fix Two,Member',
    'not-an-email,Broken,Member',
    '"=HYPERLINK(""http://evil"")",Formula,Member',
    'remove.me@example.com,Remove Me,Superuser',
  ].join('\n');
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'to-fix.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(dialog.getByText('1 ready · 0 with warnings · 4 with errors')).toBeVisible();

  await dialog.getByRole('button', { name: 'Edit row 2' }).click();
  const editor = dialog.getByRole('group', { name: 'Fix row 2' });
  await expect(editor.getByLabel('Email')).toBeFocused();
  await expect(editor.getByLabel('Role')).toHaveValue('Overlord');
  await editor.getByLabel('Role').fill('Builder');
  await editor.getByRole('button', { name: 'Save row' }).click();
  await expect(dialog.getByText('Row 2 is ready.')).toBeVisible();
  await expect(dialog.getByText('2 ready · 0 with warnings · 3 with errors')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of to-fix\.csv/ });
  await expect(preview.getByRole('row', { name: /fix\.one@example\.com/ })).toContainText('Builder');

  await dialog.getByRole('button', { name: 'Remove row 6' }).click();
  await expect(dialog.getByText('Row 6 removed; it will not be uploaded.')).toBeVisible();
  await expect(dialog.getByText('2 ready · 0 with warnings · 2 with errors')).toBeVisible();
  await expectAccessible(page);

  await importStep(dialog, 'Confirm');
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('2 invited · 0 skipped · 2 failed')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Download rejected rows (2)' }).click()]);
  expect(download.suggestedFilename()).toBe('to-fix-rejected-rows.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
  expect(lines[0]).toBe('Email,Name,Role,Groups,Metadata,Error');
  expect(lines[1]).toMatch(/^not-an-email,Broken,Member,,,Email: /);
  // Formula neutralised: a spreadsheet shows it as text.
  expect(lines[2]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil""\)",Formula,Member,,,Email: /);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('row', { name: /fix\.one@example\.com/ })).toContainText('Builder');

  // The batch is listed with what became of its rows, on the Users page and on Imports.
  const recent = page.getByRole('region', { name: 'Recent imports' });
  await expect(recent).toContainText('to-fix.csv');
  await expect(recent).toContainText('4 rows: 2 invited · 0 skipped · 2 failed');
  await recent.getByRole('link', { name: 'All imports' }).click();
  await expect(page.getByRole('heading', { name: 'Imports' })).toBeVisible();
  const batch = page.getByRole('table', { name: /^\d+ imports?$/ }).getByRole('row', { name: /to-fix\.csv/ });
  await expect(batch.getByRole('cell')).toHaveText(['to-fix.csv', /./, /./, '4', '2', '0', '0', '0', '2', 'Undo this import of to-fix.csv']);
  await expectAccessible(page);
});

test('open invitations get a new link when chosen; role and groups can be the same for everyone', async ({ page }) => {
  const dialog = await openUploadTab(page);
  const csv = ['Email,Name,Role,Groups', 'john@corp.com,John Doe,Admin,Manager', 'intern.one@example.com,Intern One,Admin,Board', 'intern.two@example.com,Intern Two,Admin,'].join('\n');
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'interns.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await importStep(dialog, 'Confirm');
  await expect(dialog.getByText('In this workspace: 2 new · 0 already members · 0 archived · 1 with an open invitation · 0 with an expired invitation.')).toBeVisible();
  const preview = dialog.getByRole('table', { name: /Preview of interns\.csv/ });
  await importStep(dialog, 'Review');
  await expect(preview.getByRole('row', { name: /john@corp\.com/ })).toContainText('Invitation open');
  await importStep(dialog, 'Confirm');
  await dialog.getByLabel('Send them a new link (the old one stops working)').check();

  await dialog.getByLabel('The same for everyone').check();
  await dialog.getByLabel('Role for everyone').selectOption('Member');
  await dialog.getByLabel('Groups for everyone').fill('Interns');
  await dialog.getByLabel('Create the groups that do not exist yet: Interns').check();
  await expectAccessible(page);
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  // John's open invitation was sent again: counted as resent, not as invited.
  await expect(dialog.getByText('2 invited · 1 resent · 0 skipped · 0 failed')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  const intern = page.getByRole('row', { name: /intern\.one@example\.com/ });
  await expect(intern).toContainText('Member');
  await expect(intern).toContainText('Interns');
  await expect(intern).not.toContainText('Board');
});

test('the admin changes how a file is read and what a column holds, and the rows are checked again', async ({ page }) => {
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('excel-semicolon-bom.csv'));
  await expect(dialog.getByText(/separated by semicolons; header on row 1\./)).toBeVisible();
  await importStep(dialog, 'Columns');
  await expect(dialog.getByLabel('Encoding')).toHaveValue('UTF-8');
  // Read with the wrong separator there is no email column: said, and the file as read before stays.
  await dialog.getByLabel('Separator').selectOption('commas');
  await expect(dialog.getByRole('alert')).toContainText('No column of email addresses was found');
  await expect(dialog.getByText(/separated by semicolons/)).toBeVisible();
  await dialog.getByLabel('Separator').selectOption('semicolons');
  await expect(dialog.getByRole('alert')).toHaveCount(0);

  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('it-portal.xlsx'));
  const preview = dialog.getByRole('table', { name: /Preview of it-portal\.xlsx/ });
  await expect(preview.getByRole('row', { name: /priya\.raman@example\.org/ })).toContainText('Admin');
  await importStep(dialog, 'Columns');
  const columns = dialog.getByRole('table', { name: 'Columns' });
  await expect(columns.getByRole('row')).toHaveCount(5);
  // The control is not drawn again under the keyboard user's focus.
  const userType = dialog.getByLabel('Use column “User type” as');
  await userType.focus();
  await userType.selectOption('ignore');
  // The rows are checked again (the preview, in Review, follows).
  await expect(dialog.locator('.preview tbody tr', { hasText: 'priya.raman@example.org' })).toContainText('Member');
  await expect(userType).toBeFocused();
  await expectAccessible(page);
  await importStep(dialog, 'Review');
  await expect(preview.getByRole('row', { name: /priya\.raman@example\.org/ })).toContainText('Member');
});

for (const [name, person, shownName] of [
  ['deepomatic-columns.csv', 'marc@deepo.example', 'Marc Dupont'],
  ['excel-semicolon-bom.csv', 'elodie.fabre@exemple.fr', 'Élodie Fabre'],
  ['excel-unicode-text.txt', 'li.lei@example.cn', '李 雷'],
  ['windows-1252.csv', 'jose.ibanez@example.es', 'José Ibáñez'],
  ['it-portal.xlsx', 'zoe.martin@example.org', 'Zoë Martin'],
]) {
  test(`fixture ${name} is previewed and uploaded; its people appear as invited`, async ({ page }) => {
    const dialog = await openUploadTab(page);
    await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture(name));
    const counts = dialog.getByText(/^\d+ ready · \d+ with warnings · \d+ with errors$/);
    await expect(counts).toBeVisible();
    const [, ready, errors] = (await counts.textContent())!.match(/^(\d+) ready · \d+ with warnings · (\d+) with errors$/)!;
    expect(Number(ready)).toBeGreaterThan(0);
    await importStep(dialog, 'Confirm');
    await expect(dialog.getByText(`In this workspace: ${ready} new ·`, { exact: false })).toBeVisible();
    await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
    await dialog.getByRole('button', { name: 'Upload users' }).click();
    await expect(dialog.getByText(`${ready} invited · 0 skipped · ${errors} failed`)).toBeVisible();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Search by name or email').fill(person);
    const row = page.getByRole('row', { name: new RegExp(person.replace(/\./g, '\\.')) });
    await expect(row).toContainText('Invited');
    await expect(row).toContainText(shownName);
  });
}

test('a zip bomb gets a clear alert before it is opened, and nothing can be uploaded', async ({ page }) => {
  // 64 MB of zeros that compress to a few dozen KB: a workbook that would explode when opened.
  const bomb = execFileSync('python3', [
    '-c',
    "import io,sys,zipfile\nb=io.BytesIO()\nz=zipfile.ZipFile(b,'w',zipfile.ZIP_DEFLATED)\nz.writestr('[Content_Types].xml','<Types/>')\nz.writestr('xl/worksheets/sheet1.xml',bytes(64*1024*1024))\nz.close()\nsys.stdout.buffer.write(b.getvalue())",
  ], { maxBuffer: 64 * 1024 * 1024 });
  expect(bomb.length).toBeLessThan(1024 * 1024);
  const dialog = await openUploadTab(page);
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles({ name: 'people.xlsx', mimeType: 'application/octet-stream', buffer: bomb });
  await expect(dialog.getByRole('alert')).toContainText('would expand to more than 256 MB');
  // Nothing to go on with: the later steps stay closed.
  await expect(dialog.getByRole('button', { name: 'Next' })).toBeDisabled();
  await expect(dialog.getByRole('navigation', { name: 'Import steps' }).getByRole('button', { name: 'Confirm', exact: true })).toBeDisabled();
  // The tab survived: another file still works.
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(fixture('tooljet-columns.csv'));
  await expect(dialog.getByText(/^4 ready · /)).toBeVisible();
});
