/** Who ran the transaction, for the manifest's provenance. */
import { userInfo } from 'node:os';

export function safeUser(): string {
  try {
    return process.env.SUDO_USER ? `${process.env.SUDO_USER} (sudo)` : userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}
