// Makes a certificate authority for the tests and a localhost server certificate for the HTTPS fakes of Microsoft's
// identity platform and Graph (MSAL refuses a plain-http authority; the Graph client attaches tokens over https only).
// Node trusts the CA through NODE_EXTRA_CA_CERTS, which it reads once at start-up: test/run.mjs and bench/run.mjs
// call this before they launch jest or a benchmark. The CA is made once per checkout and kept (an RSA key pair takes
// a second or two); it trusts nothing but the fakes' certificate, and its key is never written down.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

// Fixed, not relative to when the CA was made: `npm run test:hours` runs the suite under libfaketime at instants that
// may lie before a fresh checkout made its CA, or years after, and TLS to the fakes must still work there.
// (X.509 writes years from 2050 on as GeneralizedTime; node-forge does that itself.)
export const TEST_CERT_NOT_BEFORE = new Date('2000-01-01T00:00:00Z');
export const TEST_CERT_NOT_AFTER = new Date('2099-12-31T23:59:59Z');

export function ensureTestCertificates(dir) {
  const paths = { ca: join(dir, 'ca.pem'), cert: join(dir, 'server-cert.pem'), key: join(dir, 'server-key.pem') };
  if (existsSync(paths.key) && hasFixedValidity(paths.ca) && hasFixedValidity(paths.cert)) return paths;
  // Missing, or kept from before the validity was fixed (valid from its making minus an hour, for two years): made again.
  mkdirSync(dir, { recursive: true });
  const { pki, md } = forge;

  const caKeys = pki.rsa.generateKeyPair(2048);
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = '01';
  ca.validity.notBefore = TEST_CERT_NOT_BEFORE;
  ca.validity.notAfter = TEST_CERT_NOT_AFTER;
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
  cert.validity.notBefore = TEST_CERT_NOT_BEFORE;
  cert.validity.notAfter = TEST_CERT_NOT_AFTER;
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

  // Each file whole or not at all (a rename replaces it atomically); the CA last, as the sign that the set is complete.
  writeWhole(paths.key, pki.privateKeyToPem(keys.privateKey), 0o600);
  writeWhole(paths.cert, pki.certificateToPem(cert));
  writeWhole(paths.ca, pki.certificateToPem(ca));
  return paths;
}

function hasFixedValidity(pemPath) {
  try {
    const { validity } = forge.pki.certificateFromPem(readFileSync(pemPath, 'utf8'));
    return validity.notBefore.getTime() === TEST_CERT_NOT_BEFORE.getTime() && validity.notAfter.getTime() === TEST_CERT_NOT_AFTER.getTime();
  } catch {
    return false;
  }
}

function writeWhole(path, text, mode = 0o644) {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text, { mode });
  renameSync(partial, path);
}
