/**
 * A plan as ipvsadm command lines that `ipvsadm -R` accepts (numeric, as -S -n
 * writes them), so the plan is itself a script an operator can read, keep or
 * run. On a terminal the lines may be coloured by what they do.
 */
import type { PlanStep } from '../commands/apply/plan';
import type { Destination, Service } from '../ipvs/types';
import { numericNamer } from './addrport';
import { savedDestinationLine, savedServiceId, savedServiceLine } from './save';

export interface PlanColours {
  add(text: string): string;
  edit(text: string): string;
  delete(text: string): string;
}

const PLAIN: PlanColours = { add: (t) => t, edit: (t) => t, delete: (t) => t };

function serverLine(service: Service, id: string, d: Destination): string {
  const line = savedDestinationLine(service, id, d, numericNamer);
  // -S never writes thresholds; a plan must, or an edit would lose them.
  return d.upperThreshold !== 0 || d.lowerThreshold !== 0 ? `${line} -x ${d.upperThreshold} -y ${d.lowerThreshold}` : line;
}

/** The command line of one step, without its newline. */
export function planLine(step: PlanStep): string {
  const id = savedServiceId(step.service, numericNamer);
  const c = step.change;
  switch (c.kind) {
    case 'add-service':
      return savedServiceLine(c.service, id);
    case 'edit-service':
      return `-E${savedServiceLine(c.service, id).slice(2)}`;
    case 'delete-service':
      return `-D ${id}`;
    case 'add-server':
      return serverLine(step.service, id, c.destination);
    case 'edit-server':
      return `-e${serverLine(step.service, id, c.destination).slice(2)}`;
    case 'delete-server':
      return `-d ${id} -r ${numericNamer.addrPort(c.destination.family, c.destination.address, c.destination.port, step.service.protocol)}`;
    default:
      throw new Error(`a plan has no ${c.kind} step`);
  }
}

export function renderPlan(steps: readonly PlanStep[], colours: PlanColours = PLAIN): string {
  return steps
    .map((step) => {
      const line = planLine(step);
      const kind = step.change.kind;
      const paint = kind.startsWith('add') ? colours.add : kind.startsWith('edit') ? colours.edit : colours.delete;
      return `${paint(line)}\n`;
    })
    .join('');
}
