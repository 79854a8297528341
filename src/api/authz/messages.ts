// The wording of authorization refusals, as kube-apiserver's authorization
// filter writes them (responsewriters.forbiddenMessage), so clients print what they would against Kubernetes.

export interface ForbiddenTarget {
  verb: string;
  group: string;
  resource: string;
  /** 'pods/status' style when a subresource is addressed. */
  subresource?: string;
  namespace: string;
  name: string;
}

export function forbiddenMessage(username: string, target: ForbiddenTarget, reason?: string): string {
  const resource = target.subresource ? `${target.resource}/${target.subresource}` : target.resource;
  const groupResource = target.group === '' ? target.resource : `${target.resource}.${target.group}`;
  const subject = target.name === '' ? groupResource : `${groupResource} "${target.name}"`;
  const scope = target.namespace === '' ? 'at the cluster scope' : `in the namespace "${target.namespace}"`;
  return `${subject} is forbidden: User "${username}" cannot ${target.verb} resource "${resource}" in API group "${target.group}" ${scope}${reason ? `: ${reason}` : ''}`;
}

export function forbiddenPathMessage(username: string, verb: string, path: string): string {
  return `forbidden: User "${username}" cannot ${verb} path "${path}"`;
}
