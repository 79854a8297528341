// ComponentStatus: NAME STATUS MESSAGE ERROR, from the Healthy conditions (as
// upstream's printComponentStatus joins them).
import { objectsAt, stringAt } from '../../../admission/json.js';
import { NAME_DESCRIPTION } from '../descriptions.js';
import { column } from '../types.js';
import { nameOf, type Printer } from './printer.js';

export const componentStatusPrinter: Printer = {
  columns: [
    column('Name', NAME_DESCRIPTION, { format: 'name' }),
    column('Status', 'Status of the component conditions'),
    column('Message', 'Message of the component conditions'),
    column('Error', 'Error of the component conditions'),
  ],
  print(obj) {
    let status = 'Unknown';
    const messages: string[] = [];
    const errors: string[] = [];
    for (const [condition] of objectsAt(obj, 'conditions')) {
      if (stringAt(condition, 'type') !== 'Healthy') continue;
      status = stringAt(condition, 'status') === 'True' ? 'Healthy' : 'Unhealthy';
      messages.push(stringAt(condition, 'message') ?? '');
      errors.push(stringAt(condition, 'error') ?? '');
    }
    return { cells: [nameOf(obj), status, messages.join(','), errors.join(',')] };
  },
};
