import type { Locator, Page } from '@playwright/test';
import { REVISER_LINE, startFakeProvider, type FakeProvider } from '../helpers/fake-provider';
import { expect, openApp, screenshot, test as base } from './fixtures';
import { addIntegration, addMember, chooseSharingLevel, nav, newPrompt, saveVersion, switchTo } from './flows';
import { layoutProblems } from './layout';

/**
 * Refine with AI (issue 12, seed 000), as a new user: refine a prompt with the local fake
 * provider, see the diff, try it on two test cases, save it as a version; a member who may only
 * view refines and copies but cannot save. At 1000x700, the smallest window the app supports.
 */
const test = base.extend<{ provider: FakeProvider }>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startFakeProvider({ models: ['echo', 'reviser', 'slow', 'error-500'] });
    await use(provider);
    await provider.close();
  },
});

test.use({ viewport: { width: 1000, height: 700 } });

const TEMPLATE = 'Write a haiku about {{topic}}.';

const NO_PROBLEMS = { cutOff: [], sideways: [] };

/** The control is on screen, wholly: nothing cut off at 1000x700. */
async function expectInViewport(page: Page, control: Locator): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  const box = await control.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'control has a box').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
}

/** Library → the haiku prompt saved as v1, with two test cases saved in the Test panel. */
async function haikuWithTwoCases(page: Page): Promise<void> {
  await newPrompt(page, { name: 'haiku', title: 'Haiku' }, TEMPLATE);
  await saveVersion(page, 'First cut', 1);
  const testPanel = page.getByRole('region', { name: 'Test', exact: true });
  for (const [name, topic] of [
    ['Rain', 'autumn rain'],
    ['Snow', 'first snow'],
  ] as const) {
    await testPanel.getByLabel('topic', { exact: true }).fill(topic);
    await testPanel.getByLabel('Case name').fill(name);
    await testPanel.getByRole('button', { name: 'Save case' }).click();
    await expect(testPanel.getByRole('status').filter({ hasText: `Saved test case “${name}”` })).toBeVisible();
  }
}

async function sendRequest(panel: Locator, text: string): Promise<void> {
  await panel.getByLabel('What to change').fill(text);
  await panel.getByRole('button', { name: 'Send' }).click();
}

