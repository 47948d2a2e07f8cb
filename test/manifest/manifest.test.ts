import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { ConfigError, loadManifestConfig } from '../../src/config.js';
import { buildManifest, MANIFEST_DIR, packageManifest } from '../../src/manifest/package-manifest.js';
import { createServer } from '../../src/server.js';
import { createLogger } from '../../src/log.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';

describe('Teams app package', () => {
  const template = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8'));

  it('declares a current schema, personal scope and the command list', () => {
    const version = Number(/v1\.(\d+)\//.exec(template.$schema)?.[1]);
    expect(version).toBeGreaterThanOrEqual(19);
    expect(template.manifestVersion).toBe(`1.${version}`);
    for (const field of ['id', 'version', 'developer', 'name', 'description', 'icons', 'accentColor', 'bots', 'validDomains']) {
      expect(template).toHaveProperty(field);
    }
    expect(template.name.short.length).toBeLessThanOrEqual(30);
    expect(template.description.short.length).toBeLessThanOrEqual(80);
    expect(template.bots[0].scopes).toEqual(['personal']);
    const titles = template.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(['connect outlook', "what's on today", 'next meeting', 'this week', 'am I free at 3', 'when am I free tomorrow', 'sync now', 'status', 'disconnect outlook', 'help']);
    // Teams shows at most 10 commands per scope, each title at most 32 characters and description 128.
    expect(titles.length).toBeLessThanOrEqual(10);
    for (const command of template.bots[0].commandLists[0].commands) {
      expect(command.title.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeLessThanOrEqual(128);
    }
  });

  it('ships a 192x192 color icon and a 32x32 outline icon (white on transparent)', () => {
    const color = PNG.sync.read(readFileSync(join(MANIFEST_DIR, template.icons.color)));
    const outline = PNG.sync.read(readFileSync(join(MANIFEST_DIR, template.icons.outline)));
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = outline.data.subarray(i, i + 4);
      expect(a === 0 || (r === 255 && g === 255 && b === 255)).toBe(true);
    }
  });

  it('writes a zip with the app ID and domain filled in from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-manifest-'));
    const appId = '11111111-2222-3333-4444-555555555555';
    // Only what the package needs: no app password (the README's command gives none).
    const config = loadManifestConfig({ MicrosoftAppId: appId, PUBLIC_URL: 'https://calbot.contoso.com', MicrosoftAppType: 'SingleTenant' });
    await packageManifest(config, join(dir, 'app.zip'));
    const zip = await JSZip.loadAsync(readFileSync(join(dir, 'app.zip')));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(appId);
    expect(manifest.validDomains).toEqual(['calbot.contoso.com']);
    // calbot's version, whatever the template says: a release that bumps package.json ships a package Teams takes
    // as an update.
    const packageVersion = JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')).version;
    expect(manifest.version).toBe(packageVersion);
    expect(buildManifest({ ...manifest, version: '0.0.1' }, config).version).toBe(packageVersion);
    expect(manifest.developer).toMatchObject({
      websiteUrl: 'https://calbot.contoso.com',
      privacyUrl: 'https://calbot.contoso.com/privacy',
      termsOfUseUrl: 'https://calbot.contoso.com/terms',
    });
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs as the README says, with only MicrosoftAppId and PUBLIC_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-manifest-cli-'));
    const result = runManifestCommand({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', PUBLIC_URL: 'https://calbot.contoso.com' }, join(dir, 'app.zip'));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*app\.zip \(app ID 11111111-2222-3333-4444-555555555555, domain calbot\.contoso\.com\)$/m);
    const zip = await JSZip.loadAsync(readFileSync(join(dir, 'app.zip')));
    expect(JSON.parse(await zip.file('manifest.json')!.async('string')).id).toBe('11111111-2222-3333-4444-555555555555');
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [{ MicrosoftAppId: APP_ID }, /^PUBLIC_URL: required/],
    [{ MicrosoftAppId: APP_ID, PUBLIC_URL: 'http://localhost:3978' }, /^PUBLIC_URL: expected an https URL/],
    [{ MicrosoftAppId: APP_ID, PUBLIC_URL: 'https://calbot.contoso.com/?x=1' }, /^PUBLIC_URL: expected a URL without \?query/],
    // Teams refuses a package whose id is not a GUID, only once it is uploaded.
    [{ MicrosoftAppId: 'my-bot', PUBLIC_URL: 'https://calbot.contoso.com' }, /^MicrosoftAppId: expected the Azure Bot's Microsoft App ID.*, a GUID/],
    // It wrote a package with the placeholder 00000000-...: Teams installs it, and the bot it names never answers.
    [{ PUBLIC_URL: 'https://calbot.contoso.com' }, /^MicrosoftAppId: required for the Teams app package/],
  ])('refuses %j', (env, message) => {
    expect(() => loadManifestConfig(env)).toThrow(ConfigError);
    expect(() => loadManifestConfig(env)).toThrow(message);
  });

  it('without MicrosoftAppId writes nothing and says so in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-manifest-cli-'));
    const result = runManifestCommand({ PUBLIC_URL: 'https://calbot.contoso.com' }, join(dir, 'app.zip'));
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^calbot: configuration error: MicrosoftAppId: required for the Teams app package/)]);
    expect(existsSync(join(dir, 'app.zip'))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('says a configuration error in one line and exits 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-manifest-cli-'));
    const result = runManifestCommand({ MicrosoftAppId: '11111111-2222-3333-4444-555555555555', PUBLIC_URL: 'http://localhost:3978' }, join(dir, 'app.zip'));
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^calbot: configuration error: PUBLIC_URL: expected an https URL/)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('links to a website, privacy and terms pages that calbot serves (Teams shows all three on the app page)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calbot-manifest-'));
    const built = await packageManifest(loadManifestConfig({ MicrosoftAppId: APP_ID, PUBLIC_URL: 'https://calbot.contoso.com' }), join(dir, 'app.zip'));
    rmSync(dir, { recursive: true, force: true });
    const server = createServer({ adapter: {} as never, bot: {} as never, logger: createLogger('silent'), ping: async () => true, completeSignIn: async () => ({ status: 500, headers: {}, body: '' }) });
    const port = await server.listen(0, '127.0.0.1');
    try {
      // The website is PUBLIC_URL itself: it answered 404 with restify's JSON.
      for (const url of [built.developer.websiteUrl, built.developer.privacyUrl, built.developer.termsOfUseUrl]) {
        const response = await fetch(`http://127.0.0.1:${port}${new URL(url).pathname}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(await response.text()).toMatch(/<h1>[^<]+<\/h1>[\s\S]*disconnect outlook/);
      }
    } finally {
      await server.close();
    }
  });
});

/**
 * `npm run manifest`, without the build step: the same module run as a program, writing to `outFile`. It runs in
 * outFile's folder, so that no .env of the working tree adds to `env`.
 */
function runManifestCommand(env: Record<string, string>, outFile: string) {
  const tsx = pathToFileURL(join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  return spawnSync(process.execPath, ['--import', tsx, '--disable-warning=DEP0111', join(process.cwd(), 'src', 'manifest', 'package-manifest.ts'), outFile], {
    cwd: dirname(outFile),
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}
