// pods/{name}/log, exec, attach and portforward: served by the node agent that runs the pod.
import { badRequest } from '../../errors.js';
import type { RestRequest } from '../request.js';
import { servePodLog } from './logs.js';
import { getPod, nodeNameOf, resolveContainer } from './target.js';

export { podStreamUpgrade } from './upgrade.js';

/** A plain (not upgraded) request for a pod stream; exec, attach and portforward need an upgrade. */
export async function servePodStream(request: RestRequest, subresource: string): Promise<void> {
  if (subresource === 'log') return servePodLog(request);
  const pod = await getPod(request.objects, request.ctx.cluster, request.info.namespace, request.info.name, request.signal);
  if (subresource !== 'portforward') resolveContainer(pod, request.ctx.url.searchParams.get('container'));
  if (nodeNameOf(pod) === '') throw badRequest(`pod ${request.info.name} does not have a host assigned`);
  throw badRequest('Upgrade request required');
}
