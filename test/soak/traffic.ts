/**
 * Traffic through the soak's table (issue 12, load): a steady stream of
 * HTTP requests from the cluster's client to one NAT service whose servers
 * the soak changes like any other (test/kernel/reload-lab.ts's Stream), and
 * the verdict on it: every request must be answered, by a server the
 * service had at the time, except one that met a change taking away its
 * server (or every server, or the service).
 */
import type { StreamReport } from '../kernel/reload-lab';
import type { TrafficService } from './changes';
import type { StepRecord, TrafficState } from './soak';

/** The cluster's NAT service on the VIP (cluster/net.sh): real server sN answers on 10.2.0.1N:80. */
export const CLUSTER_TRAFFIC: TrafficService = {
  id: '-t 10.0.0.100:80',
  servers: ['10.2.0.11', '10.2.0.12', '10.2.0.13'],
  port: 80,
};

/** The server behind a name the cluster's servers answer with. */
function targetOfName(name: string): string | undefined {
  const m = /^s([123])$/.exec(name);
  return m ? `10.2.0.1${m[1]}:80` : undefined;
}

/** Slack around a request's times for the measurement of both clocks' readers. */
const MARGIN_MS = 100;

export interface TrafficVerdict {
  sent: number;
  answered: number;
  failed: number;
  /** Failed requests that met a change taking their server away: allowed. */
  excused: number;
  /** Failed requests nothing excuses, and answers from servers the service did not have (a few, described). */
  unexcused: string[];
  unexcusedCount: number;
  misrouted: string[];
  misroutedCount: number;
}

function usable(state: TrafficState): boolean {
  return state !== null && Object.values(state).some((w) => w > 0);
}

/** True when `next` lacks a server `prev` had. */
function removes(prev: TrafficState, next: TrafficState): boolean {
  if (prev === null) return false;
  return next === null || Object.keys(prev).some((k) => !(k in next));
}

/** The states of the service during [from, to]: the one in force before, then those of every step overlapping. */
function statesDuring(initial: TrafficState, timeline: readonly StepRecord[], from: number, to: number): TrafficState[] {
  let before = initial;
  const during: TrafficState[] = [];
  for (const step of timeline) {
    if (step.endMs < from) before = step.states[step.states.length - 1];
    else if (step.startMs <= to) during.push(...step.states);
  }
  return [before, ...during];
}

/** The steps just before and after a request, with their times relative to its start, for a closer look. */
function nearestSteps(timeline: readonly StepRecord[], start: number, end: number): string {
  const before = [...timeline].reverse().find((s) => s.startMs <= start);
  const after = timeline.find((s) => s.startMs > start);
  const at = (s: StepRecord | undefined) => (s === undefined ? 'none' : `step ${s.step} ${Math.round(s.startMs - start)}..${Math.round(s.endMs - start)} ms`);
  return `the request lasted ${Math.round(end - start)} ms; the step before: ${at(before)}, after: ${at(after)}`;
}

export function judgeTraffic(report: StreamReport, initial: TrafficState, timeline: readonly StepRecord[]): TrafficVerdict {
  const v: TrafficVerdict = {
    sent: report.sent, answered: report.answered, failed: report.failed,
    excused: 0, unexcused: [], unexcusedCount: 0, misrouted: [], misroutedCount: 0,
  };
  for (const [start, end, , outcome] of report.events) {
    const states = statesDuring(initial, timeline, start - MARGIN_MS, end + MARGIN_MS);
    const when = `request ${start}-${end} ms`;
    if (outcome.startsWith('!')) {
      const excused = states.some((s) => !usable(s)) || states.some((s, i) => i > 0 && removes(states[i - 1], s));
      if (excused) v.excused++;
      else if (v.unexcusedCount++ < 5) {
        v.unexcused.push(`${when} failed (${outcome.slice(1)}) while the service had ${JSON.stringify(states)}; ${nearestSteps(timeline, start, end)}`);
      }
      continue;
    }
    const target = targetOfName(outcome);
    if (target === undefined || !states.some((s) => s !== null && target in s)) {
      if (v.misroutedCount++ < 5) v.misrouted.push(`${when} answered by ${outcome}, not a server of the service then: ${JSON.stringify(states)}`);
    }
  }
  return v;
}

export function verdictLine(v: TrafficVerdict): string {
  return `traffic: ${v.sent} requests, ${v.answered} answered, ${v.failed} failed ` +
    `(${v.excused} met a change removing their server, ${v.unexcusedCount} otherwise), ${v.misroutedCount} answered by a server the service did not have`;
}
