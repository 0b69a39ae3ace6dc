import { messageForField } from '../../lib/field-errors';
import { useAppStore } from '../../state/store';
import { errorSlot, type ErrorSlot } from './editor-errors';

function matches(slot: ErrorSlot, wanted: ErrorSlot): boolean {
  if (slot.kind !== wanted.kind) return false;
  return slot.kind !== 'message' || (wanted.kind === 'message' && slot.index === wanted.index);
}

/** The last save error's message if it belongs at `wanted`, else null. */
export function useSlotError(wanted: ErrorSlot): string | null {
  return useAppStore((s) => {
    const error = s.editor.saveError;
    if (!error || !matches(errorSlot(error), wanted)) return null;
    return wanted.kind === 'banner' ? error.message : messageForField(error);
  });
}
