import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import { StartupError } from '../startup-error.js';
import { ensureServingCertificate, type ServingCertificate } from './pki.js';

/** The API's TLS certificate: the configured files, else a self-signed pair kept under the data directory. */
export async function servingCertificate(config: Config): Promise<ServingCertificate | undefined> {
  if (!config.tls) return undefined;
  if (config.tlsCertFile !== undefined || config.tlsKeyFile !== undefined) {
    if (config.tlsCertFile === undefined || config.tlsKeyFile === undefined) throw new StartupError('set both KUBEQL_TLS_CERT_FILE and KUBEQL_TLS_KEY_FILE, or neither');
    try {
      return { cert: await fs.readFile(config.tlsCertFile, 'utf8'), key: await fs.readFile(config.tlsKeyFile, 'utf8') };
    } catch (err) {
      throw new StartupError(`cannot read the TLS certificate or key: ${(err as Error).message}`);
    }
  }
  try {
    return await ensureServingCertificate(path.join(config.dataDir, 'pki'), [config.host]);
  } catch (err) {
    throw new StartupError(`data directory ${config.dataDir} cannot be written (${(err as Error).message}); set KUBEQL_DATA_DIR to a writable directory`);
  }
}

/** The https form of an http API URL: the same port serves both. */
export function secureUrl(apiUrl: string): string {
  return apiUrl.replace(/^http:/, 'https:');
}
