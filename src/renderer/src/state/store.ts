import { create, type StateCreator } from 'zustand';
import { createRouteSlice, type RouteSlice } from './route-slice';
import { createSessionSlice, type SessionSlice } from './session-slice';
import { createLibrarySlice, type LibrarySlice } from './library-slice';
import { createEditorSlice, type EditorSlice } from './editor-slice';
import { createVersionsSlice, type VersionsSlice } from './versions-slice';
import { createHistorySlice, type HistorySlice } from './history-slice';
import { createSharingSlice, type SharingSlice } from './sharing-slice';
import { createMembersSlice, type MembersSlice } from './members-slice';
import { createLauncherSlice, type LauncherSlice } from './launcher-slice';
import { createPromptApiSlice, type PromptApiSlice } from './prompt-api-slice';
import { createApiServerSlice, type ApiServerSlice } from './api-server-slice';
import { createKeysSlice, type KeysSlice } from './keys-slice';
import { createIntegrationsSlice, type IntegrationsSlice } from './integrations-slice';
import { createLogsSlice, type LogsSlice } from './logs-slice';
import { createChatSlice, type ChatSlice } from './chat-slice';
import { createTestPanelSlice, type TestPanelSlice } from './test-panel-slice';
import { createRefineSlice, type RefineSlice } from './refine-slice';
import { createReadinessSlice, type ReadinessSlice } from './readiness-slice';

export type AppState = RouteSlice &
  SessionSlice &
  LibrarySlice &
  EditorSlice &
  VersionsSlice &
  HistorySlice &
  SharingSlice &
  MembersSlice &
  LauncherSlice &
  PromptApiSlice &
  ApiServerSlice &
  KeysSlice &
  IntegrationsSlice &
  LogsSlice &
  ChatSlice &
  TestPanelSlice &
  RefineSlice &
  ReadinessSlice;

/**
 * Each slice owns one top-level key (`route`, `session`, `library`, `editor`, `versions`,
 * `history`, `sharing`, `members`, `launcher`, `promptApi`, `apiServer`, `keys`, `integrations`, `logs`, `chat`, `testPanel`, `refine`, `readiness`) holding its state and actions.
 */
export type SliceCreator<T> = StateCreator<AppState, [], [], T>;

export const useAppStore = create<AppState>()((...args) => ({
  ...createRouteSlice(...args),
  ...createSessionSlice(...args),
  ...createLibrarySlice(...args),
  ...createEditorSlice(...args),
  ...createVersionsSlice(...args),
  ...createHistorySlice(...args),
  ...createSharingSlice(...args),
  ...createMembersSlice(...args),
  ...createLauncherSlice(...args),
  ...createPromptApiSlice(...args),
  ...createApiServerSlice(...args),
  ...createKeysSlice(...args),
  ...createIntegrationsSlice(...args),
  ...createLogsSlice(...args),
  ...createChatSlice(...args),
  ...createTestPanelSlice(...args),
  ...createRefineSlice(...args),
  ...createReadinessSlice(...args),
}));
