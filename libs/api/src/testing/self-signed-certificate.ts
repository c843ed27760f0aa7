import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCertificate {
  keyPem: string;
  certificatePem: string;
  /**
   * base64 SHA-256 of the certificate's SubjectPublicKeyInfo: the form Chromium's
   * `--ignore-certificate-errors-spki-list` takes.
   */
  spkiSha256: string;
}

/** A P-256 certificate for the given host names and IPs, valid one day, made by `openssl` (as the local push service does). */
export function makeSelfSignedCertificate(names: { dns?: readonly string[]; ips?: readonly string[] }): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cert-'));
  try {
    const keyFile = join(dir, 'key.pem');
    const certificateFile = join(dir, 'cert.pem');
    const subjectAltName = [...(names.dns ?? []).map((n) => `DNS:${n}`), ...(names.ips ?? []).map((ip) => `IP:${ip}`)].join(',');
    const commonName = names.dns?.[0] ?? names.ips?.[0] ?? 'localhost';
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', keyFile, '-out', certificateFile, '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${subjectAltName}`,
    ], { stdio: 'ignore' });
    const certificatePem = readFileSync(certificateFile, 'utf8');
    const spki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
    return { keyPem: readFileSync(keyFile, 'utf8'), certificatePem, spkiSha256: createHash('sha256').update(spki).digest('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
