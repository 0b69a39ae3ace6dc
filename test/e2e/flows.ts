import type { Page } from '@playwright/test';
import { expect, type Server } from './fixtures';

/** Steps several specs take the same way a user does. */

export const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click();

/**
 * Settings → Acting as: this window acts as another member. An admin switches freely; a member
 * needs the API key of the member they switch to (`key`).
 */
export async function switchTo(page: Page, member: string, key?: string): Promise<void> {
  await nav(page, 'Settings');
  await page.getByLabel('Switch member').selectOption({ label: member });
  if (key !== undefined) await page.getByLabel('Their API key').fill(key);
  await page.getByRole('button', { name: 'Switch', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Main' })).toContainText(member);
}

/** Adds a model provider through Settings, as an admin would. */
export async function addIntegration(
  page: Page,
  options: { name: string; kind?: 'OpenAI-compatible' | 'Anthropic'; baseUrl: string; apiKey?: string; models: string[] },
): Promise<void> {
  await nav(page, 'Settings');
  await page.getByRole('region', { name: 'Integrations' }).getByRole('button', { name: 'Add integration' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add integration' });
  await dialog.getByLabel('Name').fill(options.name);
  if (options.kind) await dialog.getByLabel('Kind').selectOption({ label: options.kind });
  await dialog.getByLabel('Base URL').fill(options.baseUrl);
  if (options.apiKey) await dialog.getByLabel('API key').fill(options.apiKey);
  for (const model of options.models) {
    await dialog.getByLabel('Add model').fill(model);
    await dialog.getByLabel('Add model').press('Enter');
  }
  await dialog.getByRole('button', { name: 'Add integration' }).click();
  await expect(dialog).toBeHidden();
}

/** Ctrl+S in the editor, a commit message, Enter: the way authors save. */
export async function saveVersion(page: Page, message: string, number: number): Promise<void> {
  await page.keyboard.press('ControlOrMeta+s');
  await page.getByRole('dialog', { name: 'Save version' }).getByLabel('Commit message').fill(message);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: `Saved version ${number}` })).toBeVisible();
}

/** A bridge call with the session the server printed, for setup and checks the UI does not show. */
export async function bridge<T>(server: Server, channel: string, input: unknown): Promise<T> {
  return (await bridgeAs<T>(server, new URL(server.openUrl).hash.replace(/^#session=/, ''), channel, input)).value;
}

/**
 * A bridge call with a given session; `session` is the tab's new session after an allowed
 * `session:switch` (each session acts as one member, so a switch makes a new one).
 */
export async function bridgeAs<T>(server: Server, token: string, channel: string, input: unknown): Promise<{ value: T; session: string | null }> {
  const res = await fetch(`${server.url}/bridge/${encodeURIComponent(channel)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-promptdesk-session': token },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${channel}: ${body.error?.message ?? res.status}`);
  return { value: body.value, session: res.headers.get('x-promptdesk-session') };
}

/** Library → New prompt, then the template typed into the editor (not saved yet). */
export async function newPrompt(page: Page, prompt: { name: string; title: string; description?: string }, template: string): Promise<void> {
  await nav(page, 'Library');
  await page.getByRole('button', { name: 'New prompt' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New prompt' });
  await dialog.getByLabel('Name').fill(prompt.name);
  await dialog.getByLabel('Title').fill(prompt.title);
  if (prompt.description) await dialog.getByLabel('Description').fill(prompt.description);
  await dialog.getByRole('button', { name: 'Create prompt' }).click();
  await page.getByLabel('Template').click();
  await page.keyboard.insertText(template);
}

/** Settings → Members → Add member (Settings is open). */
export async function addMember(page: Page, name: string, email: string): Promise<void> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();
}

/**
 * Sharing tab (open): picks a level. A level that widens access to everyone while readiness items
 * are open asks for confirmation listing them first; this confirms it, as an author who means it.
 */
export async function chooseSharingLevel(page: Page, level: 'Private' | 'Chat only' | 'Library View' | 'Library Edit'): Promise<void> {
  await page.getByRole('radio', { name: level, exact: true }).click();
  const done = page.getByText(`Sharing level set to ${level}`);
  const confirm = page.getByRole('dialog', { name: `Widen access to ${level}?` });
  await expect(done.or(confirm)).toBeVisible();
  if (await confirm.isVisible()) await confirm.getByRole('button', { name: `Widen to ${level} anyway` }).click();
  await expect(done).toBeVisible();
  await expect(page.getByRole('radio', { name: level, exact: true })).toBeChecked();
}
