import { describe, expect, it } from 'vitest';
import { analyzeTemplate, parseTemplate, renderTemplate, type Template } from '../../../src/shared/template';

const text = (t: string): Template => ({ kind: 'text', text: t });

describe('parseTemplate', () => {
  it('finds variables in order of first use, once each', () => {
    const parsed = parseTemplate('{{b}} and {{ a }} then {{b}} again');
    expect(parsed.ok && parsed.variables).toEqual(['b', 'a']);
  });

  it('treats single braces and JSON as text', () => {
    const parsed = parseTemplate('Return {"key": 1} or {x}');
    expect(parsed.ok && parsed.variables).toEqual([]);
  });

  it('keeps extra braces in a run as literal text', () => {
    const result = renderTemplate(text('{{{name}}}'), { name: 'v' });
    expect(result.ok && result.text).toBe('{v}');
  });

  it('lets \\{{ write literal double braces', () => {
    const result = renderTemplate(text('Use \\{{name}} syntax with {{name}}'), { name: 'Ada' });
    expect(result.ok && result.text).toBe('Use {{name}} syntax with Ada');
  });

  it.each([
    ['unclosed', 'Hello {{name', /Unclosed/],
    ['empty', 'Hello {{ }}', /Empty variable/],
    ['spaces in name', 'Hello {{first name}}', /Invalid variable name "first name"/],
    ['leading digit', '{{1st}}', /Invalid variable name/],
  ])('reports a malformed variable (%s) with its position', (_label, source, message) => {
    const parsed = parseTemplate(`line one\n${source}`);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.problem.message).toMatch(message);
      expect(parsed.problem.line).toBe(2);
    }
  });

  it('handles unicode text around variables', () => {
    const result = renderTemplate(text('Grüße, {{name}} 👋 — 你好'), { name: 'Zoë' });
    expect(result.ok && result.text).toBe('Grüße, Zoë 👋 — 你好');
  });

  it('parses very long templates in linear time', () => {
    const big = 'word {{a}} '.repeat(20_000) + '{{b}}';
    const started = performance.now();
    const parsed = parseTemplate(big);
    expect(parsed.ok && parsed.variables).toEqual(['a', 'b']);
    // Generous bound: a quadratic scan of 220 KB would take seconds.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('renderTemplate', () => {
  it('reports every missing variable by name', () => {
    const result = renderTemplate(text('{{a}} {{b}} {{c}}'), { b: 'x' });
    expect(result).toEqual({ ok: false, missing: ['a', 'c'] });
  });

  it('falls back to metadata defaults, and supplied values win', () => {
    const meta = [{ name: 'tone', default: 'friendly' }, { name: 'topic', default: 'cats' }];
    const result = renderTemplate(text('{{tone}} about {{topic}}'), { topic: 'dogs' }, meta);
    expect(result.ok && result.text).toBe('friendly about dogs');
  });

  it('inserts a repeated variable everywhere', () => {
    const result = renderTemplate(text('{{x}}-{{x}}-{{ x }}'), { x: 1 });
    expect(result.ok && result.text).toBe('1-1-1');
  });

  it('never expands braces inside a value', () => {
    const result = renderTemplate(text('{{a}}'), { a: '{{b}}' });
    expect(result.ok && result.text).toBe('{{b}}');
  });

  it('reports unknown supplied variables as unused instead of failing', () => {
    const result = renderTemplate(text('{{a}}'), { a: 'x', extra: 'y' });
    expect(result.ok && result.unusedVariables).toEqual(['extra']);
  });

  it('renders chat templates message by message with their roles', () => {
    const result = renderTemplate(
      { kind: 'chat', messages: [{ role: 'system', content: 'You are {{persona}}.' }, { role: 'user', content: '{{q}}' }] },
      { persona: 'terse', q: 'Why?' },
    );
    expect(result.ok && result.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Why?' },
    ]);
  });

  it('locates a malformed variable in a chat template by message', () => {
    const analysis = analyzeTemplate({ kind: 'chat', messages: [{ role: 'system', content: 'ok' }, { role: 'user', content: '{{bad name}}' }] });
    expect(analysis.ok).toBe(false);
    expect(!analysis.ok && analysis.problem.messageIndex).toBe(1);
  });
});
