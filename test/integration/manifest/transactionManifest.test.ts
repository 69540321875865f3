/**
 * The manifest as a user meets it, after real transactions on a managed image: show, diff,
 * the rollback preview, and an index that can be deleted without loss.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireRootAndLoop } from '../../support/requirements.js';
import { mountImage, umountImage, withTestSystem } from '../../support/system.js';

const skip = requireRootAndLoop();

interface ShowJson {
  packages: Array<{ name: string; arch: string; from: string | null; to: string | null; change: string }>;
  files: Array<{ path: string; change: string }>;
  config: Array<{ path: string; patch: string | null }>;
  outside?: { etc?: Array<{ path: string }> };
  source?: string;
  rebootLevel?: { level: string; paths: string[]; morePaths: number; packages: string[] };
}

function newest(listJson: string): number {
  return (JSON.parse(listJson) as Array<{ number: number }>).at(-1)!.number;
}

describe.skipIf(skip)('manifests of real transactions', () => {
  it('shows what an install and an upgrade changed, previews a rollback and survives losing its index', async () => {
    await withTestSystem(async (sys) => {
      expect((await sys.tu(['-n', 'pkg', 'install', 'tu-hello', 'tu-conf'])).exitCode).toBe(0);
      // The commit's last word on info.xml is indexed: the next listing finds the index fresh.
      const db = new Database(join(sys.root, '.snapshots/transactional-update.db'), { readonly: true });
      const last = db.prepare('SELECT number, info_sig FROM snapshots ORDER BY number DESC LIMIT 1').get() as { number: number; info_sig: string };
      db.close();
      const st = statSync(join(sys.root, `.snapshots/${last.number}/info.xml`), { bigint: true });
      expect(last.info_sig).toBe(`${st.ino}:${st.size}:${st.mtimeNs / 1_000_000_000n}.${String(st.mtimeNs % 1_000_000_000n).padStart(9, '0')}`);
      const installed = newest((await sys.tu(['list', '--json'])).stdout);
      const show = JSON.parse((await sys.tu(['show', String(installed), '--json'])).stdout) as ShowJson;
      expect(show.packages).toContainEqual({ name: 'tu-hello', arch: 'all', from: null, to: '1.0', change: 'installed' });
      expect(show.files).toContainEqual(expect.objectContaining({ path: '/usr/bin/tu-hello', change: 'created' }));
      // No timestamp-only noise: nothing outside what the packages and apt touched.
      const unexpected = show.files.filter((f) => !/^\/(usr\/bin\/tu-hello|usr\/share\/doc\/tu-|etc\/tu-conf|usr\/lib\/sysimage\/|var\/)/.test(f.path));
      expect(unexpected).toEqual([]);
      // What booting it needs, and which paths and packages (from dpkg's file lists) set that.
      expect(show.rebootLevel).toMatchObject({ level: 'soft-reboot', packages: ['tu-conf', 'tu-hello'] });
      const status = await sys.tu(['status']);
      expect(status.stdout).toMatch(new RegExp(`^Reboot needed: soft-reboot \\(for snapshot ${installed}\\), set by /.*\\(packages tu-conf, tu-hello\\)$`, 'm'));

      // Boot into it, edit by hand, then upgrade tu-conf (changed conffile and secret).
      await umountImage(sys.root);
      await mountImage(sys.image, sys.root);
      writeFileSync(join(sys.root, 'etc/tu-by-hand.conf'), 'edited on the running system\n');
      await sys.publish({ name: 'tu-conf', version: '2.0' });
      await sys.publish({ name: 'tu-hello', version: '2.0' });
      const up = await sys.tu(['-n', 'up']);
      expect(up.exitCode, up.stderr).toBe(0);
      const upgraded = newest((await sys.tu(['list', '--json'])).stdout);
      const after = JSON.parse((await sys.tu(['show', String(upgraded), '--json'])).stdout) as ShowJson;
      expect(after.packages).toContainEqual(expect.objectContaining({ name: 'tu-conf', from: '1.0', to: '2.0', change: 'upgraded' }));
      const conf = after.config.find((c) => c.path === '/etc/tu-conf.conf');
      expect(conf?.patch).toMatch(/^(---|Index|=+)/m);
      expect(conf?.patch).toMatch(/^\+/m);
      const secret = after.config.find((c) => c.path === '/etc/tu-conf.secret');
      expect(secret).toBeDefined();
      expect(secret!.patch).toBeNull();
      expect(after.outside?.etc?.map((f) => f.path)).toContain('/etc/tu-by-hand.conf');
      const text = (await sys.tu(['show', String(upgraded)])).stdout;
      expect(text).toMatch(/tu-by-hand\.conf/);
      expect(text).not.toMatch(/\u001b\[/); // plain when piped

      // The rollback preview names what going back removes or downgrades.
      const dry = await sys.tu(['rollback', '1', '--dry-run']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/tu-conf/);
      expect(dry.stdout).toMatch(/tu-hello/);
      const dryJson = JSON.parse((await sys.tu(['rollback', String(installed), '--dry-run', '--json'])).stdout) as { preview: { packages: { downgraded: Array<{ name: string }> } } };
      expect(dryJson.preview.packages.downgraded.map((p) => p.name).sort()).toEqual(['tu-conf', 'tu-hello']);

      // diff in either direction.
      const forward = JSON.parse((await sys.tu(['diff', String(installed), String(upgraded), '--json'])).stdout) as ShowJson;
      const backward = JSON.parse((await sys.tu(['diff', String(upgraded), String(installed), '--json'])).stdout) as ShowJson;
      expect(forward.packages.find((p) => p.name === 'tu-hello')?.change).toBe('upgraded');
      expect(backward.packages.find((p) => p.name === 'tu-hello')?.change).toBe('downgraded');
      // Forward, the upgrade's manifest answers; comparing the trees again must agree with it.
      const recomputed = JSON.parse((await sys.tu(['diff', String(installed), String(upgraded), '--json', '--recompute'])).stdout) as ShowJson;
      expect(forward).toEqual({ ...recomputed, source: 'manifest' });
      expect(recomputed.source).toBe('snapshots');
      expect(forward.files.map((f) => f.path)).toEqual(expect.arrayContaining(['/etc/tu-by-hand.conf', '/etc/tu-conf.conf']));

      // The text of a recorded diff is kept beside the snapshot (as snapper's filelist-N.txt)
      // and printed as it was, until the manifest it was made from changes.
      const pair = [String(installed), String(upgraded)];
      const kept = join(sys.root, `.snapshots/${upgraded}/diff-${installed}.txt`);
      const first = await sys.tu(['diff', ...pair]);
      expect(first.exitCode, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^ {4}\/usr\/bin\/tu-hello/m);
      const [header, keyBytes] = /^tu-diff-text 2 (\d+) \d+\n/.exec(readFileSync(kept, 'latin1')) ?? [];
      expect(header).toBeDefined();
      // (the harness strips the last newline of what a command printed)
      expect(readFileSync(kept).subarray(header!.length + Number(keyBytes)).toString('utf8')).toBe(`${first.stdout}\n`);
      expect((await sys.tu(['diff', ...pair])).stdout).toBe(first.stdout);
      // A torn text (another length than its header says) is not printed.
      writeFileSync(kept, readFileSync(kept).subarray(0, -40));
      expect((await sys.tu(['diff', ...pair])).stdout).toBe(first.stdout);
      // The manifest rewritten (a new inode, as every write of it is a rename): the text is made again.
      const manifestPath = join(sys.root, `.snapshots/${upgraded}/manifest.json`);
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: Array<{ path: string }> };
      manifest.files = manifest.files.filter((f) => f.path !== '/usr/bin/tu-hello');
      writeFileSync(`${manifestPath}.new`, JSON.stringify(manifest, null, 1));
      renameSync(`${manifestPath}.new`, manifestPath);
      const rewritten = await sys.tu(['diff', ...pair]);
      expect(rewritten.exitCode, rewritten.stderr).toBe(0);
      expect(rewritten.stdout).not.toMatch(/^ {4}\/usr\/bin\/tu-hello/m);
      expect(rewritten.stdout).toMatch(/tu-conf\.conf/);
      expect((await sys.tu(['diff', ...pair])).stdout).toBe(rewritten.stdout);
      expect(readFileSync(kept, 'utf8')).not.toMatch(/^ {4}\/usr\/bin\/tu-hello/m);

      // The table of list is kept too, and made again when what it is made from changes: here
      // a description edited in info.xml, then the kept text taken away.
      const keptList = join(sys.root, '.snapshots/transactional-update.list.txt');
      const listed = await sys.tu(['list']);
      expect(listed.exitCode, listed.stderr).toBe(0);
      expect(existsSync(keptList)).toBe(true);
      expect((await sys.tu(['list'])).stdout).toBe(listed.stdout);
      const infoPath = join(sys.root, `.snapshots/${upgraded}/info.xml`);
      writeFileSync(`${infoPath}.new`, readFileSync(infoPath, 'utf8').replace(/<description>[^<]*<\/description>/, '<description>edited by hand</description>'));
      renameSync(`${infoPath}.new`, infoPath);
      const relisted = await sys.tu(['list']);
      expect(relisted.stdout).toMatch(/edited by hand/);
      rmSync(keptList);
      expect((await sys.tu(['list'])).stdout).toBe(relisted.stdout);

      // The index is only an index.
      const before = (await sys.tu(['list', '--json'])).stdout;
      rmSync(join(sys.root, '.snapshots/transactional-update.db'), { force: true });
      rmSync(join(sys.root, '.snapshots/transactional-update.db-wal'), { force: true });
      rmSync(join(sys.root, '.snapshots/transactional-update.db-shm'), { force: true });
      const again = (await sys.tu(['list', '--json'])).stdout;
      expect(JSON.parse(again)).toEqual(JSON.parse(before));
      expect(readFileSync(join(sys.root, `.snapshots/${upgraded}/manifest.json`), 'utf8')).toMatch(/"schemaVersion": 1/);
    }, { packages: [{ name: 'tu-hello', version: '1.0' }, { name: 'tu-conf', version: '1.0' }] });
  });
});
