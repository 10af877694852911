/**
 * `--only`: which services an apply or diff may plan and touch, so the tool
 * can share a host with keepalived or kube-proxy. Several scopes are a union;
 * no scope at all means every service.
 */
import { addressBytes } from '../../netlink/inet';
import { AF_INET, AF_INET6, type Service } from '../../ipvs/types';
import { PROTOCOLS } from '../../ipvs/vocabulary';

export type Scope =
  | { kind: 'fwmark'; from: number; to: number }
  | { kind: 'prefix'; family: number; bytes: Uint8Array; bits: number }
  | { kind: 'protocol'; protocol: number };

const FWMARK = /^fwmark:(\d+)(?:-(\d+))?$/;

/** The scope a `--only` word names, or a message saying why it names none. */
export function parseScope(word: string): Scope | { error: string } {
  const mark = FWMARK.exec(word);
  if (mark) {
    const from = Number(mark[1]);
    const to = mark[2] === undefined ? from : Number(mark[2]);
    if (from < 1 || to > 0xffffffff || from > to) return { error: `invalid fwmark range \`${word}'` };
    return { kind: 'fwmark', from, to };
  }
  const protocol = PROTOCOLS.find((p) => p.serviceName === word.toLowerCase());
  if (protocol) return { kind: 'protocol', protocol: protocol.value };
  const [address, length, extra] = word.split('/');
  const family = address.includes(':') ? AF_INET6 : AF_INET;
  const bytes = addressBytes(family, address);
  const max = family === AF_INET6 ? 128 : 32;
  const bits = length === undefined ? max : /^\d+$/.test(length) ? Number(length) : NaN;
  if (bytes === undefined || extra !== undefined || !(bits >= 0 && bits <= max)) {
    return { error: `invalid scope \`${word}' (want fwmark:N[-M], an address prefix, or tcp, udp, sctp)` };
  }
  return { kind: 'prefix', family, bytes, bits };
}

function inPrefix(scope: Extract<Scope, { kind: 'prefix' }>, service: Service): boolean {
  if (service.fwmark !== 0 || service.family !== scope.family) return false;
  const bytes = addressBytes(service.family, service.address);
  if (bytes === undefined) return false;
  for (let bit = 0; bit < scope.bits; bit++) {
    const mask = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3] & mask) !== (scope.bytes[bit >> 3] & mask)) return false;
  }
  return true;
}

function inScope(scope: Scope, service: Service): boolean {
  switch (scope.kind) {
    case 'fwmark':
      return service.fwmark !== 0 && service.fwmark >= scope.from && service.fwmark <= scope.to;
    case 'protocol':
      return service.fwmark === 0 && service.protocol === scope.protocol;
    case 'prefix':
      return inPrefix(scope, service);
  }
}

/** Whether any of the scopes takes in the service (all services when there is none). */
export function withinScopes(scopes: readonly Scope[], service: Service): boolean {
  return scopes.length === 0 || scopes.some((s) => inScope(s, service));
}