test('refine a prompt: see the diff, try it on two test cases, save it as a version', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['echo', 'reviser', 'slow', 'error-500'] });
  await haikuWithTwoCases(page);

  // The button opens the panel beside the editor, with what the model is given.
  await page.getByRole('button', { name: 'Refine with AI', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Refine with AI' });
  await expect(panel).toBeVisible();
  await expect(page.getByRole('button', { name: 'Refine with AI', exact: true })).toHaveAttribute('aria-expanded', 'true');
  const loaded = panel.getByRole('group', { name: 'Context given to the model' });
  await expect(loaded).toContainText('v1');
  await expect(loaded).toContainText('variable topic');
  await expect(loaded).toContainText('2 test cases');
  const [editorBox, panelBox] = await Promise.all([page.getByLabel('Template').boundingBox(), panel.boundingBox()]);
  expect(editorBox!.x + editorBox!.width).toBeLessThanOrEqual(panelBox!.x); // beside, not over
  await expectInViewport(page, panel.getByRole('button', { name: 'Send' }));
  await screenshot(page, 'refine-open');
  expect(await layoutProblems(page), 'panel open').toEqual(NO_PROBLEMS);

  // An answer with no revision says so clearly.
  await panel.getByLabel('Model', { exact: true }).selectOption('oai:echo');
  await sendRequest(panel, 'What would you change?');
  const first = panel.getByRole('article', { name: 'Answer 1' });
  await expect(first).toContainText('Echo: What would you change?');
  await expect(first.getByRole('note')).toContainText('No usable revision in this answer.');
  await expect(first.getByRole('note')).toContainText('Reply to it, or ask for the revised template.');

  // A provider error shows as chat shows it; Stop keeps what was written.
  await panel.getByLabel('Model', { exact: true }).selectOption('oai:error-500');
  await sendRequest(panel, 'Try again');
  const failed = panel.getByRole('article', { name: 'Answer 2' });
  await expect(failed.getByRole('alert')).toContainText('No answer');
  await panel.getByLabel('Model', { exact: true }).selectOption('oai:slow');
  await sendRequest(panel, `Slowly now ${'and with many words '.repeat(30)}`);
  const slow = panel.getByRole('article', { name: 'Answer 3' });
  await expect(slow).toContainText('Echo: Slowly');
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(slow).toContainText('Stopped');
  await expect(panel.getByRole('button', { name: 'Send' })).toBeVisible();

  // The reviser answers as a model would: explanation, then the whole revised template, shown as a diff.
  await panel.getByLabel('Model', { exact: true }).selectOption('oai:reviser');
  await sendRequest(panel, 'Ask for a shorter answer.');
  const answer = panel.getByRole('article', { name: 'Answer 4' });
  await expect(answer).toContainText('I asked for a shorter answer.');
  const proposal = answer.getByRole('region', { name: 'Proposed revision' });
  await expect(proposal.locator('ins')).toContainText(REVISER_LINE);
  await expect(proposal.locator('.diff__text')).toContainText(TEMPLATE);
  await expect(proposal).toContainText('Variables unchanged.');
  const request = provider.requests.filter((r) => r.body?.model === 'reviser').at(-1)!;
  // The turn carried the conversation so far: the member's requests, with the echo's answer.
  expect(JSON.stringify(request.body.messages)).toContain('What would you change?');
  await expectInViewport(page, proposal.getByRole('button', { name: 'Save as version…' }));
  await screenshot(page, 'refine-proposal');
  expect(await layoutProblems(page), 'proposal').toEqual(NO_PROBLEMS);

  // Try it: the proposal (unsaved) and v1 side by side on both saved test cases.
  await proposal.getByLabel('Run on').selectOption('oai:echo');
  await proposal.getByRole('button', { name: 'Try it' }).click();
  const grid = proposal.getByRole('table', { name: 'Try it results' });
  await expect(grid.getByRole('columnheader', { name: 'v1 (current)' })).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: 'Proposal (unsaved)' })).toBeVisible();
  for (const [name, topic] of [
    ['Rain', 'autumn rain'],
    ['Snow', 'first snow'],
  ] as const) {
    const row = grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    const [current, proposed] = [row.getByRole('cell').nth(0), row.getByRole('cell').nth(1)];
    await expect(current).toContainText('Done');
    await expect(proposed).toContainText('Done');
    await expect(current.getByRole('group')).toHaveText(`Echo: Write a haiku about ${topic}.`);
    await expect(proposed.getByRole('group')).toHaveText(`Echo: Write a haiku about ${topic}.\n${REVISER_LINE}`);
  }
  await expect(proposal.getByText('On oai:echo · 4 finished')).toBeVisible();
  // The page scrolled down (the panel sticks), then the results brought into view: the panel itself
  // never scrolls (only its conversation does), so its header stays at its top and the composer at its bottom.
  await page.getByLabel('Template').hover();
  await page.mouse.wheel(0, 600);
  await expect.poll(() => page.evaluate(`document.querySelector('.shell__main').scrollTop + document.scrollingElement.scrollTop`)).toBeGreaterThan(0);
  await grid.scrollIntoViewIfNeeded();
  // Bringing the whole results table (taller than the conversation area) into view must not scroll the panel.
  await page.evaluate(`document.querySelector('.refine-panel table').scrollIntoView({ block: 'end' })`);
  await screenshot(page, 'refine-try-it');
  await expect(panel.getByRole('heading', { name: 'Refine with AI' })).toBeInViewport();
  expect(await page.evaluate(`document.querySelector('.refine-panel').scrollTop`)).toBe(0);
  const [panelNow, composerNow] = await Promise.all([panel.boundingBox(), panel.getByRole('button', { name: 'Send' }).boundingBox()]);
  expect(panelNow!.y + panelNow!.height - (composerNow!.y + composerNow!.height)).toBeLessThan(40);
  expect(await layoutProblems(page), 'Try it results').toEqual(NO_PROBLEMS);
  // Nothing was saved by refining or trying.
  await expect(page.locator('.editor-header').getByText('v1', { exact: true })).toBeVisible();

  // Save as a new version, the commit message saying it came from Refine.
  await proposal.getByRole('button', { name: 'Save as version…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save the proposal as a new version' });
  await expect(dialog).toContainText('Refine with AI (from version 1):');
  await expect(dialog.getByLabel('Commit message note')).toHaveValue(/Ask for a shorter answer\./);
  await screenshot(page, 'refine-save-dialog');
  await dialog.getByRole('button', { name: 'Save version' }).click();
  await expect(dialog).toBeHidden();
  await expect(proposal.getByRole('status').filter({ hasText: 'Saved version 2' })).toContainText('Refine with AI (from version 1): Ask for a shorter answer.');
  await expect(page.locator('.editor-header').getByText('v2', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Template')).toContainText(REVISER_LINE);
  await expect(panel.getByRole('group', { name: 'Context given to the model' })).toContainText('v2');
  // The saved proposal says so and is not offered again; Try it names what each side is now.
  await expect(proposal.getByText('Saved as v2', { exact: true })).toBeVisible();
  await expect(proposal.getByRole('button', { name: 'Save as version…' })).toHaveCount(0);
  await expect(grid.getByRole('columnheader', { name: 'v1 (refined)' })).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: 'Proposal (saved as v2)' })).toBeVisible();
  await screenshot(page, 'refine-saved');

  await page.getByRole('tablist').getByRole('tab', { name: 'Versions' }).click();
  const v2 = page.getByRole('row').filter({ hasText: 'Refine with AI (from version 1)' });
  await expect(v2).toContainText('v2');
  await expect(v2).toContainText('Ask for a shorter answer.');
  await screenshot(page, 'refine-versions');
});

