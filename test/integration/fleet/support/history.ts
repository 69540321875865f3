/** What etcd remembers of the semaphore key: every version, read back from revision 1. */
import { Etcd3 } from 'etcd3';

export interface SemaphoreValue {
  total_slots: number;
  holders: string[];
}

/** Every value the key held, oldest first (etcd keeps the history: nothing compacts it here). */
export async function semaphoreHistory(endpoint: string, key: string): Promise<SemaphoreValue[]> {
  const client = new Etcd3({ hosts: endpoint });
  try {
    const current = await client.get(key).exec();
    const last = current.kvs[0]?.mod_revision;
    if (last === undefined) return [];
    const values: SemaphoreValue[] = [];
    const watcher = await client.watch().key(key).startRevision('1').create();
    await new Promise<void>((resolve, reject) => {
      watcher.on('put', (kv) => {
        values.push(JSON.parse(kv.value.toString('utf8')) as SemaphoreValue);
        if (kv.mod_revision === last) resolve();
      });
      watcher.on('error', reject);
    });
    await watcher.cancel();
    return values;
  } finally {
    client.close();
  }
}

/** A live watch of the key; stop() returns every value seen. */
export async function watchSemaphore(endpoint: string, key: string): Promise<{ stop(): Promise<SemaphoreValue[]> }> {
  const client = new Etcd3({ hosts: endpoint });
  const values: SemaphoreValue[] = [];
  const watcher = await client.watch().key(key).create();
  watcher.on('put', (kv) => values.push(JSON.parse(kv.value.toString('utf8')) as SemaphoreValue));
  return {
    async stop() {
      await watcher.cancel();
      client.close();
      return values;
    },
  };
}
