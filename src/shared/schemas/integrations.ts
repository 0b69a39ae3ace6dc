import { z } from 'zod';
import type { UserRef } from './prompts';

export const INTEGRATION_KINDS = ['openai-compatible', 'anthropic'] as const;
export type IntegrationKind = (typeof INTEGRATION_KINDS)[number];

/** The `integrationName` of `integrationName:modelName` (seed 001): no colon, no spaces. */
export const IntegrationNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Use 1-64 letters, digits, ".", "_" or "-" (it is the part before ":" in model names)');

const BaseUrlSchema = z
  .string()
  .trim()
  .url('Enter a URL such as http://127.0.0.1:11434/v1')
  .refine((url) => /^https?:\/\//i.test(url), 'Use an http:// or https:// URL')
  // A base URL is stored and shown as it is (Settings, every member's model list, error
  // messages): a secret in it would be in plain text. Requests append paths to it, so a query or
  // fragment would not reach the provider as written anyway.
  .superRefine((url, issue) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return;
    }
    if (parsed.username || parsed.password || /^[a-z]+:\/\/[^/?#]*@/i.test(url)) {
      issue.addIssue({ code: 'custom', message: 'Put the key in the API key field, not in the URL: a base URL is stored and shown in plain text' });
    } else if (url.includes('?') || url.includes('#')) {
      issue.addIssue({ code: 'custom', message: 'Enter the base URL without a query or fragment (?… or #…); put a key in the API key field' });
    }
  })
  .transform((url) => url.replace(/\/+$/, ''));

const ModelIdSchema = z.string().trim().min(1).max(128).regex(/^\S+$/, 'Model names have no spaces');

export const INTEGRATION_ACCESS = ['everyone', 'selected'] as const;
export type IntegrationAccess = (typeof INTEGRATION_ACCESS)[number];

export const SaveIntegrationInput = z.object({
  /** Present when editing: the integration's current name (it may be renamed). */
  id: z.string().max(64).optional(),
  name: IntegrationNameSchema,
  kind: z.enum(INTEGRATION_KINDS),
  baseUrl: BaseUrlSchema,
  /** undefined keeps the stored key; '' removes it (local servers such as Ollama need none). */
  apiKey: z.string().max(4000).optional(),
  models: z.array(ModelIdSchema).max(500).default([]),
  access: z.enum(INTEGRATION_ACCESS).default('everyone'),
  /** Members allowed when access is 'selected' (admins always may). */
  memberIds: z.array(z.string().max(64)).max(10_000).default([]),
  /** On Linux without a secret store the key can only be kept obfuscated; the user must agree. */
  allowWeakKeyStorage: z.boolean().default(false),
});
export type SaveIntegrationInput = z.input<typeof SaveIntegrationInput>;

export const IntegrationRefInput = z.object({ id: z.string().min(1).max(64) });

/** Test a saved integration, or unsaved settings from the form (the stored key is used when apiKey is omitted). */
export const TestIntegrationInput = z.object({
  id: z.string().max(64).optional(),
  kind: z.enum(INTEGRATION_KINDS),
  baseUrl: BaseUrlSchema,
  apiKey: z.string().max(4000).optional(),
});

export interface Integration {
  id: string;
  name: string;
  kind: IntegrationKind;
  baseUrl: string;
  /** Never the key itself: whether one is stored and a hint such as `sk-…3xQ9`. */
  hasApiKey: boolean;
  apiKeyHint: string | null;
  models: string[];
  access: IntegrationAccess;
  memberIds: string[];
  /** Whether the current member may run models of this integration. */
  usable: boolean;
  createdBy: UserRef | null;
  createdAt: string;
  updatedAt: string;
}

/** Model references typed in the editor, checked against the integrations for the acting member. */
export const CheckModelsInput = z.object({
  models: z.array(z.string().max(300)).max(50),
});

/**
 * Why a model reference may not run for this member: `unknown-integration` (no integration of
 * that name), `not-usable` (it exists; the member may not use it), `not-listed` (the integration
 * does not list that model: allowed, the provider may still serve it), `malformed` (not
 * `integration:model`).
 */
export type ModelProblem = 'unknown-integration' | 'not-usable' | 'not-listed' | 'malformed';

export interface ModelCheck {
  model: string;
  problem: ModelProblem | null;
  /** A sentence for the member, null when nothing is wrong. */
  message: string | null;
  /** `not-listed` only informs; the others mean a run on this model will be refused. */
  severity: 'warning' | 'info' | null;
}

export interface IntegrationTestResult {
  ok: boolean;
  /** Models the provider lists (empty when it offers no list). */
  models: string[];
  latencyMs: number;
  message: string;
}

export interface SecretStorageInfo {
  /** 'os' (Keychain, DPAPI, libsecret/kwallet), 'file' (headless: AES key in env var or 0600 file), 'weak' (Linux with no secret store). */
  backend: 'os' | 'file' | 'weak';
  message: string;
}
