import { describe, expect, it } from 'vitest';
import { HostnameIndex, canonicalName } from './hostname-index.js';

describe('HostnameIndex', () => {
  it('gives a hostname to the oldest claim, then the lower key, and names the winner to the others', () => {
    const index = new HostnameIndex('herd.local');
    index.set({ key: 'b/web', hostname: 'web.herd.local', creationTimestamp: '2026-01-02T00:00:00Z' });
    index.set({ key: 'a/web', hostname: 'web.herd.local', creationTimestamp: '2026-01-02T00:00:00Z' });
    index.set({ key: 'c/web', hostname: 'web.herd.local', creationTimestamp: '2026-01-03T00:00:00Z' });
    expect(index.owner('web.herd.local')).toBe('a/web');
    expect(index.conflictOf('b/web')).toBe('a/web');
    expect(index.conflictOf('a/web')).toBeUndefined();
    index.delete('a/web');
    expect(index.owner('web.herd.local')).toBe('b/web');
    expect(index.conflictOf('c/web')).toBe('b/web');
  });

  it('knows the empty non-terminals between a hostname and the zone, and nothing outside it', () => {
    const index = new HostnameIndex('herd.local');
    index.set({ key: 'shop/web', hostname: 'web.shop.herd.local', creationTimestamp: 't' });
    index.set({ key: 'x/out', hostname: 'web.example.com', creationTimestamp: 't' });
    expect(index.isEmptyNonTerminal('shop.herd.local')).toBe(true);
    expect(index.isEmptyNonTerminal('herd.local')).toBe(false);
    expect(index.isEmptyNonTerminal('web.shop.herd.local')).toBe(false);
    expect(index.isEmptyNonTerminal('example.com')).toBe(false);
    expect(index.isEmptyNonTerminal('other.herd.local')).toBe(false);
  });

  it('compares names in lower case without the trailing dot', () => {
    expect(canonicalName('Web.Shop.Herd.Local.')).toBe('web.shop.herd.local');
  });
});
