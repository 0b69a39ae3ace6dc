import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';
import { queryKeys } from './query-keys';

/**
 * What running a prompt needs, for the test panel and chat: its variables, the models the
 * member may run it on and the version chat serves; what Refine needs; the saved test cases.
 */
export const runnableQuery = (name: string) => queryOptions({ queryKey: queryKeys.runnable(name), queryFn: () => unwrap(api.runs.prepare({ name })) });

/** What Refine needs for a prompt: the models that may revise it and whether the member may save. */
export const refinePrepQuery = (name: string) => queryOptions({ queryKey: queryKeys.refinePrep(name), queryFn: () => unwrap(api.refine.prepare({ name })) });

/** The prompt's test cases, by name (they belong to its editors). */
export const testCasesQuery = (name: string) => queryOptions({ queryKey: queryKeys.testCases(name), queryFn: () => unwrap(api.testcases.list({ name })) });
