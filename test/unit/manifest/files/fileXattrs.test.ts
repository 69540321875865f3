import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffXattrs, parseGetfattrDump } from '../../../../src/manifest/files/fileXattrs.js';
import { STREAMS } from '../../btrfs/sendStream/fixtures.js';

describe('parseGetfattrDump (recorded getfattr output)', () => {
  const parsed = parseGetfattrDump(readFileSync(join(STREAMS, 'getfattr-dump.txt')));

  it('maps each file to its attributes as bytes; files without any are absent', () => {
    expect([...parsed.keys()]).toEqual(['/snap/xattr', '/snap/acl', '/snap/acl-dir']);
    expect(parsed.get('/snap/xattr')!.get('user.k')!.toString()).toBe('two');
    expect(parsed.get('/snap/acl')!.get('system.posix_acl_access')!.length).toBe(44);
  });

  it('undoes getfattr\'s octal escapes in names and reads empty values', () => {
    const out = parseGetfattrDump(Buffer.from('# file: /t/a\\012b\\134c\\377\nuser.na\\012me=0x32\nuser.empty=0x\nuser.bare\n\n', 'latin1'));
    const attrs = out.get('/t/a\nb\\c\xff')!;
    expect(attrs.get('user.na\nme')!.toString()).toBe('2');
    expect(attrs.get('user.empty')!.length).toBe(0);
    expect(attrs.get('user.bare')!.length).toBe(0);
  });
});

describe('diffXattrs', () => {
  const m = (entries: [string, string][]) => new Map(entries.map(([k, v]) => [k, Buffer.from(v)]));
  it('tells ACLs from other attributes', () => {
    expect(diffXattrs(m([['user.a', '1']]), m([['user.a', '1']]))).toEqual({ acl: false, xattrs: false });
    expect(diffXattrs(m([['user.a', '1']]), m([['user.a', '2']]))).toEqual({ acl: false, xattrs: true });
    expect(diffXattrs(m([]), m([['system.posix_acl_default', 'x']]))).toEqual({ acl: true, xattrs: false });
    expect(diffXattrs(undefined, m([['security.capability', 'x'], ['system.posix_acl_access', 'y']]))).toEqual({ acl: true, xattrs: true });
  });
});
