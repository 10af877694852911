/**
 * The vocabulary tables: every word leads back to its value, and the words the
 * listing, -S and the parser use for one entry agree, checked through those
 * layers themselves (a saved word parses back to the entry's value).
 */
import { TUNNEL_TYPE_MATRIX } from '../../src/cli/matrix';
import { OPTIONS, OptionSpec } from '../../src/cli/options';
import {
  FORWARDING_METHODS,
  formatIpvsVersion,
  forwardingMethodOf,
  PROTOCOLS,
  protocolByLabel,
  protocolByValue,
  SCHED_FLAG_BITS,
  SCHEDULER_FLAGS,
  schedulerFlagByName,
  schedulerFlagsFor,
  TUNNEL_CHECKSUMS,
  TUNNEL_TYPES,
  tunnelChecksumByValue,
  tunnelTypeByName,
  tunnelTypeByValue,
} from '../../src/ipvs/vocabulary';
import { numericNamer, portNameProtocol } from '../../src/render/addrport';
import { connectionProtocolNumber } from '../../src/render/connections';
import { forwardName, protocolLabel, schedFlagsText, tunnelInfo } from '../../src/render/fields';
import { savedDestinationLine, savedServiceId, savedServiceLine } from '../../src/render/save';
import { dest, svc } from '../support/builders';
import { ok } from '../cli/helpers';

/** How a command line names an option: its first advertised short letter, else the long name. */
function commandLineSwitch(spec: OptionSpec): string {
  return spec.short.length > 0 ? `-${spec.short[0]}` : `--${spec.long}`;
}

function option(long: string): OptionSpec {
  const spec = OPTIONS.find((o) => o.long === long);
  if (spec === undefined) throw new Error(`no option --${long}`);
  return spec;
}

const distinct = (values: readonly unknown[]) => new Set(values).size === values.length;

describe('protocols', () => {
  it('values, labels, service names and options are distinct', () => {
    for (const key of ['value', 'label', 'serviceName', 'option', 'saveSwitch'] as const) {
      expect(distinct(PROTOCOLS.map((p) => p[key]))).toBe(true);
    }
  });
  describe.each(PROTOCOLS.map((p) => [p.label, p] as const))('%s', (_label, p) => {
    it('round-trips by value and by label', () => {
      expect(protocolByValue(p.value)).toBe(p);
      expect(protocolByLabel(p.label)).toBe(p);
    });
    it('lists with its label in the 4-column field; /proc lines name it so', () => {
      expect(protocolLabel(p.value)).toBe(p.label.padEnd(4));
      expect(connectionProtocolNumber(p.label)).toBe(p.value);
    });
    it('looks port names up under its services-database name', () => {
      expect(portNameProtocol(p.value)).toBe(p.serviceName);
    });
    it('saves with the command line switch of its option, which parses back to it', async () => {
      expect(p.saveSwitch).toBe(commandLineSwitch(option(p.option)));
      const id = savedServiceId(svc({ protocol: p.value }), numericNamer);
      expect(id).toBe(`${p.saveSwitch} 10.0.0.1:80`);
      const parsed = await ok(`-A ${id}`);
      expect(parsed.service?.protocol).toBe(p.value);
    });
  });
  it('has no words for other protocols', () => {
    expect(protocolByValue(1)).toBeUndefined();
    expect(protocolByLabel('IP')).toBeUndefined();
    expect(protocolLabel(1)).toBe('?   ');
    expect(savedServiceId(svc({ protocol: 1 }), numericNamer)).toBe('--xxx-service 10.0.0.1:80');
  });
});

describe('forwarding methods', () => {
  it('values, listing names and options are distinct', () => {
    expect(distinct(FORWARDING_METHODS.map((m) => m.value))).toBe(true);
    expect(distinct(FORWARDING_METHODS.map((m) => m.listName))).toBe(true);
    expect(distinct(FORWARDING_METHODS.flatMap((m) => (m.option ? [m.option] : [])))).toBe(true);
  });
  describe.each(FORWARDING_METHODS.map((m) => [m.listName, m] as const))('%s', (_name, m) => {
    it('round-trips by value, whatever the bits above the method', () => {
      expect(forwardingMethodOf(m.value)).toBe(m);
      expect(forwardingMethodOf(m.value | 0x0100)).toBe(m);
      expect(forwardName(m.value)).toBe(m.listName);
    });
    it('saves with a switch that parses back to it (Local comes back as Route)', async () => {
      const line = savedDestinationLine(svc(), '-t 10.0.0.1:80', dest({ fwdMethod: m.value }), numericNamer);
      expect(line.startsWith(`-a -t 10.0.0.1:80 -r 10.0.0.11:8080 ${m.saveSwitch} -w 1`)).toBe(true);
      const parsed = await ok(line);
      const route = FORWARDING_METHODS.find((other) => other.listName === 'Route');
      expect(forwardingMethodOf(parsed.destination!.fwdMethod)).toBe(m.option === undefined ? route : m);
    });
    it('is selected by the option whose switch it saves with', () => {
      if (m.option === undefined) {
        expect(FORWARDING_METHODS.find((other) => other.option && other.saveSwitch === m.saveSwitch)?.listName).toBe('Route');
        return;
      }
      const spec = option(m.option);
      expect(spec.name).toBe('forwarding-method');
      expect(commandLineSwitch(spec)).toBe(m.saveSwitch);
    });
  });
  it('has no words for methods 4-7', () => {
    for (const value of [4, 5, 6, 7]) {
      expect(forwardingMethodOf(value)).toBeUndefined();
      expect(forwardName(value)).toBe('(null)');
    }
  });
});

