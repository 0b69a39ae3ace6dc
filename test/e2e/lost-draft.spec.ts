import type { Page } from '@playwright/test';
import { expect, openApp, screenshot, test, type Server } from './fixtures';
import { bridge, bridgeAs } from './flows';

/**
 * Issue 13 attack F10 (and N2, N3 of the second round): a member editing a prompt keeps their
 * unsaved draft when the prompt is taken from them (made private by its owner) or deleted, and
 * can copy it or save it as a new prompt. The page says the same for both (a reload cannot tell
 * them apart: hidden = missing), and when the prompt becomes visible again the editor comes back
 * with the draft. Two members, each in their own tab on the same headless host.
 */
const LOST = 'This prompt is no longer available to you';

/** A prompt the owner shares Library Edit, with one saved version. */
async function sharedPrompt(server: Server, name: string): Promise<void> {
  await bridge(server, 'prompts:create', { name, title: name });
  await bridge(server, 'versions:save', { name, template: { kind: 'text', text: `Original text of ${name}` }, commitMessage: 'v1' });
  await bridge(server, 'sharing:set-level', { name, level: 'library_edit' });
}

/** A tab acting as a new member (the owner switches a session to them, as Acting as does). */
async function memberTab(page: Page, server: Server, email: string): Promise<Page> {
  const user = await bridge<{ id: string }>(server, 'users:add', { email, name: email.split('@')[0] });
  const owner = new URL(server.openUrl).hash.replace(/^#session=/, '');
  const { session } = await bridgeAs(server, owner, 'session:switch', { userId: user.id });
  const tab = await page.context().newPage();
  await openApp(tab, server, session!);
  return tab;
}

async function editDraft(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, `#/prompts/${name}`);
  await page.getByLabel('Template').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

test('access removed while editing: the draft stays with the reason, and saves as a new prompt', async ({ page, server }) => {
  await openApp(page, server);
  await sharedPrompt(server, 'ui-shared');
  const bob = await memberTab(page, server, 'bob@example.com');
  await editDraft(bob, 'ui-shared', 'B DIRTY DRAFT for {{who}}');

  await bridge(server, 'sharing:set-level', { name: 'ui-shared', level: 'private' });
  await expect(bob.getByRole('heading', { name: LOST })).toBeVisible();
  await expect(bob.getByText('was deleted, or its sharing changed')).toBeVisible();
  await expect(bob.getByLabel('Your unsaved draft')).toHaveValue('B DIRTY DRAFT for {{who}}');
  await expect(bob.getByText('Prompt not found')).toHaveCount(0);
  await screenshot(bob, 'lost-draft-access');

  // Shared again: the editor comes back by itself, the draft still there and unsaved.
  await bridge(server, 'sharing:set-level', { name: 'ui-shared', level: 'library_edit' });
  await expect(bob.getByRole('heading', { name: LOST })).toHaveCount(0);
  await expect(bob.getByLabel('Template')).toContainText('B DIRTY DRAFT for');
  await expect(bob.getByText('Unsaved changes').first()).toBeVisible();
  await screenshot(bob, 'lost-draft-access-restored');
  await bridge(server, 'sharing:set-level', { name: 'ui-shared', level: 'private' });
  await expect(bob.getByRole('heading', { name: LOST })).toBeVisible();

  await bob.getByRole('button', { name: 'Save as new prompt' }).click();
  // A name that is taken is refused at the field, nothing is lost.
  await bob.getByLabel('New prompt name').fill('ui-shared');
  await bob.getByRole('button', { name: 'Save as new prompt' }).click();
  await expect(bob.getByLabel('New prompt name')).toHaveAttribute('aria-invalid', 'true');
  await expect(bob.getByLabel('Your unsaved draft')).toHaveValue('B DIRTY DRAFT for {{who}}');
  await bob.getByLabel('New prompt name').fill('bob-rescued');
  await bob.getByRole('button', { name: 'Save as new prompt' }).click();
  await expect(bob.getByTitle('Latest version: 1')).toBeVisible();
  await expect(bob.getByLabel('Template')).toContainText('B DIRTY DRAFT for');
  // The owner's prompt is untouched.
  const original = await bridge<{ latest: { template: { text: string } } }>(server, 'prompts:get', { name: 'ui-shared' });
  expect(original.latest.template.text).toBe('Original text of ui-shared');
});

test('deleted while editing: the draft stays under the same words as access removed, and it can be copied', async ({ page, server }) => {
  await openApp(page, server);
  await sharedPrompt(server, 'ui-gone');
  const carol = await memberTab(page, server, 'carol@example.com');
  await editDraft(carol, 'ui-gone', 'C DIRTY DRAFT');

  await bridge(server, 'prompts:delete', { name: 'ui-gone' });
  // The same heading as for a prompt hidden from her: a reload says "not found" for both.
  await expect(carol.getByRole('heading', { name: LOST })).toBeVisible();
  await expect(carol.getByText('deleted while you were editing')).toHaveCount(0);
  await expect(carol.getByLabel('Your unsaved draft')).toHaveValue('C DIRTY DRAFT');
  await carol.getByRole('button', { name: 'Copy draft' }).click();
  await expect(carol.getByRole('button', { name: /^(Copied|Copy failed: select the text)$/ })).toBeVisible();
  await screenshot(carol, 'lost-draft-deleted');
});
