import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateVerdict, storeCertificateVerifier } from '../../../main/electron/storeCertificate';
import { createRecordingLogger } from '../helpers/recordingLogger';
import { makeTempDir } from '../helpers/tempDir';

/**
 * The station's hub has a certificate from the store's CA (`caFile`), which Chromium does not
 * know: the shell trusts a chain ending at that CA for the station's host, and nothing else.
 * Certificates are made with OpenSSL, as store IT would.
 */
describe('the store CA for the supervisor station', () => {
  const fixture = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'tls', 'hub-test.cert.pem'), 'utf8');
  let dir: ReturnType<typeof makeTempDir>;
  const pem: Record<string, string> = {};

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir.path, stdio: 'pipe' });

  beforeAll(() => {
    dir = makeTempDir();
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-days', '30', '-subj', '/CN=Store CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-keyout', 'ca.key', '-out', 'ca.pem');
    openssl('req', ...ec, '-subj', '/CN=hub.store.lan', '-keyout', 'hub.key', '-out', 'hub.csr');
    writeFileSync(join(dir.path, 'hub.ext'), 'subjectAltName=DNS:hub.store.lan\nextendedKeyUsage=serverAuth\n');
    openssl('x509', '-req', '-in', 'hub.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-extfile', 'hub.ext', '-out', 'hub.pem');
    openssl('req', '-x509', ...ec, '-days', '30', '-subj', '/CN=hub.store.lan', '-addext', 'subjectAltName=DNS:hub.store.lan', '-keyout', 'rogue.key', '-out', 'rogue.pem');
    for (const name of ['ca', 'hub', 'rogue']) pem[name] = readFileSync(join(dir.path, `${name}.pem`), 'utf8');
  });
  afterAll(() => dir.remove());

  const untrusted = -202; // Chromium's ERR_CERT_AUTHORITY_INVALID

  it('trusts the hub’s certificate signed by the store CA, for the station’s host only', () => {
    const log = createRecordingLogger();
    const verify = storeCertificateVerifier({ host: 'hub.store.lan', caPem: pem.ca!, log });
    expect(verify({ hostname: 'hub.store.lan', errorCode: untrusted, certificate: { data: pem.hub! } })).toBe(certificateVerdict.trust);
    expect(verify({ hostname: 'hub.store.lan', errorCode: untrusted, certificate: { data: pem.hub!, issuerCert: { data: pem.ca! } } })).toBe(certificateVerdict.trust);
    // Another host with a certificate error: Chromium's own verdict (a refusal) stands.
    expect(verify({ hostname: 'evil.example', errorCode: untrusted, certificate: { data: pem.hub! } })).toBe(certificateVerdict.chromiumDecides);
    // A certificate Chromium already trusts needs nothing from us.
    expect(verify({ hostname: 'hub.store.lan', errorCode: 0, certificate: { data: pem.rogue! } })).toBe(certificateVerdict.chromiumDecides);
    expect(log.records).toEqual([]);
  });

  it('refuses a certificate from anyone else, or one naming another host, and logs it', () => {
    const log = createRecordingLogger();
    const verify = storeCertificateVerifier({ host: 'hub.store.lan', caPem: pem.ca!, log });
    expect(verify({ hostname: 'hub.store.lan', errorCode: untrusted, certificate: { data: pem.rogue! } })).toBe(certificateVerdict.reject);
    // A rogue chain that claims the store CA as its issuer does not verify.
    expect(verify({ hostname: 'hub.store.lan', errorCode: untrusted, certificate: { data: pem.rogue!, issuerCert: { data: pem.ca! } } })).toBe(certificateVerdict.reject);
    const elsewhere = storeCertificateVerifier({ host: 'other.store.lan', caPem: pem.ca!, log });
    expect(elsewhere({ hostname: 'other.store.lan', errorCode: untrusted, certificate: { data: pem.hub! } })).toBe(certificateVerdict.reject);
    expect(verify({ hostname: 'hub.store.lan', errorCode: untrusted, certificate: { data: 'not a certificate' } })).toBe(certificateVerdict.reject);
    expect(log.find('error', 'station server certificate refused')).toHaveLength(4);
  });

  it('refuses the store CA’s certificate once it has expired', () => {
    const log = createRecordingLogger();
    const verify = storeCertificateVerifier({ host: 'hub.store.lan', caPem: pem.ca!, log, now: () => new Date(Date.now() + 60 * 86_400_000) });
    expect(verify({ hostname: 'hub.store.lan', errorCode: untrusted, certificate: { data: pem.hub! } })).toBe(certificateVerdict.reject);
  });

  it('takes a self-signed hub certificate given as the CA (as the hub’s test fixture is)', () => {
    const verify = storeCertificateVerifier({ host: '127.0.0.1', caPem: fixture, log: createRecordingLogger() });
    expect(verify({ hostname: '127.0.0.1', errorCode: untrusted, certificate: { data: fixture } })).toBe(certificateVerdict.trust);
  });
});
