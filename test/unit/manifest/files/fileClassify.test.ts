import { describe, expect, it } from 'vitest';
import { classifyPath } from '../../../../src/manifest/files/fileClassify.js';
import { fileChangePathBytes, renderPath } from '../../../../src/manifest/files/filePaths.js';

const file = (mode: number, uid = 0, gid = 0) => ({ type: 'file' as const, mode: 0o100000 | mode, uid, gid });

describe('classifyPath', () => {
  it('created and deleted keep their types and where a rename came from', () => {
    expect(classifyPath({ rel: 'a/b', kind: 'created', newType: 'file', from: 'x/b' }, '/')).toEqual({ path: '/a/b', change: 'created', newType: 'file', from: '/x/b' });
    expect(classifyPath({ rel: 'a', kind: 'deleted', oldType: 'directory' }, '/etc')).toEqual({ path: '/etc/a', change: 'deleted', oldType: 'directory' });
  });

  it('a type change wins over everything else', () => {
    const f = classifyPath({ rel: 'x', kind: 'both', old: file(0o644), new: { type: 'directory', mode: 0o40755, uid: 0, gid: 0 }, content: false, acl: false, xattrs: false }, '/');
    expect(f).toEqual({ path: '/x', change: 'type-changed', oldType: 'file', newType: 'directory' });
  });

  it('names exactly what changed, and nothing when only the file type bits agree', () => {
    const base = { rel: 'x', kind: 'both' as const, content: false, acl: false, xattrs: false };
    expect(classifyPath({ ...base, old: file(0o644), new: file(0o644) }, '/')).toBeNull();
    expect(classifyPath({ ...base, old: file(0o644), new: file(0o4644) }, '/')?.modified).toEqual({ permissions: true });
    expect(classifyPath({ ...base, old: file(0o644), new: file(0o644, 1, 0) }, '/')?.modified).toEqual({ owner: true });
    expect(classifyPath({ ...base, old: file(0o644), new: file(0o644, 0, 1) }, '/')?.modified).toEqual({ group: true });
    expect(classifyPath({ ...base, content: true, acl: true, xattrs: true, old: file(0o644), new: file(0o644) }, '/')?.modified).toEqual({ content: true, acl: true, xattrs: true });
  });
});

describe('renderPath', () => {
  it('keeps UTF-8 (even with a newline or an escape) as it is', () => {
    expect(renderPath('/', 'a\nb')).toEqual({ path: '/a\nb' });
    expect(renderPath('/', Buffer.from('é\x1b[1m').toString('latin1'))).toEqual({ path: '/é\x1b[1m' });
    expect(renderPath('/etc', '')).toEqual({ path: '/etc' });
    expect(renderPath('/', '')).toEqual({ path: '/' });
  });

  it('carries bytes that are not UTF-8 in base64 with an escaped path', () => {
    const rendered = renderPath('/etc', 'bad\xff\xfe');
    expect(rendered).toEqual({ path: '/etc/bad\\xff\\xfe', pathBase64: Buffer.from('/etc/bad\xff\xfe', 'latin1').toString('base64') });
    expect(fileChangePathBytes(rendered)).toEqual(Buffer.from('/etc/bad\xff\xfe', 'latin1'));
  });
});
