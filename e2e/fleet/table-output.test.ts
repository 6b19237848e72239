import { describe, expect, it } from 'vitest';
import { parseTable } from './table-output.js';

describe('parseTable', () => {
  it('cuts cells at the header columns, keeping cells with spaces and empty cells whole', () => {
    const text = [
      'NAMESPACE   NAME    CLUSTER    READY   RESTARTS      SHORT',
      'default     web-1   member-1   1/1     1 (5m ago)    ',
      'kube        dns     member-2   0/1     0             x',
      '',
    ].join('\n');
    const t = parseTable(text);
    expect(t.columns).toEqual(['NAMESPACE', 'NAME', 'CLUSTER', 'READY', 'RESTARTS', 'SHORT']);
    expect(t.rows).toEqual([
      { NAMESPACE: 'default', NAME: 'web-1', CLUSTER: 'member-1', READY: '1/1', RESTARTS: '1 (5m ago)', SHORT: '' },
      { NAMESPACE: 'kube', NAME: 'dns', CLUSTER: 'member-2', READY: '0/1', RESTARTS: '0', SHORT: 'x' },
    ]);
  });

  it('reads nothing from nothing', () => {
    expect(parseTable('')).toEqual({ columns: [], rows: [] });
  });
});
