import { describe, expect, it } from 'vitest';
import { objectKey, servedKeys } from './served-names.js';

describe('servedKeys', () => {
  it('keeps a name found in one member and serves every copy of a shared one as name@cluster', () => {
    const perMember = new Map([
      ['member-1', ['ns/a', 'ns/shared']],
      ['member-2', ['ns/b', 'ns/shared']],
      ['member-3', ['other/shared']],
    ]);
    expect(servedKeys(perMember)).toEqual(['ns/a', 'ns/b', 'ns/shared@member-1', 'ns/shared@member-2', 'other/shared']);
  });

  it('keys objects by namespace and name', () => {
    expect(objectKey({ metadata: { namespace: 'ns', name: 'a' } })).toBe('ns/a');
    expect(objectKey({ metadata: { name: 'node-1' } })).toBe('/node-1');
  });
});