describe('tunnel types', () => {
  it('values and names are distinct', () => {
    expect(distinct(TUNNEL_TYPES.map((t) => t.value))).toBe(true);
    expect(distinct(TUNNEL_TYPES.map((t) => t.name))).toBe(true);
  });
  describe.each(TUNNEL_TYPES.map((t) => [t.name, t] as const))('%s', (_name, t) => {
    const tunnel = dest({ fwdMethod: 2, tunnelType: t.value, tunnelPort: 6080, tunnelFlags: 1 });
    it('round-trips by value and by name', () => {
      expect(tunnelTypeByValue(t.value)).toBe(t);
      expect(tunnelTypeByName(t.name)).toBe(t);
    });
    it("the parser's tunnel matrix wants a port and checksum options exactly where the type has them", () => {
      const cells = TUNNEL_TYPE_MATRIX[t.name];
      expect(cells['tun-port']).toBe(t.hasPort ? '+' : 'x');
      expect(cells['tun-nocsum']).toBe(t.hasChecksum ? '1' : 'x');
      expect(cells['tun-csum']).toBe(t.hasChecksum ? '1' : 'x');
    });
    it('lists as name[:port][:checksum]', () => {
      const expected = [t.name, ...(t.hasPort ? ['6080'] : []), ...(t.hasChecksum ? ['+c'] : [])].join(':');
      expect(tunnelInfo(tunnel)).toBe(expected);
    });
    it('saves options that parse back to the same tunnel', async () => {
      const line = savedDestinationLine(svc(), '-t 10.0.0.1:80', tunnel, numericNamer);
      expect(line).toContain(` -i -w 1 --tun-type ${t.name}`);
      const parsed = (await ok(line)).destination!;
      expect(parsed.tunnelType).toBe(t.value);
      if (t.hasPort) expect(parsed.tunnelPort).toBe(6080);
      if (t.hasChecksum) expect(parsed.tunnelFlags).toBe(1);
    });
  });
  it('the --tun-type option exists', () => {
    expect(option('tun-type').name).toBe('tun-type');
  });
});

describe('tunnel checksums', () => {
  it('values, options and short forms are distinct', () => {
    for (const key of ['value', 'option', 'short'] as const) {
      expect(distinct(TUNNEL_CHECKSUMS.map((c) => c[key]))).toBe(true);
    }
  });
  describe.each(TUNNEL_CHECKSUMS.map((c) => [c.option, c] as const))('%s', (_option, c) => {
    const gue = dest({ fwdMethod: 2, tunnelType: 1, tunnelPort: 6080, tunnelFlags: c.value });
    it('round-trips by value', () => {
      expect(tunnelChecksumByValue(c.value)).toBe(c);
      expect(option(c.option).name).toBe(c.option);
    });
    it('lists with its short form and saves with its option, which parses back to it', async () => {
      expect(tunnelInfo(gue)).toBe(`gue:6080:${c.short}`);
      const line = savedDestinationLine(svc(), '-t 10.0.0.1:80', gue, numericNamer);
      expect(line.endsWith(` --${c.option}`)).toBe(true);
      expect((await ok(line)).destination!.tunnelFlags).toBe(c.value);
    });
  });
  it('has no word for a combination', () => {
    expect(tunnelChecksumByValue(3)).toBeUndefined();
  });
});

describe('scheduler flags', () => {
  it('names are distinct and every bit is a scheduler flag bit', () => {
    expect(distinct(SCHEDULER_FLAGS.map((f) => f.name))).toBe(true);
    for (const f of SCHEDULER_FLAGS) expect(f.bit & ~SCHED_FLAG_BITS).toBe(0);
  });
  it('each scheduler has its bits once', () => {
    for (const scheduler of ['sh', 'mh', 'rr']) {
      expect(distinct(schedulerFlagsFor(scheduler).map((f) => f.bit))).toBe(true);
    }
  });
  describe.each(SCHEDULER_FLAGS.map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const scheduler = f.scheduler ?? 'rr';
    it('round-trips by name', () => {
      expect(schedulerFlagByName(f.name)).toBe(f);
      expect(schedulerFlagsFor(scheduler)).toContain(f);
    });
    it('lists and saves with its name, which parses back to its bit', async () => {
      const service = svc({ scheduler, flags: f.bit });
      expect(schedFlagsText(scheduler, f.bit)).toBe(f.name);
      const line = savedServiceLine(service, '-t 10.0.0.1:80');
      expect(line).toBe(`-A -t 10.0.0.1:80 -s ${scheduler} -b ${f.name}`);
      expect((await ok(line)).service!.flags).toBe(f.bit);
    });
  });
  it('sh and mh name only their own two flags; other schedulers the generic three', () => {
    expect(schedulerFlagsFor('sh').map((f) => f.name)).toEqual(['sh-fallback', 'sh-port']);
    expect(schedulerFlagsFor('mh').map((f) => f.name)).toEqual(['mh-fallback', 'mh-port']);
    expect(schedulerFlagsFor('').map((f) => f.name)).toEqual(['flag-1', 'flag-2', 'flag-3']);
    expect(schedFlagsText('sh', SCHED_FLAG_BITS)).toBe('sh-fallback,sh-port');
  });
});

describe('IPVS versions', () => {
  it.each([
    ['0x010201', '1.2.1'],
    ['0x010104', '1.1.4'],
    ['0x00ff0a09', '255.10.9'],
    ['0x7f010203', '1.2.3'],
  ])('%s is %s', (code, text) => {
    expect(formatIpvsVersion(Number(code))).toBe(text);
  });
});
