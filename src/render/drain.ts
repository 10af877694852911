/**
 * What `ipvsadm drain` says: progress and the outcome on a terminal (on
 * standard error, which is unbuffered), and the one-line failures anywhere.
 */
import type { DrainProgress } from '../commands/drain';
import type { Destination, Service } from '../ipvs/types';
import { numericNamer } from './addrport';
import { savedServiceId } from './save';

/** `10.1.0.1:80 of -t 10.0.0.1:80`: the server and its service as -S -n writes them. */
export function drainTarget(service: Service, server: Destination): string {
  return `${numericNamer.addrPort(server.family, server.address, server.port, service.protocol)} of ${savedServiceId(service, numericNamer)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line, redrawn in place on a terminal (no newline). */
export function drainProgressLine(target: string, p: DrainProgress): string {
  return `draining ${target}: ${p.active} active, ${p.inactive} inactive, ${plural(p.secondsLeft, 'second')} left`;
}

export function drainedLine(service: Service, server: Destination, seconds: number, deleted: boolean): string {
  const took = `in ${plural(Math.round(seconds), 'second')}`;
  return `${drainTarget(service, server)} drained ${took}; ${deleted ? 'deleted' : 'kept at weight 0'}`;
}

export function drainTimeoutLine(service: Service, server: Destination, active: number, inactive: number, waited: number): string {
  return (
    `ipvsadm: drain: ${drainTarget(service, server)}: ${active} active and ${inactive} inactive connections left ` +
    `after ${plural(waited, 'second')}; it stays at weight 0`
  );
}

export function drainNoteLine(note: string): string {
  return `ipvsadm: drain: note: ${note}`;
}
