import { useEffect, useRef, useState } from 'react';

/** Copies text; false when the clipboard is unavailable or refused (the user can still select it). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

export type CopyState = 'idle' | 'copied' | 'failed';

/** A copy action with a short-lived "Copied" (or failure) state for the button beside it. */
export function useCopy(resetAfterMs = 2000): [CopyState, (text: string) => Promise<void>] {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);
  const copy = async (text: string) => {
    const ok = await copyText(text);
    setState(ok ? 'copied' : 'failed');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setState('idle'), resetAfterMs);
  };
  return [state, copy];
}
