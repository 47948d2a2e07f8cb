import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import forge from 'node-forge';

/**
 * The test CA behind the HTTPS fakes. `npm run test:hours` moves the clock to instants that can lie before the
 * checkout made its CA, or long after: the certificates must be valid there, whenever they were made.
 */
describe('the test CA', () => {
  const root = mkdtempSync(join(tmpdir(), 'calbot-test-ca-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** ensureTestCertificates as test/run.mjs calls it: in a process of its own, on a folder. */
  const ensure = (dir: string) => {
    const module = pathToFileURL(join(process.cwd(), 'test', 'support', 'test-ca.mjs')).href;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `import { ensureTestCertificates } from ${JSON.stringify(module)}; ensureTestCertificates(${JSON.stringify(dir)});`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (run.status !== 0) throw new Error(`ensureTestCertificates failed: ${run.stderr}`);
    return { ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), cert: readFileSync(join(dir, 'server-cert.pem'), 'utf8'), key: readFileSync(join(dir, 'server-key.pem'), 'utf8') };
  };
  const validity = (pem: string) => {
    const certificate = new X509Certificate(pem);
    return { from: new Date(certificate.validFrom).toISOString(), to: new Date(certificate.validTo).toISOString() };
  };
  const FIXED = { from: '2000-01-01T00:00:00.000Z', to: '2099-12-31T23:59:59.000Z' };

  it('is valid from 2000 to 2099 whenever it is made, and its server certificate serves TLS for localhost', async () => {
    const files = ensure(join(root, 'fresh'));
    expect(validity(files.ca)).toEqual(FIXED);
    expect(validity(files.cert)).toEqual(FIXED);
    const ca = new X509Certificate(files.ca);
    const cert = new X509Certificate(files.cert);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);

    // A handshake with only this CA trusted, as the fakes serve and MSAL and the Graph client connect.
    const server = createServer({ cert: files.cert, key: files.key }, (_req, res) => res.end('ok'));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const port = (server.address() as { port: number }).port;
      const body = await new Promise<string>((done, fail) => {
        get({ host: 'localhost', port, path: '/', ca: files.ca, agent: false }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk));
          res.on('end', () => done(text));
        }).on('error', fail);
      });
      expect(body).toBe('ok');
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('makes a CA kept from before the fixed validity again, and keeps one that has it', () => {
    // What the CA of a checkout looked like before: valid from its making minus an hour, for two years.
    const dir = join(root, 'kept');
    mkdirSync(dir);
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const old = forge.pki.createCertificate();
    old.publicKey = keys.publicKey;
    old.serialNumber = '01';
    old.validity.notBefore = new Date(Date.now() - 3600_000);
    old.validity.notAfter = new Date(Date.now() + 2 * 365 * 24 * 3600_000);
    old.setSubject([{ name: 'commonName', value: 'calbot test CA' }]);
    old.setIssuer([{ name: 'commonName', value: 'calbot test CA' }]);
    old.sign(keys.privateKey, forge.md.sha256.create());
    writeFileSync(join(dir, 'ca.pem'), forge.pki.certificateToPem(old));
    writeFileSync(join(dir, 'server-cert.pem'), forge.pki.certificateToPem(old));
    writeFileSync(join(dir, 'server-key.pem'), forge.pki.privateKeyToPem(keys.privateKey));

    const made = ensure(dir);
    expect(validity(made.ca)).toEqual(FIXED);
    expect(validity(made.cert)).toEqual(FIXED);
    expect(made.key).not.toBe(forge.pki.privateKeyToPem(keys.privateKey));
    // Made once: the next run reuses it (the fakes and every Node that trusts it must agree on one CA).
    expect(ensure(dir)).toEqual(made);
  });
});
