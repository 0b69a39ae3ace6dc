import type { Ctx } from '../context';
import { notFound } from '../errors';

/**
 * Model references are `integrationName:modelName` (seed 001); the integration must exist.
 * Integrations are configured in Settings once model providers are supported; until then the
 * workspace has none, so any reference names an integration that does not exist.
 */
export function knownIntegrations(_ctx: Ctx): Set<string> {
  return new Set();
}

export function requireIntegrations(ctx: Ctx, models: string[]): void {
  const known = knownIntegrations(ctx);
  for (const model of models) {
    const integration = model.split(':')[0]!;
    if (!known.has(integration)) throw notFound(`Integration "${integration}" (from "${model}")`);
  }
}
