import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { loadConfig } from '../../src/config.js';
import { MANIFEST_DIR, packageManifest } from '../../src/manifest/package-manifest.js';

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
    expect(titles).toEqual(['connect outlook', "what's on today", 'next meeting', 'when am I free tomorrow', 'sync now', 'status', 'disconnect outlook', 'help']);
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
    const config = loadConfig({ MicrosoftAppId: appId, MicrosoftAppPassword: 'x', PUBLIC_URL: 'https://calbot.contoso.com' });
    await packageManifest(config, join(dir, 'app.zip'));
    const zip = await JSZip.loadAsync(readFileSync(join(dir, 'app.zip')));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(appId);
    expect(manifest.validDomains).toEqual(['calbot.contoso.com']);
    expect(manifest.developer.websiteUrl).toBe('https://calbot.contoso.com');
    rmSync(dir, { recursive: true, force: true });
  });
});
