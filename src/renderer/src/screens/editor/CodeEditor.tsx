import { useEffect, useRef, useState } from 'react';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { templateVariableHighlight } from './template-highlight';

interface CodeEditorProps {
  value: string;
  /** Omit for a read-only editor (text can be selected and copied, not changed). */
  onChange?(value: string): void;
  /** Accessible name of the editable area, e.g. "Template". */
  label: string;
  describedBy?: string;
  invalid?: boolean;
  placeholderText?: string;
  /** A number above 0 asks for focus (e.g. right after the prompt was created); onFocused says it was taken. */
  focusRequest?: number;
  onFocused?(): void;
}

function contentAttributes(label: string, describedBy: string | undefined, invalid: boolean | undefined, readOnly: boolean) {
  const attributes: Record<string, string> = { 'aria-label': label };
  if (readOnly) attributes['aria-readonly'] = 'true';
  if (describedBy) attributes['aria-describedby'] = describedBy;
  if (invalid) attributes['aria-invalid'] = 'true';
  return EditorView.contentAttributes.of(attributes);
}

/**
 * A CodeMirror 6 editor for template text. It owns its document while typing and reports
 * changes; a different `value` from outside (load, discard) replaces the document.
 * Tab is left to move focus so the editor never traps keyboard users.
 */
export function CodeEditor({ value, onChange, label, describedBy, invalid, placeholderText, focusRequest = 0, onFocused }: CodeEditorProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const readOnly = onChange === undefined;
  const initial = useRef({ value, label, describedBy, invalid, placeholderText, readOnly });
  const onChangeRef = useRef(onChange);
  const [attributes] = useState(() => new Compartment());

  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const start = initial.current;
    const view = new EditorView({
      parent: host,
      state: EditorState.create({
        doc: start.value,
        extensions: [
          history(),
          drawSelection(),
          highlightSpecialChars(),
          EditorView.lineWrapping,
          keymap.of([...defaultKeymap, ...historyKeymap]),
          placeholder(start.placeholderText ?? ''),
          templateVariableHighlight,
          EditorState.readOnly.of(start.readOnly),
          // Read-only also leaves the content not editable (contenteditable=false): nothing to type into, text still selectable.
          EditorView.editable.of(!start.readOnly),
          attributes.of(contentAttributes(start.label, start.describedBy, start.invalid, start.readOnly)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    viewRef.current = view;
    return () => {
      view.destroy();
      viewRef.current = null;
    };
  }, [attributes]);

  useEffect(() => {
    if (focusRequest <= 0 || !viewRef.current) return;
    viewRef.current.focus();
    onFocused?.();
  }, [focusRequest, onFocused]);

  useEffect(() => {
    const view = viewRef.current;
    if (view && view.state.doc.toString() !== value) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    viewRef.current?.dispatch({ effects: attributes.reconfigure(contentAttributes(label, describedBy, invalid, readOnly)) });
  }, [attributes, label, describedBy, invalid, readOnly]);

  const classes = ['code-editor', invalid ? 'code-editor--invalid' : '', readOnly ? 'code-editor--readonly' : ''].filter(Boolean).join(' ');
  return <div ref={hostRef} className={classes} />;
}
