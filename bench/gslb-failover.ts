import { performance } from 'node:perf_hooks';
import { round } from './api-report.js';
import { answerOf } from './gslb-fixture.js';

/** Polling DNS for one change: how long until the answer changed, and what the answers were meanwhile. */
export interface AnswerChange {
  /** Seconds from the event to the first answer that showed the change; undefined when it never did. */
  readonly seconds?: number;
  readonly polls: number;
  /** Polls whose query failed (timeout, error or not NOERROR). */
  readonly failedPolls: number;
  /** Polls whose answer lacked one of the addresses that had to stay. */
  readonly steadyMissing: number;
  /** The first answer lacking one of them, to show what happened. */
  readonly firstBadAnswer?: string;
}

export interface PollOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Addresses that must be in every answer meanwhile. */
  readonly steady: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Asks `server` for the hostname every `intervalMs` (one query at a time, each with a 500 ms deadline) from `since`
 * (a performance.now() time) until `done(answer)`, and returns the time of the first answer that was done. Each answer
 * is also checked for the `steady` addresses. The time is taken when the answer arrives, so it includes the query's
 * own round trip (well under a millisecond here) and up to one interval of polling delay.
 */
export async function timeUntilAnswer(server: { address: string; port: number }, since: number, done: (answer: readonly string[]) => boolean, o: PollOptions): Promise<AnswerChange> {
  let polls = 0;
  let failedPolls = 0;
  let steadyMissing = 0;
  let firstBadAnswer: string | undefined;
  for (;;) {
    const started = performance.now();
    polls++;
    let answer: string[] | undefined;
    try {
      answer = await answerOf(server, 500);
    } catch {
      failedPolls++;
    }
    const at = performance.now();
    if (answer) {
      if (!o.steady.every((a) => answer!.includes(a))) {
        steadyMissing++;
        firstBadAnswer ??= answer.join(',') || '(empty)';
      }
      if (done(answer)) return { seconds: round((at - since) / 1000, 3), polls, failedPolls, steadyMissing, ...(firstBadAnswer ? { firstBadAnswer } : {}) };
    }
    if (at - since > o.timeoutMs) return { polls, failedPolls, steadyMissing, ...(firstBadAnswer ? { firstBadAnswer } : {}) };
    await sleep(Math.max(0, o.intervalMs - (performance.now() - started)));
  }
}
