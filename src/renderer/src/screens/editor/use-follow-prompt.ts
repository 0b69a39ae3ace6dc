import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { promptQuery } from '../../state/prompt-detail';
import { useAppStore } from '../../state/store';

/**
 * Keeps the open prompt's query on screen and hands each answer to the editor, which follows it
 * by its save/dirty rules (editor-slice `follow`: a clean draft moves to a newer version, unsaved
 * edits and their base stay while the header's facts move). So whatever invalidates or writes
 * the prompt's key (a version action, a sharing or API change, a change made elsewhere) moves the
 * page header without calling the editor.
 */
export function useFollowPrompt(name: string): void {
  const q = useQuery(promptQuery(name));
  const follow = useAppStore((s) => s.editor.follow);
  const lost = useAppStore((s) => s.editor.lost);
  useEffect(() => {
    if (q.data) follow(q.data);
    // dataUpdatedAt too: an answer equal to the last one keeps its reference (structural sharing),
    // and after an error it still has to bring the page back (access restored, prompt unchanged).
  }, [q.data, q.dataUpdatedAt, follow]);
  useEffect(() => {
    if (q.error) lost(q.error);
  }, [q.error, lost]);
}
