import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';
import { queryKeys } from './query-keys';

/**
 * One prompt as the acting member may see it: its facts and its newest version. The editor loads
 * from it and follows each later answer (screens/editor/use-follow-prompt.ts).
 */
export const promptQuery = (name: string) => queryOptions({ queryKey: queryKeys.promptDetail(name), queryFn: () => unwrap(api.prompts.get({ name })) });
