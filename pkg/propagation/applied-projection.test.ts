import { describe, expect, it } from 'vitest';
import { appliedProjection } from './applied-projection.js';

describe('appliedProjection', () => {
  it('keeps only the fields the shape sets, with the source values', () => {
    const shape = { spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '0.5' } } }] } } } };
    const source = {
      spec: {
        replicas: 2,
        strategy: { type: 'RollingUpdate' },
        template: { spec: { containers: [{ name: 'a', terminationMessagePath: '/dev/x', resources: { requests: { cpu: '500m' } } }] } },
      },
    };
    expect(appliedProjection(shape, source)).toEqual({
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'a', resources: { requests: { cpu: '500m' } } }] } } },
    });
  });

  it('leaves out fields the source lacks and takes whole arrays whose length differs', () => {
    expect(appliedProjection({ a: 1, b: [1, 2] }, { b: [1, 2, 3] })).toEqual({ b: [1, 2, 3] });
  });
});
