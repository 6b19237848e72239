import { describe, expect, it } from 'vitest';
import { TargetTracker, type Judgement } from './target-tracker.js';

const pass = (addresses = ['10.0.0.1']): Judgement => ({ pass: true, reason: 'Healthy', message: 'ok', addresses, readyEndpoints: 2 });
const fail = (reason = 'ProbeFailed'): Judgement => ({ pass: false, reason, message: 'refused', addresses: ['10.0.0.1'] });

describe('TargetTracker', () => {
  it('decides on the first judgement', () => {
    const up = new TargetTracker(3, 2);
    expect(up.record(pass(), 1)).toBe('Healthy');
    expect(up.current).toMatchObject({ healthy: true, since: 1 });
    const down = new TargetTracker(3, 2);
    expect(down.record(fail(), 1)).toBe('Unhealthy');
    expect(down.current).toMatchObject({ healthy: false, reason: 'ProbeFailed' });
  });

  it('turns unhealthy only after failureThreshold failures in a row, answering the last good addresses meanwhile', () => {
    const t = new TargetTracker(3, 2);
    t.record(pass(['10.0.0.1']), 0);
    expect(t.record({ ...fail(), addresses: [] }, 1)).toBeUndefined();
    expect(t.record(fail(), 2)).toBeUndefined();
    expect(t.current).toMatchObject({ healthy: true, addresses: ['10.0.0.1'], since: 0 });
    expect(t.current!.message).toMatch(/failure 2 of 3/);
    expect(t.record(fail('NoReadyEndpoints'), 3)).toBe('Unhealthy');
    expect(t.current).toMatchObject({ healthy: false, reason: 'NoReadyEndpoints', since: 3 });
  });

  it('a pass between failures starts the count again', () => {
    const t = new TargetTracker(2, 1);
    t.record(pass(), 0);
    t.record(fail(), 1);
    t.record(pass(), 2);
    expect(t.record(fail(), 3)).toBeUndefined();
    expect(t.current!.healthy).toBe(true);
    expect(t.record(fail(), 4)).toBe('Unhealthy');
  });

  it('comes back only after successThreshold passes in a row', () => {
    const t = new TargetTracker(1, 3);
    t.record(fail(), 0);
    expect(t.record(pass(), 1)).toBeUndefined();
    expect(t.current).toMatchObject({ healthy: false, reason: 'ProbeFailed' });
    expect(t.current!.message).toMatch(/passed 1 of 3/);
    expect(t.record(pass(), 2)).toBeUndefined();
    expect(t.record(fail(), 3)).toBeUndefined();
    expect(t.record(pass(), 4)).toBeUndefined();
    expect(t.record(pass(), 5)).toBeUndefined();
    expect(t.record(pass(), 6)).toBe('Healthy');
    expect(t.current).toMatchObject({ healthy: true, since: 6 });
  });

  it('takes new thresholds without losing its state', () => {
    const t = new TargetTracker(5, 1);
    t.record(pass(), 0);
    t.record(fail(), 1);
    t.setThresholds(2, 1);
    expect(t.record(fail(), 2)).toBe('Unhealthy');
  });
});
