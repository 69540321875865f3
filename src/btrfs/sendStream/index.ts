export { parseSendStream, parseSendStreamBatches, SendStreamParser, decodeCommand, MAX_STREAM_VERSION, type ParseOptions } from './parser.js';
export { SendCommandType, SendAttribute, commandName, type SendCommandName } from './commands.js';
export { attrBytes, attrLength, attrNumber, attrOptional, attrPath, attrTimespec, attributeViews, type SendCommand, type SendTimespec } from './command.js';
export { crc32c, crc32cUpdate } from './crc32c.js';
export { SendStreamError } from './errors.js';
