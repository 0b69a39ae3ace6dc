import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkspace, type OpenWorkspaceOptions, type Workspace } from '../../src/main/core/workspace';
import type { Ctx } from '../../src/main/core/context';
// A fixture makes member rows directly (admitMember), on a local folder or a team server alike.
import { admitMember } from '../../src/main/core/users/users-service';
import { createPrompt, setApiSettings } from '../../src/main/core/prompts/prompts-service';
import { saveVersion } from '../../src/main/core/versions/versions-service';
import { CreatePromptInput, SaveVersionInput } from '../../src/shared/schemas/prompts';
import { AddUserInput } from '../../src/shared/schemas/users';

export function tempDir(prefix = 'promptdesk-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh workspace in its own temp folder, with a fixed clock that ticks a second per call. */
export function testWorkspace(options: Omit<OpenWorkspaceOptions, 'clock'> = {}): { workspace: Workspace; owner: Ctx; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  let t = Date.parse('2026-01-01T00:00:00Z');
  const workspace = openWorkspace(dir, { ...options, clock: { now: () => new Date((t += 1000)) } });
  return {
    workspace,
    dir,
    owner: workspace.as(workspace.owner.id),
    cleanup: () => {
      workspace.close();
      cleanup();
    },
  };
}

export function member(ctx: Ctx, email: string, name = email.split('@')[0]!): Ctx {
  const user = admitMember(ctx, AddUserInput.parse({ email, name }));
  return { ...ctx, actor: user };
}

/** A prompt with one version; `api: true` also turns its HTTP API access on. */
export function seedPrompt(ctx: Ctx, name: string, text: string, extra: Partial<CreatePromptInput> & { api?: boolean } = {}) {
  const { api, ...input } = extra;
  createPrompt(ctx, CreatePromptInput.parse({ name, title: input.title ?? name, ...input }));
  if (api) setApiSettings(ctx, { name, apiAccess: true });
  return saveVersion(ctx, SaveVersionInput.parse({ name, template: { kind: 'text', text } }));
}
