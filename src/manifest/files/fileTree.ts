/**
 * A replay of a `btrfs send -p base next` stream over the base's namespace, materializing
 * only the entries the stream touches. The receiver's view starts as the base (A); every
 * command moves, creates or marks entries, so at the end the live tree holds every entry
 * of next (B) that the stream nominated, and `materialized` every entry of A it touched.
 * Temporary o<ino>-<gen>-0 names need no special case: they are ordinary names in the
 * replay, and nothing is left under them at the end.
 *
 * Pure: commands in, tree out. Names and paths are BytePaths (see below).
 */
import { SendAttribute, SendCommandType, attrLength, attrNumber, attrPath, SendStreamError, type SendCommand } from '../../btrfs/sendStream/index.js';
import type { FileType } from '../types.js';

/**
 * A file name or relative path as a latin1 string: one char per byte, so any byte sequence
 * (invalid UTF-8, newlines, escapes) survives unchanged; Buffer.from(p, 'latin1') gives the
 * bytes back. Used instead of Buffers because it is a cheap, exact Map key.
 */
export type BytePath = string;

export function joinPath(dir: BytePath, name: BytePath): BytePath {
  return dir === '' ? name : `${dir}/${name}`;
}

/** An inode as the stream shows it, with what the stream says changed about it. */
export class SimInode {
  /** Path in A where this inode was first met; null for an inode the stream created. */
  readonly origin: BytePath | null;
  type: FileType | undefined;
  /** Content nominated (write, extent update, truncate, clone, fallocate). */
  content = false;
  /** Byte ranges nominated, flat [offset, length, …]; meaningful for inodes of A; undefined while none. */
  ranges: number[] | undefined;
  mode: number | undefined;
  owner: { uid: number; gid: number } | undefined;
  /**
   * Extended attribute names set or removed (the values are confirmed against the trees);
   * undefined while there are none (tens of thousands of inodes, few with xattrs).
   */
  xattrNames: Set<BytePath> | undefined;
  symlinkTarget: BytePath | undefined;

  constructor(origin: BytePath | null, type?: FileType) {
    this.origin = origin;
    this.type = type;
  }

  get nominated(): boolean {
    return this.content || this.mode !== undefined || this.owner !== undefined || this.xattrNames !== undefined;
  }
}

/** A directory entry in the replay. Directories have one entry, so they carry the listing. */
export class SimNode {
  name: BytePath;
  parent: SimNode | null;
  readonly inode: SimInode;
  /** Where this entry was in A (entries met in A only; null for entries the stream made). */
  readonly aPath: BytePath | null;
  /** Known live children (directories). */
  children: Map<BytePath, SimNode> | undefined;
  /** Names of the A listing already materialized or claimed: never looked up in A again. */
  consumed: Set<BytePath> | undefined;

  constructor(name: BytePath, parent: SimNode | null, inode: SimInode, aPath: BytePath | null) {
    this.name = name;
    this.parent = parent;
    this.inode = inode;
    this.aPath = aPath;
  }

  get attached(): boolean {
    return this.parent !== null;
  }
}

export interface ReplayResult {
  root: SimNode;
  /** Every entry of A the stream touched, in the order met. */
  materialized: SimNode[];
  /** Commands replayed. */
  commands: number;
}

const TYPE_BY_COMMAND: Partial<Record<number, FileType>> = {
  [SendCommandType.MKFILE]: 'file',
  [SendCommandType.MKDIR]: 'directory',
  [SendCommandType.MKFIFO]: 'fifo',
  [SendCommandType.MKSOCK]: 'socket',
  [SendCommandType.SYMLINK]: 'symlink',
};

export function fileTypeFromMode(mode: number): FileType | undefined {
  switch (mode & 0o170000) {
    case 0o100000: return 'file';
    case 0o040000: return 'directory';
    case 0o120000: return 'symlink';
    case 0o010000: return 'fifo';
    case 0o140000: return 'socket';
    case 0o020000: return 'char-device';
    case 0o060000: return 'block-device';
    default: return undefined;
  }
}

/** Replays commands one at a time; `finish()` hands back the tree. */
export class StreamReplay {
  private readonly root: SimNode;
  private readonly materialized: SimNode[] = [];
  private count = 0;

  /** Called once per entry of A when the stream first nominates a change of its inode. */
  private readonly onNominate: ((node: SimNode) => void) | undefined;

  constructor(options: { onNominate?: (node: SimNode) => void } = {}) {
    this.root = new SimNode('', null, new SimInode('', 'directory'), '');
    this.onNominate = options.onNominate;
  }

