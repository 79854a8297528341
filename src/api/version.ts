import os from 'node:os';
import { sendJson } from './http/respond.js';
import type { Router } from './http/router.js';

/** The Kubernetes release whose API kubeql serves. */
export const KUBERNETES_MINOR = 33;
export const KUBEQL_VERSION = '0.1.0';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le' };

export function versionInfo(): VersionInfo {
  return {
    major: '1',
    minor: String(KUBERNETES_MINOR),
    gitVersion: `v1.${KUBERNETES_MINOR}.0-kubeql.${KUBEQL_VERSION}`,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate: '2026-11-23T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'kubeql',
    platform: `${os.platform()}/${ARCH[os.arch()] ?? os.arch()}`,
  };
}

export function registerVersion(router: Router): void {
  router.add('GET', '/version', (ctx) => sendJson(ctx.res, 200, versionInfo()), { anonymous: true });
}
