import { expect, type Page } from '@playwright/test';
import { admin, ensureWorkspace, expectAccessible, logIn, open, test, workspace } from '../support/muster';

// Each page's code is a WASM module loaded with the page: the sign-in page's,
// the sign-up page's, the workspace pages' (one for all of them), each with
// the chunks it shares with others.

test.beforeAll(async ({ request }) => {
  await ensureWorkspace(request);
});

/** Every WASM file this page has requested so far, in order (`muster`, `split_login_pages`, `chunk_7`, …). */
function wasmFetched(page: Page): string[] {
  const files: string[] = [];
  page.on('request', (request) => {
    const found = /^\/pkg\/(\w+)\.wasm$/.exec(new URL(request.url()).pathname);
    if (found) files.push(found[1]);
  });
  return files;
}

const modules = (files: string[]) => files.filter((f) => f.startsWith('split_'));

test('the sign-in page downloads its own code, preloaded with the page, and no other page\'s', async ({ page }) => {
  const fetched = wasmFetched(page);
  const response = await page.goto('/login');
  // The response names the page's module for preloading, so it downloads beside the main bundle.
  expect(response?.headers()['link']).toContain('</pkg/split_login_pages.wasm>; rel=preload');
  await page.locator('body[data-hydrated]').waitFor();
  await page.waitForLoadState('networkidle');
  expect(modules(fetched)).toEqual(['split_login_pages']);
  // Each file once: the page's own load took what the preload fetched.
  expect(fetched.length).toBe(new Set(fetched).size);
  expect(fetched).toContain('muster');
  // The page is live: a wrong password is answered in place.
  await page.getByLabel('Email address').fill(admin.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
});

test('the workspace pages come as one download: moving between them fetches no more code', async ({ page }) => {
  await logIn(page, admin);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  const fetched = wasmFetched(page);
  const nav = page.getByRole('navigation', { name: 'Workspace' });
  for (const name of ['Groups', 'Activity', 'Imports', 'API tokens']) {
    await nav.getByRole('link', { name }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
  expect(fetched).toEqual([]);
});

test('a page whose code cannot be downloaded says so, and works once it can be', async ({ page }) => {
  await page.route(/\/pkg\/split_workspace_pages\.wasm$/, (route) => route.abort('internetdisconnected'));
  await logIn(page, admin);
  await expect(page).toHaveURL(`/w/${workspace.slug}/settings/users`);
  await expect(page.getByRole('heading', { name: 'This page could not be loaded' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText('Its code did not download. Check your connection, then reload the page.');
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await expectAccessible(page);

  // The app did not die with it: the workspace's frame still moves between pages,
  // and a page opens once its code can be fetched.
  const nav = page.getByRole('navigation', { name: 'Workspace' });
  await nav.getByRole('link', { name: 'Groups' }).click();
  await expect(page).toHaveURL(`/w/${workspace.slug}/settings/groups`);
  await expect(page.getByRole('heading', { name: 'This page could not be loaded' })).toBeVisible();
  await page.unroute(/\/pkg\/split_workspace_pages\.wasm$/);
  await nav.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Reload' })).toHaveCount(0);
});

test('a page opened from the server whose code cannot be downloaded stays readable and says so', async ({ page }) => {
  await logIn(page, admin);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  // A fresh page load fetches the module again (the test's browser keeps no cache of it).
  await page.route(/\/pkg\/split_workspace_pages\.wasm$/, (route) => route.abort('internetdisconnected'));
  await page.goto(`/w/${workspace.slug}/settings/groups`);
  const alert = page.getByRole('alert').filter({ hasText: 'This page\'s code did not download' });
  await expect(alert).toHaveText(/so the page cannot respond\. Check your connection, then reload the page\./);
  // What the server sent is still there to read.
  await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.unroute(/\/pkg\/split_workspace_pages\.wasm$/);
  await alert.getByRole('button', { name: 'Reload' }).click();
  await page.locator('body[data-hydrated]').waitFor();
  await expect(alert).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create group' })).toBeEnabled();
});
