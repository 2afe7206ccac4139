import { expect } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, test } from '../support/muster';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

const csv = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

test('the importer goes File → Review → Confirm → Result by keyboard, keeps every choice, and Back in the browser goes back a step', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  const steps = dialog.getByRole('navigation', { name: 'Import steps' });
  await expect(steps.getByRole('button', { name: 'File', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(steps.getByRole('button', { name: 'Review', exact: true })).toBeDisabled();
  await expect(dialog.getByRole('button', { name: 'Next' })).toBeDisabled();
  await expectAccessible(page);

  // A file with known column names opens in Review.
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('steps.csv', 'Email,Name\nstep.one@example.com,Step One\nstep.two@example.com,Step Two\n'));
  await expect(steps.getByRole('button', { name: 'Review', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(dialog.getByRole('table', { name: /Preview of steps\.csv/ }).getByRole('row')).toHaveCount(3);
  await expect(dialog.getByText('2 ready · 0 with warnings · 0 with errors')).toBeVisible();
  await expectAccessible(page);

  // Next, by keyboard: Confirm, with the workspace check.
  await dialog.getByRole('button', { name: 'Next' }).focus();
  await page.keyboard.press('Enter');
  await expect(steps.getByRole('button', { name: 'Confirm', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(dialog.getByText('In this workspace: 2 new · 0 already members · 0 archived · 0 with an open invitation · 0 with an expired invitation.')).toBeVisible();
  await dialog.locator('#upload-message').fill('Kept across steps');
  await expectAccessible(page);

  // Back (the button), then the browser's back button, then forward again: choices stay.
  await dialog.getByRole('button', { name: 'Back' }).click();
  await expect(steps.getByRole('button', { name: 'Review', exact: true })).toHaveAttribute('aria-current', 'step');
  await page.goBack();
  await expect(steps.getByRole('button', { name: 'Confirm', exact: true })).toHaveAttribute('aria-current', 'step');
  await page.goBack();
  await expect(steps.getByRole('button', { name: 'Review', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(dialog).toBeVisible();
  await steps.getByRole('button', { name: 'Columns', exact: true }).click();
  await expect(dialog.getByText('How the file is read and what each column holds')).toBeVisible();
  await expectAccessible(page);
  await steps.getByRole('button', { name: 'Confirm', exact: true }).click();
  await expect(dialog.locator('#upload-message')).toHaveValue('Kept across steps');

  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(steps.getByRole('button', { name: 'Result', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(dialog.getByText('2 invited · 0 skipped · 0 failed')).toBeVisible();
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Upload another file' }).click();
  await expect(steps.getByRole('button', { name: 'File', exact: true })).toHaveAttribute('aria-current', 'step');
});

test('a file whose column names Muster does not know opens in Columns', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  await dialog.getByLabel('Choose a CSV or Excel file').setInputFiles(csv('odd.csv', 'Display Label,Primary Contact\nOdd One,odd.one@example.com\n'));
  const steps = dialog.getByRole('navigation', { name: 'Import steps' });
  await expect(steps.getByRole('button', { name: 'Columns', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(dialog.getByText('1 ready · 1 with warnings · 0 with errors')).toBeVisible();
  await expect(dialog.getByLabel('Use column “Primary Contact” as')).toHaveValue('email');
});

test('a file dropped anywhere on the importer is read as if chosen, and leaving with it not uploaded asks first', async ({ page }) => {
  await logIn(page, admin);
  await page.getByRole('button', { name: 'Add users' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add users' });
  await dialog.getByRole('tab', { name: 'Upload file' }).click();
  const steps = dialog.getByRole('navigation', { name: 'Import steps' });
  await expect(steps.getByRole('button', { name: 'File', exact: true })).toHaveAttribute('aria-current', 'step');

  // Dropped on the list of steps, away from the file field: the whole view takes it.
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['Email,Name\ndrop.one@example.com,Drop One\ndrop.two@example.com,Drop Two\n'], 'dropped.csv', { type: 'text/csv' }));
    return transfer;
  });
  await steps.dispatchEvent('dragover', { dataTransfer: dropped });
  await steps.dispatchEvent('drop', { dataTransfer: dropped });
  await expect(steps.getByRole('button', { name: 'Review', exact: true })).toHaveAttribute('aria-current', 'step');
  await expect(dialog.getByRole('table', { name: /Preview of dropped\.csv/ }).getByRole('row')).toHaveCount(3);
  await expect(dialog.getByText('2 ready · 0 with warnings · 0 with errors')).toBeVisible();

  // The file is not uploaded yet: closing the page asks first, and staying keeps it.
  const asked = new Promise<string>((resolve) => {
    page.once('dialog', (prompt) => {
      resolve(prompt.type());
      void prompt.dismiss();
    });
  });
  await page.close({ runBeforeUnload: true });
  expect(await asked).toBe('beforeunload');
  await expect(dialog.getByRole('table', { name: /Preview of dropped\.csv/ })).toBeVisible();

  // Uploaded: nothing is left to lose, and a reload asks nothing.
  await steps.getByRole('button', { name: 'Confirm', exact: true }).click();
  await dialog.getByRole('switch', { name: 'Send invitation emails' }).uncheck();
  await dialog.getByRole('button', { name: 'Upload users' }).click();
  await expect(dialog.getByText('2 invited · 0 skipped · 0 failed')).toBeVisible();
  const prompts: string[] = [];
  page.on('dialog', (prompt) => {
    prompts.push(prompt.type());
    void prompt.accept();
  });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  expect(prompts).toEqual([]);
});