  apply(cmd: SendCommand): void {
    this.count++;
    switch (cmd.type) {
      case SendCommandType.SUBVOL:
        // A full stream: nothing of A exists (the base is empty).
        (this.root as { inode: SimInode }).inode = new SimInode(null, 'directory');
        return;
      case SendCommandType.SNAPSHOT:
      case SendCommandType.END:
      case SendCommandType.UTIMES:
      case SendCommandType.FILEATTR:
      case SendCommandType.ENABLE_VERITY:
        return;
      case SendCommandType.MKFILE:
      case SendCommandType.MKDIR:
      case SendCommandType.MKFIFO:
      case SendCommandType.MKSOCK:
      case SendCommandType.SYMLINK:
      case SendCommandType.MKNOD: {
        const type = TYPE_BY_COMMAND[cmd.type] ?? fileTypeFromMode(attrNumber(cmd, SendAttribute.MODE));
        const inode = new SimInode(null, type);
        if (cmd.type === SendCommandType.SYMLINK) inode.symlinkTarget = attrPath(cmd, SendAttribute.PATH_LINK);
        this.place(new SimNode('', null, inode, null), attrPath(cmd), cmd);
        return;
      }
      case SendCommandType.RENAME: {
        const node = this.resolve(attrPath(cmd), cmd);
        this.detach(node);
        this.place(node, attrPath(cmd, SendAttribute.PATH_TO), cmd);
        return;
      }
      case SendCommandType.LINK: {
        const source = this.resolve(attrPath(cmd, SendAttribute.PATH_LINK), cmd);
        this.place(new SimNode('', null, source.inode, null), attrPath(cmd), cmd);
        return;
      }
      case SendCommandType.UNLINK:
      case SendCommandType.RMDIR: {
        const node = this.resolve(attrPath(cmd), cmd);
        if (cmd.type === SendCommandType.RMDIR) node.inode.type = 'directory';
        this.detach(node);
        return;
      }
      case SendCommandType.SET_XATTR:
      case SendCommandType.REMOVE_XATTR:
        (this.nominated(cmd).inode.xattrNames ??= new Set()).add(attrPath(cmd, SendAttribute.XATTR_NAME));
        return;
      case SendCommandType.CHMOD:
        this.nominated(cmd).inode.mode = attrNumber(cmd, SendAttribute.MODE);
        return;
      case SendCommandType.CHOWN:
        this.nominated(cmd).inode.owner = {
          uid: attrNumber(cmd, SendAttribute.UID),
          gid: attrNumber(cmd, SendAttribute.GID),
        };
        return;
      case SendCommandType.TRUNCATE:
        this.nominated(cmd).inode.content = true;
        return;
      case SendCommandType.WRITE:
        this.nominateRange(cmd, attrNumber(cmd, SendAttribute.FILE_OFFSET), attrLength(cmd, SendAttribute.DATA));
        return;
      case SendCommandType.ENCODED_WRITE:
        this.nominateRange(cmd, attrNumber(cmd, SendAttribute.FILE_OFFSET), attrNumber(cmd, SendAttribute.UNENCODED_FILE_LEN));
        return;
      case SendCommandType.CLONE:
        this.nominateRange(cmd, attrNumber(cmd, SendAttribute.FILE_OFFSET), attrNumber(cmd, SendAttribute.CLONE_LEN));
        return;
      case SendCommandType.UPDATE_EXTENT:
      case SendCommandType.FALLOCATE:
        this.nominateRange(cmd, attrNumber(cmd, SendAttribute.FILE_OFFSET), attrNumber(cmd, SendAttribute.SIZE));
        return;
      default:
        throw new SendStreamError(`btrfs send stream holds command ${cmd.type} at byte ${cmd.offset}, unknown to this version`);
    }
  }

  finish(): ReplayResult {
    return { root: this.root, materialized: this.materialized, commands: this.count };
  }

  /** The entry a change command names; tells onNominate the first time an inode of A is named. */
  private nominated(cmd: SendCommand): SimNode {
    const node = this.resolve(attrPath(cmd), cmd);
    if (this.onNominate && !node.inode.nominated && node.inode.origin !== null && node.aPath !== null) this.onNominate(node);
    return node;
  }

  private nominateRange(cmd: SendCommand, offset: number, length: number): void {
    const inode = this.nominated(cmd).inode;
    inode.content = true;
    (inode.ranges ??= []).push(offset, length);
  }

  /** The entry at path, materializing entries of A on the way. */
  private resolve(path: BytePath, cmd: SendCommand): SimNode {
    let node = this.root;
    if (path === '') return node;
    let start = 0;
    for (;;) {
      const slash = path.indexOf('/', start);
      const name = slash < 0 ? path.slice(start) : path.slice(start, slash);
      if (name !== '' && name !== '.') node = this.child(node, name, path, cmd);
      if (slash < 0) return node;
      start = slash + 1;
    }
  }

  private child(dir: SimNode, name: BytePath, path: BytePath, cmd: SendCommand): SimNode {
    const known = dir.children?.get(name);
    if (known) return known;
    const dirOrigin = dir.inode.origin;
    if (dirOrigin === null || dir.consumed?.has(name)) {
      throw new SendStreamError(
        `btrfs send stream command ${cmd.name ?? cmd.type} at byte ${cmd.offset} names a path that does not exist: ${JSON.stringify(path)}`,
      );
    }
    dir.inode.type ??= 'directory';
    const aPath = joinPath(dirOrigin, name);
    const node = new SimNode(name, null, new SimInode(aPath), aPath);
    (dir.consumed ??= new Set()).add(name);
    this.attach(node, dir, name);
    this.materialized.push(node);
    return node;
  }

  /** Put node at path: the name is free in the receiver (mk*, link), or replaced (rename). */
  private place(node: SimNode, path: BytePath, cmd: SendCommand): void {
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? this.root : this.resolve(path.slice(0, slash), cmd);
    const name = slash < 0 ? path : path.slice(slash + 1);
    const existing = dir.children?.get(name);
    if (existing) this.detach(existing);
    if (dir.inode.origin !== null) (dir.consumed ??= new Set()).add(name);
    this.attach(node, dir, name);
  }

  private attach(node: SimNode, dir: SimNode, name: BytePath): void {
    node.name = name;
    node.parent = dir;
    (dir.children ??= new Map()).set(name, node);
  }

  private detach(node: SimNode): void {
    node.parent?.children?.delete(node.name);
    node.parent = null;
  }
}
