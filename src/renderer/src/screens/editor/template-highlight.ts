import { Decoration, MatchDecorator, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';

/**
 * Marks `{{ name }}` so variables stand out while writing. The lookbehind skips `\{{`, which
 * the template language treats as literal braces; a `{{{x}}}` run highlights its last `{{x}}`,
 * matching how the parser reads it.
 */
const variableMatcher = new MatchDecorator({
  regexp: /(?<!\\)\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g,
  decoration: Decoration.mark({ class: 'cm-template-variable' }),
});

export const templateVariableHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = variableMatcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = variableMatcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
