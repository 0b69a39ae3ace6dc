import { safeStorage } from 'electron';
import type { SecretBox } from '../core/integrations/secret-box';

/**
 * Provider keys sealed by the OS secret store (Keychain, DPAPI, libsecret or kwallet). On Linux
 * with no secret store Electron falls back to a fixed key ('basic_text'): that is obfuscation,
 * not encryption, so it is reported as 'weak' and saving a key then needs the user's consent.
 */
export function safeStorageBox(): SecretBox {
  const weak =
    !safeStorage.isEncryptionAvailable() ||
    (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text');
  return {
    info: () =>
      weak
        ? { backend: 'weak', message: 'No secret store (such as GNOME Keyring or KWallet) was found, so provider keys can only be obfuscated on disk.' }
        : { backend: 'os', message: 'Provider keys are encrypted by the operating system’s secret store.' },
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  };
}
