import { useEffect } from 'react';
import { hasEditsToKeep } from '../../state/editor-slice';
import { useAppStore } from '../../state/store';

/** Ctrl/Cmd+S saves from anywhere on the page, including inside CodeMirror. */
export function useSaveShortcut(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 's' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
      // Never let the browser's "Save page" dialog open, even while our dialog is showing.
      event.preventDefault();
      const { editor } = useAppStore.getState();
      // openSaveDialog does nothing for a member who may not edit (view only).
      if (!editor.saveDialogOpen) editor.openSaveDialog();
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, []);
}

/** While there are unsaved edits, closing or reloading the window asks first. */
export function useUnloadGuard(): void {
  const dirty = useAppStore((s) => hasEditsToKeep(s.editor));
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older Chromium (and Electron) still want returnValue set to show the prompt.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);
}
