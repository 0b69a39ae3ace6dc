import type { PromptDetail, VersionStatus, VersionSummary } from '../../../shared/schemas/prompts';
import type { Deployment } from '../../../shared/schemas/versions';

/**
 * Which actions the UI offers for a version. The server enforces every transition; these only
 * keep the screen from offering what would certainly be refused (e.g. promoting an archived
 * version, which must be unarchived first).
 */
export interface VersionOffers {
  /** Make a draft read-only (seed 004's commit); promotion and pinning commit too. */
  commit: boolean;
  promote: boolean;
  unarchive: boolean;
  restore: boolean;
  pin: boolean;
}

export function versionOffers(version: Pick<VersionSummary, 'number' | 'status' | 'committed'>, newest: number | null, deployment: Deployment | null): VersionOffers {
  return {
    commit: version.status === 'draft' && !version.committed,
    promote: version.status === 'draft',
    unarchive: version.status === 'archived',
    // Restoring the newest version would only duplicate it.
    restore: version.number !== newest,
    pin: !(deployment?.mode === 'pinned' && deployment.pinnedVersion === version.number),
  };
}

export const STATUS_LABELS: Record<VersionStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  archived: 'Archived',
};

/** One line saying what API callers get, e.g. "API serves v3 (pinned)". */
export function deploymentSummary(deployment: Deployment | null, versionCount: number): string {
  if (!deployment) return '';
  if (deployment.mode === 'pinned' && deployment.pinnedVersion !== null) return `API serves v${deployment.pinnedVersion} (pinned)`;
  if (deployment.publishedVersion !== null) return `API serves v${deployment.publishedVersion} (published)`;
  if (versionCount === 0 && deployment.servedVersion === null) return 'API serves nothing yet (no saved version)';
  return 'API serves the newest version (nothing published yet)';
}

export interface EditorPromotion {
  /** The version the editor's Promote button acts on: the latest saved one. */
  number: number | null;
  disabled: boolean;
  /** Why it is disabled, for the button's description. */
  reason: string | null;
}

export function editorPromotion(prompt: PromptDetail | null, dirty: boolean): EditorPromotion {
  const latest = prompt?.latest ?? null;
  if (!latest) return { number: null, disabled: true, reason: 'Save a version first' };
  if (dirty) return { number: latest.number, disabled: true, reason: 'Save your changes first: only saved versions can be promoted' };
  if (latest.status === 'published') return { number: latest.number, disabled: true, reason: `v${latest.number} is already published` };
  if (latest.status === 'archived') {
    return { number: latest.number, disabled: true, reason: `v${latest.number} is archived: unarchive it on the Versions tab first` };
  }
  return { number: latest.number, disabled: false, reason: null };
}
