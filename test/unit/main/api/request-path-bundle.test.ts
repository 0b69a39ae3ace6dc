import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { tempDir } from '../../../helpers/workspace';
import type * as RequestPath from '../../../../src/main/api/request-path';

/**
 * `promptdesk serve` runs the bundle in out/, not src/: rolldown (Vite 8's bundler, which
 * electron-vite uses) drops calls to globals it deems pure when their result is unused, throw
 * included. A `try { decodeURIComponent(p) } catch` check then lets every malformed path
 * through, and the built server answered `GET /%` with a 500 and a stack on stderr while the
 * tests on src passed. This bundles the module the way the build does and runs the result.
 */
describe('malformed-path check survives the production bundler', () => {
  it('the bundled malformedPath still refuses every bad percent-encoding', async () => {
    const dir = tempDir();
    try {
      const bundle = await rolldown({ input: resolve(__dirname, '../../../../src/main/api/request-path.ts'), platform: 'node' });
      const { output } = await bundle.generate({ format: 'esm' });
      await bundle.close();
      const file = join(dir.dir, 'request-path.mjs');
      writeFileSync(file, output[0].code);
      const built = (await import(pathToFileURL(file).href)) as typeof RequestPath;
      for (const path of ['/%', '/%zz', '/%E0%A4%A', '/%FF', '/%C0%AF', '/%ED%A0%80', '/api/v1/prompts/%', '/%u0041']) {
        expect(built.malformedPath(path), path).toMatch(/percent-encoding/);
      }
      for (const path of ['/', '/api/v1/prompts/a%20b', '/%25', '/%C3%A9']) expect(built.malformedPath(path), path).toBeNull();
      for (const search of ['?x=%', '?q=%E0%A4%A', '?%zz=1']) expect(built.malformedQuery(search), search).toMatch(/percent-encoding/);
      for (const search of ['', '?q=%C3%A9+x', '?a=%25']) expect(built.malformedQuery(search), search).toBeNull();
    } finally {
      dir.cleanup();
    }
  });
});
