import { describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { startHost } from '../../../../src/main/host';
import { dispatch } from '../../../../src/main/core/handlers';
import { tempDir } from '../../../helpers/workspace';
import { http } from '../../../helpers/http';

function occupiedPort(): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const blocker = createServer().listen(0, '127.0.0.1', () => {
      const port = (blocker.address() as { port: number }).port;
      resolve({ port, close: () => blocker.close() });
    });
  });
}

describe('API server control (desktop)', () => {
  it('turns off, comes back on another port, and explains a port in use', async () => {
    const dir = tempDir();
    const host = await startHost({ dataDir: dir.dir, mode: 'desktop', port: 0 });
    const ctx = host.workspace.as(host.workspace.owner.id);
    try {
      const first = host.server!.port;
      const off = await dispatch(host.handlers, ctx, 'api:configure', { enabled: false, port: first });
      expect(off).toMatchObject({ ok: true, value: { enabled: false, url: null } });
      await expect(http(first, 'GET', '/api/v1/health')).rejects.toThrow();

      const on = await dispatch(host.handlers, ctx, 'api:configure', { enabled: true, port: 0 });
      expect(on.ok && on.value.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await http(host.server!.port, 'GET', '/api/v1/health')).status).toBe(200);

      const blocker = await occupiedPort();
      const clash = await dispatch(host.handlers, ctx, 'api:configure', { enabled: true, port: blocker.port });
      blocker.close();
      expect(clash).toMatchObject({ ok: true, value: { enabled: true, url: null, error: expect.stringMatching(/already in use: choose another port/) } });

      const bad = await dispatch(host.handlers, ctx, 'api:configure', { enabled: true, port: 80 });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'port' } });
    } finally {
      await host.close();
      dir.cleanup();
    }
  });

  it('refuses to move or stop the server in headless mode, where it also serves the UI', async () => {
    const dir = tempDir();
    const host = await startHost({ dataDir: dir.dir, mode: 'headless', port: 0 });
    try {
      const result = await dispatch(host.handlers, host.workspace.as(host.workspace.owner.id), 'api:configure', { enabled: false, port: 0 });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(host.server).not.toBeNull();
    } finally {
      await host.close();
      dir.cleanup();
    }
  });
});
