import { expect, openApp, screenshot, test } from './fixtures';
import { newPrompt } from './flows';

// The editor marks exactly the tags the parser renders as values (src/shared/template/variable-ranges.ts).
test('the editor highlights the variables the template renders, and no escaped or refused tag', async ({ page, server }) => {
  await openApp(page, server);
  const template = [
    'Escaped \\{{a}} and \\{{{b}}} stay text, {{{c}}} is a value in braces',
    'A backslash then a value: \\\\{{d}}, a path C:\\Users\\\\{{user}}',
    'Refused {{__proto__}} and {{e f}}, then {{',
    '  g  }} across lines',
  ].join('\n');
  await newPrompt(page, { name: 'highlight-rules', title: 'Highlight rules' }, template);
  const marks = page.locator('.cm-template-variable');
  await expect(marks).toHaveText(['{{c}}', '{{d}}', '{{user}}', /^\{\{\s*$/, /^\s*g\s*\}\}$/]);
  await screenshot(page, 'editor-variable-highlight');
});
