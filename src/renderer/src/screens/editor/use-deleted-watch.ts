import { useEffect, useState } from 'react';
import { onChanges } from '../../lib/app-events';

/**
 * Whether the change stream said, while this page was open, that prompt `name` was deleted. A
 * member hears `prompt.deleted` (with the name) only about a prompt they could see when it was
 * deleted; a prompt hidden from them arrives as `access.changed`, which names nothing. So when the
 * open prompt stops answering, this tells "deleted" from "your access was removed" without the
 * server ever telling hidden from missing (both are the same not found).
 */
export function useDeletedWatch(name: string): boolean {
  // The name heard deleted: another prompt opened later starts with nothing heard.
  const [deletedName, setDeletedName] = useState<string | null>(null);
  useEffect(
    () =>
      onChanges((events) => {
        if (events.some((e) => e.kind === 'prompt.deleted' && e.prompt?.name === name)) setDeletedName(name);
      }),
    [name],
  );
  return deletedName === name;
}
