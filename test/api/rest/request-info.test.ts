import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../../src/api/errors.js';
import { parseRequestInfo, type RequestInfo } from '../../../src/api/rest/request-info.js';

const cases: { name: string; method: string; path: string; query?: string; want: Partial<RequestInfo> | undefined }[] = [
  { name: 'a namespaced collection is a list', method: 'GET', path: '/api/v1/namespaces/default/pods', want: { group: '', version: 'v1', resource: 'pods', namespace: 'default', name: '', verb: 'list' } },
  { name: 'a named object is a get', method: 'GET', path: '/apis/apps/v1/namespaces/web/deployments/front', want: { group: 'apps', resource: 'deployments', namespace: 'web', name: 'front', verb: 'get' } },
  { name: 'watch=true makes a watch', method: 'GET', path: '/api/v1/pods', query: 'watch=true', want: { resource: 'pods', namespace: '', verb: 'watch' } },
  { name: 'watch=1 makes a watch', method: 'GET', path: '/api/v1/namespaces/a/pods', query: 'watch=1', want: { verb: 'watch' } },
  { name: 'a subresource is split off', method: 'PUT', path: '/apis/apps/v1/namespaces/a/deployments/d/scale', want: { resource: 'deployments', name: 'd', subresource: 'scale', verb: 'update' } },
  { name: 'a Namespace object is addressed by namespaces/<name>', method: 'GET', path: '/api/v1/namespaces/kube-system', want: { resource: 'namespaces', name: 'kube-system', namespace: '', verb: 'get' } },
  { name: "a Namespace's status is a subresource of it", method: 'PUT', path: '/api/v1/namespaces/a/status', want: { resource: 'namespaces', name: 'a', subresource: 'status', verb: 'update' } },
  { name: 'POST to a collection is a create', method: 'POST', path: '/api/v1/namespaces/a/configmaps', want: { verb: 'create', resource: 'configmaps' } },
  { name: 'DELETE of a collection is a deletecollection', method: 'DELETE', path: '/api/v1/namespaces/a/pods', want: { verb: 'deletecollection' } },
  { name: 'PATCH is a patch', method: 'PATCH', path: '/api/v1/nodes/n1', want: { verb: 'patch', resource: 'nodes', name: 'n1', namespace: '' } },
  { name: 'discovery is not a resource request', method: 'GET', path: '/apis/apps/v1', want: undefined },
  { name: 'the legacy group-version is not a resource request', method: 'GET', path: '/api/v1', want: undefined },
  { name: 'too many segments are not a resource request', method: 'GET', path: '/api/v1/namespaces/a/pods/p/log/extra', want: undefined },
];

describe('parsing REST paths', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = parseRequestInfo(c.method, c.path, new URLSearchParams(c.query ?? ''));
      if (c.want === undefined) assert.equal(got, undefined);
      else {
        assert.ok(got);
        for (const [key, value] of Object.entries(c.want)) assert.equal(got[key as keyof RequestInfo], value, key);
      }
    });
  }

  it('an invalid namespace in the path is a 400', () => {
    assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/Bad_NS/pods', new URLSearchParams()), (err: unknown) => err instanceof ApiError && err.code === 400);
  });

  it('dot segments are refused', () => {
    assert.throws(() => parseRequestInfo('GET', '/api/v1/namespaces/a/pods/..', new URLSearchParams()), (err: unknown) => err instanceof ApiError && err.code === 400);
  });
});
