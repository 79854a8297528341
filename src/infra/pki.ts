import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generate } from 'selfsigned';

/** A serving certificate and its key, PEM. `cert` doubles as the CA clients trust. */
export interface ServingCertificate {
  cert: string;
  key: string;
}

function addresses(extraHosts: readonly string[]): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost', os.hostname()]);
  const ips = new Set(['127.0.0.1', '::1']);
  for (const host of extraHosts) {
    if (/^[\d.]+$/.test(host) || host.includes(':')) ips.add(host);
    else if (host !== '') dns.add(host);
  }
  return { dns: [...dns], ips: [...ips] };
}

/** A self-signed certificate for the API's loopback and host names, valid ten years. */
export async function generateServingCertificate(extraHosts: readonly string[] = []): Promise<ServingCertificate> {
  const { dns, ips } = addresses(extraHosts);
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 10 * 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: 'kubeql-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      // Self-signed and a CA, so the same certificate is the one kubeconfigs trust.
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** The certificate kept in `dir` (apiserver.crt/.key), generated on first use. */
export async function ensureServingCertificate(dir: string, extraHosts: readonly string[] = []): Promise<ServingCertificate> {
  const certFile = path.join(dir, 'apiserver.crt');
  const keyFile = path.join(dir, 'apiserver.key');
  try {
    return { cert: await fs.readFile(certFile, 'utf8'), key: await fs.readFile(keyFile, 'utf8') };
  } catch {
    const created = await generateServingCertificate(extraHosts);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(keyFile, created.key, { mode: 0o600 });
    await fs.writeFile(certFile, created.cert, { mode: 0o644 });
    return created;
  }
}
