import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from '../../shared/log';

/** Chromium's answers to a certificate check (`session.setCertificateVerifyProc`). */
export const certificateVerdict = { trust: 0, reject: -2, chromiumDecides: -3 } as const;

/** What Electron asks about one server certificate: PEM data, with the chain the server sent. */
export interface CertificateCheck {
  readonly hostname: string;
  readonly certificate: CertificateLike;
  readonly errorCode: number;
}

export interface CertificateLike {
  readonly data: string;
  readonly issuerCert?: CertificateLike | undefined;
}

const maxChainLength = 5;

/**
 * A store's servers have certificates from the store's own CA (the terminal configuration's
 * `caFile`), which Chromium does not know. For the one host the station lives on, a chain that
 * ends at that CA is trusted — checked here with Node's X.509: each link signed by the next,
 * all valid now, the leaf naming the host. Everything else is left to Chromium.
 */
export function storeCertificateVerifier(options: { readonly host: string; readonly caPem: string; readonly log: Logger; readonly now?: () => Date }): (check: CertificateCheck) => number {
  const ca = new X509Certificate(options.caPem);
  const now = options.now ?? (() => new Date());
  const validNow = (certificate: X509Certificate) => {
    const at = now().getTime();
    return Date.parse(certificate.validFrom) <= at && at <= Date.parse(certificate.validTo);
  };
  const namesHost = (certificate: X509Certificate, host: string) => (isIP(host) ? certificate.checkIP(host) !== undefined : certificate.checkHost(host) !== undefined);

  return (check) => {
    if (check.errorCode === 0) return certificateVerdict.chromiumDecides;
    if (check.hostname !== options.host) return certificateVerdict.chromiumDecides;
    try {
      const leaf = new X509Certificate(check.certificate.data);
      if (!validNow(leaf) || !namesHost(leaf, check.hostname)) throw new Error('the certificate is expired or names another host');
      let link = leaf;
      let next = check.certificate.issuerCert;
      for (let depth = 0; depth < maxChainLength; depth++) {
        if (link.fingerprint256 === ca.fingerprint256 || (link.checkIssued(ca) && link.verify(ca.publicKey))) return certificateVerdict.trust;
        if (!next) break;
        const issuer = new X509Certificate(next.data);
        if (!validNow(issuer) || !link.checkIssued(issuer) || !link.verify(issuer.publicKey)) break;
        link = issuer;
        next = next.issuerCert;
      }
      throw new Error('the certificate is not from the store CA');
    } catch (error) {
      options.log.error({ host: check.hostname, error: error instanceof Error ? error.message : String(error) }, 'station server certificate refused');
      return certificateVerdict.reject;
    }
  };
}
