import type { Ctx } from '../context';
import { nowIso } from '../context';
import type { Store } from '../../store/store';
import { syncAuthorsRepo } from '../../store/repos/sync-authors-repo';

const repos = new WeakMap<Store, ReturnType<typeof syncAuthorsRepo>>();
function authorsOf(store: Store): ReturnType<typeof syncAuthorsRepo> {
  let repo = repos.get(store);
  if (!repo) repos.set(store, (repo = syncAuthorsRepo(store.db)));
  return repo;
}

/** The item a test case is recorded under (`testcase:<id>`). */
export const testCaseItem = (id: string) => `testcase:${id}`;

/**
 * Records that the actor changed these items of a prompt now (metadata fields by their op name,
 * `title`, `tags`..., or {@link testCaseItem}), inside the change's transaction. The services
 * that make those changes call it (prompts-service, test-cases-service), on a team server and a
 * desktop alike, so a sync conflict can say who changed what and when (docs/sync.md "Conflicts").
 */
export function recordAuthors(ctx: Ctx, promptId: string, items: readonly string[]): void {
  const at = nowIso(ctx);
  for (const item of items) authorsOf(ctx.store).record(promptId, item, ctx.actor.id, at);
}

/** "Ada at 2026-…" for the last change of an item, or "someone on the team server" when none was recorded. */
export function describeAuthor(store: Store, promptId: string, item: string): { who: string; at: string | null } {
  const found = authorsOf(store).get(promptId, item);
  return found ? { who: found.name ?? 'a former member', at: found.at } : { who: 'someone on the team server', at: null };
}
