import { describe, expect, it } from 'vitest';
import { LruMap } from './lru-map.ts';

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its capacity, telling who was evicted', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(3, (key) => evicted.push(key));
    map.set('a', 1);
    map.set('b', 2);
    map.set('c', 3);
    expect(map.get('a')).toBe(1); // a is now the most recently used
    map.set('d', 4);
    expect(evicted).toEqual(['b']);
    expect([...map].map(([key]) => key)).toEqual(['c', 'a', 'd']);
    expect(map.peek('c')).toBe(3);
    map.set('e', 5); // peek did not refresh c
    expect(evicted).toEqual(['b', 'c']);
    expect(map.size).toBe(3);
  });

  it('replaces and deletes without counting an eviction', () => {
    const evicted: string[] = [];
    const map = new LruMap<string, number>(2, (key) => evicted.push(key));
    map.set('a', 1);
    map.set('a', 2);
    expect(map.delete('a')).toBe(true);
    expect(map.has('a')).toBe(false);
    expect(evicted).toEqual([]);
  });

  it('stays bounded however many keys arrive', () => {
    const map = new LruMap<string, number>(100);
    for (let i = 0; i < 100_000; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(100);
    expect(map.get('k99999')).toBe(99_999);
    expect(map.get('k0')).toBeUndefined();
  });

  it('refuses a capacity below one', () => {
    expect(() => new LruMap(0)).toThrow(RangeError);
  });
});
