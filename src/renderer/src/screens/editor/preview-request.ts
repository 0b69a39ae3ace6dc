import type { Template, VariableMeta, VariableValue } from '../../../../shared/template/template';
import { draftTemplate, variableMetadata, type EditorDraft } from '../../state/editor-draft';

export interface PreviewRequest {
  template: Template;
  variables: Record<string, VariableValue>;
  metadata: VariableMeta[];
}

/** The draft rendered with each variable's example; defaults fill in server-side from metadata. */
export function previewRequest(draft: EditorDraft, variableNames: string[]): PreviewRequest {
  const variables: Record<string, VariableValue> = {};
  for (const name of variableNames) {
    const example = draft.variables[name]?.example ?? '';
    if (example !== '') variables[name] = example;
  }
  return { template: draftTemplate(draft), variables, metadata: variableMetadata(draft, variableNames) };
}