test('Try it asks for a variable the proposal adds without a default before running it', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['echo'] });
  await haikuWithTwoCases(page);
  await page.getByRole('button', { name: 'Refine with AI', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Refine with AI' });
  // The echo model repeats the request, revision block included: a proposal that adds {{tone}}.
  await sendRequest(panel, 'Add a tone.\n<revision>\nWrite a {{tone}} haiku about {{topic}}.\n</revision>');
  const proposal = panel.getByRole('region', { name: 'Proposed revision' });
  await expect(proposal).toContainText('tone');
  const inputs = proposal.getByRole('group', { name: 'Values for variables the proposal adds' });
  await expect(inputs.getByLabel('tone')).toHaveValue('');
  await proposal.getByLabel('Run on').selectOption('oai:echo');
  await expect(proposal.getByRole('button', { name: 'Try it' })).toBeDisabled();
  await inputs.getByLabel('tone').fill('wistful');
  await proposal.getByRole('button', { name: 'Try it' }).click();
  const grid = proposal.getByRole('table', { name: 'Try it results' });
  for (const [name, topic] of [
    ['Rain', 'autumn rain'],
    ['Snow', 'first snow'],
  ] as const) {
    const row = grid.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    await expect(row.getByRole('cell').nth(1).getByRole('group')).toHaveText(`Echo: Write a wistful haiku about ${topic}.`);
    await expect(row.getByRole('cell').nth(0).getByRole('group')).toHaveText(`Echo: Write a haiku about ${topic}.`);
  }
  await inputs.scrollIntoViewIfNeeded();
  await screenshot(page, 'refine-try-it-new-variable');
  expect(await layoutProblems(page), 'Try it with a new variable').toEqual(NO_PROBLEMS);
});

