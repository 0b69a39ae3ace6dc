import { RangeSetBuilder, type Text } from '@codemirror/state';
import { Decoration, ViewPlugin, type DecorationSet, type EditorView, type ViewUpdate } from '@codemirror/view';
import { variableRanges } from '../../../../shared/template/variable-ranges';

const variableMark = Decoration.mark({ class: 'cm-template-variable' });

/**
 * Marks `{{ name }}` so variables stand out while writing, exactly as the template parser reads
 * them (`variableRanges`): `\{{x}}` and `\{{{x}}}` stay text, `\\{{x}}` and `{{{x}}}` mark the
 * variable, a tag may span lines, and a refused name (`__proto__`, too long) is not marked.
 * Problems are flagged by the same parser under the variables list. Rebuilt on each change
 * from the whole text (linear), since a backslash or `{{` earlier changes what follows.
 */
export function variableDecorations(doc: Text): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  for (const range of variableRanges(doc.toString())) builder.add(range.from, range.to, variableMark);
  return builder.finish();
}

export const templateVariableHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = variableDecorations(view.state.doc);
    }
    update(update: ViewUpdate) {
      if (update.docChanged) this.decorations = variableDecorations(update.state.doc);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
