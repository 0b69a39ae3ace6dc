import { Decoration, MatchDecorator, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';

/**
 * Marks `{{ name }}` so variables stand out while writing, as the parser reads them: braces
 * after an odd run of backslashes (`\{{`, `\\\{{`) are literal, after an even run (`\\{{`) they
 * open a variable; a `{{{x}}}` run highlights its last `{{x}}`. Problems (names the API
 * refuses, a path escaping a variable) are flagged by the same parser under the variables list.
 */
const variableMatcher = new MatchDecorator({
  regexp: /(?<=(?:^|[^\\])(?:\\\\)*)\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g,
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