test('apply a proposal to the editor draft, then save it as usual', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['reviser'] });
  await newPrompt(page, { name: 'greeting', title: 'Greeting' }, 'Greet {{person}} warmly.');
  await saveVersion(page, 'First', 1);

  await page.getByRole('button', { name: 'Refine with AI', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Refine with AI' });
  await sendRequest(panel, 'Shorter answers please');
  const proposal = panel.getByRole('region', { name: 'Proposed revision' });
  await expect(proposal.locator('ins')).toContainText(REVISER_LINE);
  // In a larger window the panel takes its share and the editor keeps the rest.
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, 'refine-wide');
  expect(await layoutProblems(page), 'wide window').toEqual(NO_PROBLEMS);
  await page.setViewportSize({ width: 1000, height: 700 });

  // Unsaved edits are not replaced without asking.
  await page.getByLabel('Template').click();
  await page.keyboard.press('End');
  await page.keyboard.insertText(' Mention the weather.');
  await proposal.getByRole('button', { name: 'Apply to draft' }).click();
  const confirm = page.getByRole('dialog', { name: 'Replace your unsaved edits?' });
  await confirm.getByRole('button', { name: 'Keep my edits' }).click();
  await expect(page.getByLabel('Template')).toContainText('Mention the weather.');
  await proposal.getByRole('button', { name: 'Apply to draft' }).click();
  await page.getByRole('dialog', { name: 'Replace your unsaved edits?' }).getByRole('button', { name: 'Replace the draft' }).click();
  await expect(page.getByLabel('Template')).toContainText(REVISER_LINE);
  await expect(page.getByLabel('Template')).not.toContainText('Mention the weather.');
  await expect(proposal.getByRole('status').filter({ hasText: 'Applied to the editor draft' })).toBeVisible();

  // The draft is saved as usual; the next turn refines the version just saved.
  await saveVersion(page, 'Refined by hand', 2);
  await expect(panel.getByRole('group', { name: 'Context given to the model' })).toContainText('v2');
  // The panel closes and reopens on the same conversation.
  await panel.getByRole('button', { name: 'Close Refine with AI' }).click();
  await expect(panel).toBeHidden();
  await page.getByRole('button', { name: 'Refine with AI', exact: true }).click();
  await expect(panel.getByRole('article', { name: 'Answer 1' })).toBeVisible();
});

test('a chat template is refined as chat messages and applied to the draft as messages', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['reviser'] });
  await newPrompt(page, { name: 'support', title: 'Support' }, 'Answer {{question}} politely.');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  await expect(page.getByLabel('Message 1 content')).toContainText('Answer {{question}} politely.');
  await saveVersion(page, 'As chat', 1);

  await page.getByRole('button', { name: 'Refine with AI', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Refine with AI' });
  await sendRequest(panel, 'Shorter');
  const proposal = panel.getByRole('region', { name: 'Proposed revision' });
  // Chat messages diff as the compare view shows them: each headed by its role.
  await expect(proposal.locator('.diff__text')).toContainText('[user]');
  await expect(proposal.locator('ins')).toContainText(REVISER_LINE);
  await proposal.getByRole('button', { name: 'Apply to draft' }).click();
  await expect(page.getByLabel('Message 1 content')).toContainText('Answer {{question}} politely.');
  await expect(page.getByLabel('Message 1 content')).toContainText(REVISER_LINE);
  await expect(page.getByLabel('Message 2 content')).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Unsaved changes' })).toBeVisible();
});

test('a member who may only view can refine and copy, but not save', async ({ page, server, provider }) => {
  await openApp(page, server);
  await addIntegration(page, { name: 'oai', kind: 'OpenAI-compatible', baseUrl: `${provider.url}/v1`, models: ['reviser'] });
  await nav(page, 'Settings');
  await addMember(page, 'Bob Member', 'bob@example.com');
  await newPrompt(page, { name: 'tagline', title: 'Tagline' }, 'A tagline for {{product}}');
  await saveVersion(page, 'Initial', 1);
  await page.getByRole('tablist').getByRole('tab', { name: 'Sharing' }).click();
  await chooseSharingLevel(page, 'Library View');

  await switchTo(page, 'Bob Member');
  await nav(page, 'Library');
  await page.getByRole('link', { name: 'Tagline' }).click();
  await page.getByRole('button', { name: 'Refine with AI', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Refine with AI' });
  await expect(panel).toContainText('You may view this prompt but not edit it');
  await sendRequest(panel, 'Make it punchier');
  const proposal = panel.getByRole('region', { name: 'Proposed revision' });
  await expect(proposal.locator('ins')).toContainText(REVISER_LINE);
  await expect(proposal.getByRole('button', { name: 'Copy proposal' })).toBeVisible();
  await expect(proposal.getByRole('button', { name: 'Save as version…' })).toHaveCount(0);
  await expect(proposal.getByRole('button', { name: 'Apply to draft' })).toHaveCount(0);
  await expect(proposal.getByRole('button', { name: 'Try it' })).toHaveCount(0);
  await expect(proposal).toContainText('View only: you may refine and copy this proposal, but saving it or applying it to the draft needs edit access');
  await screenshot(page, 'refine-view-only');
  expect(await layoutProblems(page), 'view only').toEqual(NO_PROBLEMS);
});
