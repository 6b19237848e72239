import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClusterClient } from '../members/cluster-client.js';
import { describeFailure, describeStatus } from '../members/describe-failure.js';

/** The object an event is about, as `involvedObject` names it. */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

export type EventType = 'Normal' | 'Warning';

export type RecordEvent = (subject: EventSubject, type: EventType, reason: string, message: string) => void;

/**
 * Writes core/v1 Events to the host cluster, in the subject's namespace, so `kubectl describe` and `kubectl events`
 * through the host show them beside the object. Fire and forget: a failed write is logged, never retried, and never
 * holds up the caller.
 */
export function hostEventRecorder(host: ClusterClient, log: (msg: string, err?: unknown) => void): RecordEvent {
  const instance = hostname();
  return (subject, type, reason, message) => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${subject.name}.${randomBytes(8).toString('hex')}`, namespace: subject.namespace },
      involvedObject: subject,
      reason,
      message: message.slice(0, 1024),
      type,
      source: { component: 'herd' },
      reportingComponent: 'herd',
      reportingInstance: instance,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    host
      .call('POST', `/api/v1/namespaces/${encodeURIComponent(subject.namespace)}/events`, event, 5000)
      .then((res) => {
        if (res.status >= 300) log(`recording event ${reason} for ${subject.kind} ${subject.namespace}/${subject.name}: ${describeStatus(res.status, res.body)}`);
      })
      .catch((err: unknown) => log(`recording event ${reason} for ${subject.kind} ${subject.namespace}/${subject.name}: ${describeFailure(err)}`));
  };
}
