import type { Page } from '@playwright/test';
import { expect, openApp, screenshot, test, type Server } from './fixtures';
import { bridge, bridgeAs } from './flows';

/**
 * Issue 13 attack F10: a member editing a prompt keeps their unsaved draft when the prompt is
 * taken from them (made private by its owner) or deleted, with the right reason, and can copy it
 * or save it as a new prompt. Two members, each in their own tab on the same headless host.
 */

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
  await expect(bob.getByRole('heading', { name: 'You no longer have access to this prompt' })).toBeVisible();
  await expect(bob.getByLabel('Your unsaved draft')).toHaveValue('B DIRTY DRAFT for {{who}}');
  await expect(bob.getByText('Prompt not found')).toHaveCount(0);
  await screenshot(bob, 'lost-draft-access');

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

test('deleted while editing: the draft stays, the page says it was deleted, and it can be copied', async ({ page, server }) => {
  await openApp(page, server);
  await sharedPrompt(server, 'ui-gone');
  const carol = await memberTab(page, server, 'carol@example.com');
  await editDraft(carol, 'ui-gone', 'C DIRTY DRAFT');

  await bridge(server, 'prompts:delete', { name: 'ui-gone' });
  await expect(carol.getByRole('heading', { name: 'This prompt was deleted' })).toBeVisible();
  await expect(carol.getByLabel('Your unsaved draft')).toHaveValue('C DIRTY DRAFT');
  await carol.getByRole('button', { name: 'Copy draft' }).click();
  await expect(carol.getByRole('button', { name: /^(Copied|Copy failed: select the text)$/ })).toBeVisible();
  await screenshot(carol, 'lost-draft-deleted');
});
