import { describe, expect, it } from 'vitest';
import { generateSequence } from './apply-sequence.js';

describe('generateSequence', () => {
  it('is the same for the same seed and differs between seeds', () => {
    const a = generateSequence(42, 'g', 'v1', 'K', 'n');
    expect(generateSequence(42, 'g', 'v1', 'K', 'n')).toEqual(a);
    expect(generateSequence(43, 'g', 'v1', 'K', 'n')).not.toEqual(a);
  });

  it('covers applies, status applies, patches, updates and creates over many seeds', () => {
    const kinds = new Set<string>();
    for (let s = 0; s < 200; s++) {
      for (const step of generateSequence(s, 'g', 'v1', 'K', 'n')) kinds.add(`${step.put ? 'PUT' : step.method}${step.subresource} ${step.contentType}${step.query.includes('force') ? ' force' : ''}`);
    }
    expect([...kinds].sort()).toEqual(
      [
        'PATCH create',
        'PATCH application/apply-patch+yaml',
        'PATCH application/apply-patch+yaml force',
        'PATCH/status application/apply-patch+yaml',
        'PATCH/status application/apply-patch+yaml force',
        'PATCH application/merge-patch+json',
        'PATCH application/json-patch+json',
        'PATCH/status application/merge-patch+json',
        'PUT application/json',
      ].sort(),
    );
  });
});
