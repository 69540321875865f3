import { TuError } from '../../errors.js';

/** The send stream is malformed: bad magic, CRC mismatch, truncation, unknown layout. */
export class SendStreamError extends TuError {
  constructor(message: string, options: { detail?: string } = {}) {
    super(message, { hint: 'the btrfs send stream is damaged or from an unsupported version', ...options });
  }
}
