import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
    // A file's beforeAll that builds the permission-matrix world (168 prompts) took over the
    // default 10 s on the loaded 2-core machine (content-visibility, respan-permissions,
    // readiness-api): the same allowance as a test.
    hookTimeout: 20_000,
  },
});
