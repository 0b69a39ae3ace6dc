import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyzeTemplate, parseTemplate, renderTemplate, type Template } from '../../../src/shared/template';
import { FORBIDDEN_KEYS } from '../../../src/shared/reserved-keys';

const text = (t: string): Template => ({ kind: 'text', text: t });
const rendered = (source: string, values: Record<string, string> = {}) => {
  const result = renderTemplate(text(source), values);
  if (!result.ok) throw new Error(`did not render: ${JSON.stringify(result)}`);
  return result.text;
};

// Text built from the characters the grammar cares about, so escapes, brace runs and
// backslash runs meet often.
const grammarText = fc
  .array(fc.constantFrom('\\', '{', '}', '{{', '}}', '\\{{', 'a', 'x', ' ', '\n', 'C:\\', '{{x}}'), { maxLength: 24 })
  .map((parts) => parts.join(''));

describe('template grammar: backslashes before a variable', () => {
  it('n backslashes then {{v}}: n/2 backslashes, then the value (n even) or the literal braces (n odd)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 9 }), fc.string().filter((s) => !s.includes('{') && !s.includes('}') && !s.endsWith('\\')), (n, before) => {
        const out = rendered(`${before}${'\\'.repeat(n)}{{v}}!`, { v: 'VALUE' });
        const slashes = '\\'.repeat(Math.floor(n / 2));
        expect(out).toBe(n % 2 === 0 ? `${before}${slashes}VALUE!` : `${before}${slashes}{{v}}!`);
      }),
    );
  });

  it('documented examples: \\\\{{path}} is a backslash then the value; C:\\Users\\\\{{user}} a Windows path', () => {
    expect(rendered('\\\\{{path}}', { path: 'tmp' })).toBe('\\tmp');
    expect(rendered('C:\\Users\\\\{{user}}\\Desktop', { user: 'ada' })).toBe('C:\\Users\\ada\\Desktop');
    expect(rendered('Use \\{{name}} to insert a name', {})).toBe('Use {{name}} to insert a name');
    expect(rendered('C:\\Users\\\\\\{{user}}', {})).toBe('C:\\Users\\{{user}}');
  });

  it('round trip: escape(text) renders to text, with no variables, for any text', async () => {
    const { escapeTemplateText } = await import('../../../src/shared/template/parse');
    fc.assert(
      fc.property(fc.oneof(grammarText, fc.string()), (t) => {
        const source = escapeTemplateText(t);
        const parsed = parseTemplate(source);
        expect(parsed.ok && parsed.variables).toEqual([]);
        expect(rendered(source)).toBe(t);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('template grammar: names the API refuses', () => {
  const positions: [string, (tag: string) => string, number, number][] = [
    ['first', (tag) => tag, 1, 1],
    ['mid-line', (tag) => `Hello ${tag}!`, 1, 7],
    ['third line', (tag) => `a {{ok}}\nb\n  ${tag}`, 3, 3],
    ['after an escaped backslash', (tag) => `x\n\\\\${tag}`, 2, 3],
  ];
  const spellings = (name: string) => [`{{${name}}}`, `{{ ${name} }}`, `{{{${name}}}}`];

  it.each(FORBIDDEN_KEYS.flatMap((name) => positions.map(([label, place, line, column]) => [name, label, place, line, column] as const)))(
    'refuses "%s" (%s) with its line and column, in every spelling, text and chat',
    (name, _label, place, line, column) => {
      for (const tag of spellings(name)) {
        const source = place(tag);
        const parsed = parseTemplate(source);
        expect(parsed.ok, source).toBe(false);
        if (parsed.ok) continue;
        expect(parsed.problem.message).toContain(name);
        expect(parsed.problem.line).toBe(line);
        // A `{{{x}}}` run opens its tag one brace later.
        expect(parsed.problem.column).toBe(tag.startsWith('{{{') ? column + 1 : column);
        const chat = analyzeTemplate({ kind: 'chat', messages: [{ role: 'system', content: 'ok' }, { role: 'user', content: source }] });
        expect(!chat.ok && chat.problem.messageIndex).toBe(1);
      }
    },
  );
});

describe('template grammar: Windows paths', () => {
  // Backslash escapes that are meant as escapes: these stay accepted beside every flagged path.
  const accepted = [
    'Write \\{{name}} for a variable',
    'Write "\\{{name}}" or `\\{{name}}`',
    'C:\\Users\\{{ not a name',
    'C:\\Users\\\\\\{{user}}',
  ];
  const flagged: [string, string][] = [
    ['drive and folder', 'C:\\Users\\{{user}}'],
    ['drive root', 'Save to D:\\{{folder}} please'],
    ['UNC share', '\\\\server\\share\\{{user}}'],
    ['environment variable', '%APPDATA%\\{{app}}\\config'],
    ['variable folder', '{{root}}\\{{file}}'],
    ['relative', '..\\{{file}}'],
    ['home', '~\\{{file}}'],
  ];

  it.each(flagged)('flags %s when saving (strict), with line and column, and says how to write it; true escapes pass', (_label, path) => {
    for (const source of accepted) expect(analyzeTemplate(text(`${path.replace(/\\\{\{/g, '\\\\{{')}\n${source}`), { strict: true }).ok, source).toBe(true);
    const source = `First line\n${path}`;
    const analysis = analyzeTemplate(text(source), { strict: true });
    expect(analysis.ok).toBe(false);
    if (analysis.ok) return;
    expect(analysis.problem.line).toBe(2);
    expect(analysis.problem.column).toBe(path.lastIndexOf('\\{{') + 1);
    expect(analysis.problem.message).toMatch(/\\\\\{\{/);
    // What the message suggests saves and renders the backslash and the value.
    const fixed = source.replace(/\\\{\{/g, (match, offset: number) => (offset === source.lastIndexOf('\\{{') ? '\\\\{{' : match));
    const fixedAnalysis = analyzeTemplate(text(fixed), { strict: true });
    expect(fixedAnalysis.ok, fixed).toBe(true);
  });

});

describe('rendering is bounded', () => {
  it('renders tens of thousands of uses of the most distinct variables allowed, and refuses output past the cap before building it', async () => {
    const { MAX_RENDERED_CHARS } = await import('../../../src/shared/template/template');
    // 28,000 uses of 1,000 distinct variables (more distinct ones are refused: template-variable-limit.test.ts).
    const names = Array.from({ length: 1_000 }, (_, i) => `v${i}`);
    const uses = Array.from({ length: 28_000 }, (_, i) => names[i % names.length]!);
    const source = uses.map((n) => `{{${n}}}`).join(' ');
    const values = Object.fromEntries(names.map((n, i) => [n, String(i % 10)]));
    const result = renderTemplate(text(source), values);
    expect(result.ok && result.text).toBe(uses.map((_, i) => String((i % names.length) % 10)).join(' '));
    expect(result.ok && result.unusedVariables).toEqual([]);

    // Exactly at the cap renders; one character more is refused, naming the size and the limit.
    const fifth = 'y'.repeat(MAX_RENDERED_CHARS / 5);
    const atCap = renderTemplate(text('{{x}}{{x}}{{x}}{{x}}{{x}}'), { x: fifth });
    expect(atCap.ok && atCap.text.length).toBe(MAX_RENDERED_CHARS);
    expect(renderTemplate(text('{{x}}{{x}}{{x}}{{x}}{{x}}!'), { x: fifth })).toEqual({
      ok: false,
      tooLarge: { chars: MAX_RENDERED_CHARS + 1, limit: MAX_RENDERED_CHARS },
    });
    // The repeat that used to take gigabytes: 40,000 uses of a 200,000-character value.
    const repeat = renderTemplate(text('{{x}}'.repeat(40_000)), { x: 'z'.repeat(200_000) });
    expect(repeat).toEqual({ ok: false, tooLarge: { chars: 8_000_000_000, limit: MAX_RENDERED_CHARS } });
    // Chat messages count together, with the blank line the joined text puts between them.
    const chat = renderTemplate({ kind: 'chat', messages: [{ role: 'system', content: '{{x}}{{x}}' }, { role: 'user', content: '{{x}}{{x}}{{x}}' }] }, { x: fifth });
    expect(!chat.ok && 'tooLarge' in chat && chat.tooLarge.chars).toBe(MAX_RENDERED_CHARS + 2);
  });
});
