import { describe, expect, it } from 'vitest';
import { planEtcMerge } from '../../../../src/boot/etcMerge/etcMergePlan.js';
import type { EtcEntry } from '../../../../src/boot/etcMerge/etcTree.js';

const file = (content: string, mode = 0o644): EtcEntry => ({ type: 'file', mode, uid: 0, gid: 0, content });
const dir = (mode = 0o755): EtcEntry => ({ type: 'dir', mode, uid: 0, gid: 0, content: '' });
const tree = (entries: Record<string, EtcEntry>) => new Map(Object.entries(entries));

describe('planEtcMerge', () => {
  const base = tree({ a: file('a0'), b: file('b0'), d: dir(), 'd/x': file('x0'), gone: file('g0') });

  it('carries running edits where the new snapshot left the path alone; conflicts keep the new version', () => {
    const running = tree({ a: file('a-running'), b: file('b-running'), d: dir(), 'd/x': file('x0'), 'd/new': file('n'), gone: file('g0') });
    const fresh = tree({ a: file('a-transaction'), b: file('b0'), d: dir(), 'd/x': file('x0'), gone: file('g0') });
    const plan = planEtcMerge(base, running, fresh);
    expect(plan.apply.map((a) => a.path)).toEqual(['b', 'd/new']);
    expect(plan.conflicts.map((c) => c.path)).toEqual(['a']);
  });

  it('treats the same change on both sides as no change, and a mode change as an edit', () => {
    const running = tree({ ...Object.fromEntries(base), a: file('same'), b: file('b0', 0o600) });
    const fresh = tree({ ...Object.fromEntries(base), a: file('same') });
    const plan = planEtcMerge(base, running, fresh);
    expect(plan.apply.map((a) => a.path)).toEqual(['b']);
    expect(plan.conflicts).toEqual([]);
  });

  it('carries deletions, contents before their directory, after every creation', () => {
    const running = tree({ a: file('a0'), b: file('b0'), gone: file('g0'), z: file('new') });
    const plan = planEtcMerge(base, running, base);
    expect(plan.apply.map((a) => `${a.running ? '+' : '-'}${a.path}`)).toEqual(['+z', '-d/x', '-d']);
  });

  it('a deletion on the running system of a file the snapshot changed is a conflict', () => {
    const running = tree({ ...Object.fromEntries(base) });
    running.delete('gone');
    const fresh = tree({ ...Object.fromEntries(base), gone: file('g-transaction') });
    expect(planEtcMerge(base, running, fresh).conflicts).toEqual([{ path: 'gone', running: undefined }]);
  });

  it('does not recreate a directory the snapshot removed', () => {
    const running = tree({ ...Object.fromEntries(base), 'd/late': file('l') });
    const fresh = tree({ a: file('a0'), b: file('b0'), gone: file('g0') });
    const plan = planEtcMerge(base, running, fresh);
    expect(plan.apply).toEqual([]);
    expect(plan.conflicts.map((c) => c.path)).toEqual(['d/late']);
  });
});
