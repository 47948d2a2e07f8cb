// Makes a throwaway certificate authority and a localhost server certificate for the HTTPS fakes of Microsoft's
// identity platform and Graph (MSAL refuses a plain-http authority; the Graph client attaches tokens over https only).
// Node trusts the CA through NODE_EXTRA_CA_CERTS, which it reads once at start-up: test/run.mjs and bench/run.mjs
// call this before they launch jest or a benchmark.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export function ensureTestCertificates(dir) {
  const paths = { ca: join(dir, 'ca.pem'), cert: join(dir, 'server-cert.pem'), key: join(dir, 'server-key.pem') };
  if (existsSync(paths.ca) && existsSync(paths.cert) && existsSync(paths.key)) return paths;
  mkdirSync(dir, { recursive: true });
  const { pki, md } = forge;
  const now = new Date();
  const later = new Date(now.getTime() + 2 * 365 * 24 * 3600 * 1000);

  const caKeys = pki.rsa.generateKeyPair(2048);
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(now.getTime() - 3600 * 1000);
  ca.validity.notAfter = later;
  const caName = [{ name: 'commonName', value: 'calbot test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, md.sha256.create());

  const keys = pki.rsa.generateKeyPair(2048);
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '02';
  cert.validity.notBefore = ca.validity.notBefore;
  cert.validity.notAfter = later;
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, md.sha256.create());

  writeFileSync(paths.ca, pki.certificateToPem(ca));
  writeFileSync(paths.cert, pki.certificateToPem(cert));
  writeFileSync(paths.key, pki.privateKeyToPem(keys.privateKey), { mode: 0o600 });
  return paths;
}
