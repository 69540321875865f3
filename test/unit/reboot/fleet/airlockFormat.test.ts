/** Key and value byte for byte as airlock's Go code writes them (fixtures recorded with Go). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupKeys, queryEscape } from '../../../../src/reboot/fleet/etcd/keys.js';
import { makeSemaphore, parseSemaphore, serializeSemaphore } from '../../../../src/reboot/fleet/etcd/semaphore.js';
import { TuError } from '../../../../src/errors.js';

const recorded = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../../fixtures/fleet/airlock-format.json'), 'utf8')) as {
  keys: Array<{ group: string; key: string }>;
  values: Array<{ total_slots: number; holders_in: string[] | null; value: string }>;
};

describe('the airlock semaphore key', () => {
  it.each(recorded.keys)('escapes group $group as Go url.QueryEscape does', ({ group, key }) => {
    expect(groupKeys(group).semaphore).toBe(key);
  });

  it('escapes holder ids in our own keys the same way, so "a/b" cannot reach another key', () => {
    const keys = groupKeys('g');
    expect(keys.holder('a/b')).toBe('transactional-update/fleet/g/holders/a%2Fb');
    expect(keys.deadline('x y')).toBe('transactional-update/fleet/g/deadlines/x+y');
    expect(queryEscape('')).toBe('');
  });
});

describe('the airlock semaphore value', () => {
  it.each(recorded.values)('writes $total_slots slots and holders $holders_in exactly as json.Marshal does', ({ total_slots, holders_in, value }) => {
    expect(serializeSemaphore(makeSemaphore(total_slots, holders_in ?? []))).toBe(
      // A Go nil slice marshals as null; we always write a list, which airlock reads the same.
      value.replace('"holders":null', '"holders":[]'),
    );
  });

  it.each(recorded.values)('reads what airlock wrote: $value', ({ total_slots, holders_in, value }) => {
    const parsed = parseSemaphore(value, 'k');
    expect(parsed.totalSlots).toBe(total_slots);
    expect([...parsed.holders].sort()).toEqual([...(holders_in ?? [])].sort());
  });

  it('refuses a value that is not a semaphore, naming the key', () => {
    expect(() => parseSemaphore('{"total_slots":-1,"holders":[]}', 'com.coreos.airlock/groups/x/v1/semaphore')).toThrow(
      new TuError('the fleet semaphore com.coreos.airlock/groups/x/v1/semaphore in etcd is unreadable: total_slots is not a whole number', {
        hint: 'inspect it with etcdctl get; fix or delete it to start over',
      }),
    );
    expect(() => parseSemaphore('{"total_slots":1,"holders":[3]}', 'k')).toThrow(/holders is not a list of strings/);
    expect(() => parseSemaphore('nope', 'k')).toThrow(/not JSON/);
  });
});
