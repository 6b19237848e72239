/** What one judgement of a cluster found. */
export interface Judgement {
  readonly pass: boolean;
  /** CamelCase reason: Healthy when it passed, else why not (MemberUnreachable, NoReadyEndpoints, ProbeFailed, ...). */
  readonly reason: string;
  readonly message: string;
  readonly addresses: readonly string[];
  readonly readyEndpoints?: number;
  readonly port?: number;
}

/** A cluster's health as answers use it, after hysteresis. */
export interface TrackedHealth {
  readonly healthy: boolean;
  readonly reason: string;
  readonly message: string;
  /** The addresses of the last judgement that passed while healthy; the current ones while unhealthy. */
  readonly addresses: readonly string[];
  readonly readyEndpoints?: number;
  readonly port?: number;
  /** When healthy last changed (ms since the epoch). */
  readonly since: number;
}

export type Transition = 'Healthy' | 'Unhealthy' | undefined;

/**
 * Hysteresis for one cluster of one GlobalLoadBalancer, as kubelet probes do it: a healthy cluster turns unhealthy
 * after `failureThreshold` failed judgements in a row, an unhealthy one healthy after `successThreshold` passed ones.
 * The very first judgement decides at once, so a new GlobalLoadBalancer answers after one round.
 */
export class TargetTracker {
  private state: TrackedHealth | undefined;
  private fails = 0;
  private passes = 0;

  constructor(
    private failureThreshold: number,
    private successThreshold: number,
  ) {}

  setThresholds(failureThreshold: number, successThreshold: number): void {
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
  }

  get current(): TrackedHealth | undefined {
    return this.state;
  }

  /** Records one judgement; returns the transition it caused, if any. */
  record(j: Judgement, now: number): Transition {
    const facts = { addresses: j.addresses, ...(j.readyEndpoints !== undefined ? { readyEndpoints: j.readyEndpoints } : {}), ...(j.port !== undefined ? { port: j.port } : {}) };
    if (j.pass) {
      this.passes++;
      this.fails = 0;
    } else {
      this.fails++;
      this.passes = 0;
    }
    const prev = this.state;
    if (!prev) {
      this.state = { healthy: j.pass, reason: j.reason, message: j.message, ...facts, since: now };
      return j.pass ? 'Healthy' : 'Unhealthy';
    }
    if (prev.healthy) {
      if (j.pass) {
        this.state = { healthy: true, reason: j.reason, message: j.message, ...facts, since: prev.since };
        return undefined;
      }
      if (this.fails >= this.failureThreshold) {
        this.state = { healthy: false, reason: j.reason, message: j.message, ...facts, since: now };
        return 'Unhealthy';
      }
      // Still healthy until the threshold: keep answering with what last passed.
      this.state = { ...prev, message: `${j.reason}: ${j.message} (failure ${this.fails} of ${this.failureThreshold})` };
      return undefined;
    }
    if (j.pass && this.passes >= this.successThreshold) {
      this.state = { healthy: true, reason: j.reason, message: j.message, ...facts, since: now };
      return 'Healthy';
    }
    const message = j.pass ? `passed ${this.passes} of ${this.successThreshold} judgements needed to return` : j.message;
    this.state = { healthy: false, reason: j.pass ? prev.reason : j.reason, message, ...facts, since: prev.since };
    return undefined;
  }
}
