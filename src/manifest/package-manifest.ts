import 'dotenv/config';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { loadConfig, type Config } from '../config.js';

/** The Teams app package: manifest.json plus the two icons, with the bot's app ID and domain filled in. */
export const MANIFEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'manifest');

export interface TeamsManifest {
  id: string;
  bots: { botId: string }[];
  validDomains: string[];
  developer: { websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  [key: string]: unknown;
}

export function buildManifest(template: TeamsManifest, config: Pick<Config, 'bot' | 'publicUrl'>): TeamsManifest {
  const appId = config.bot.appId || '00000000-0000-0000-0000-000000000000';
  const origin = config.publicUrl.origin;
  // validDomains takes host names (with port when not the default), no scheme.
  const domain = config.publicUrl.host;
  return {
    ...template,
    id: appId,
    bots: template.bots.map((bot) => ({ ...bot, botId: appId })),
    developer: { ...template.developer, websiteUrl: origin, privacyUrl: `${origin}/privacy`, termsOfUseUrl: `${origin}/terms` },
    validDomains: [...new Set([domain, ...template.validDomains.filter((d) => d !== 'localhost')])],
  };
}

export async function packageManifest(config: Config, outFile: string): Promise<TeamsManifest> {
  const template = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8')) as TeamsManifest;
  const manifest = buildManifest(template, config);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  zip.file('color.png', readFileSync(join(MANIFEST_DIR, 'color.png')));
  zip.file('outline.png', readFileSync(join(MANIFEST_DIR, 'outline.png')));
  writeFileSync(outFile, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const config = loadConfig(process.env);
  const outFile = join(MANIFEST_DIR, 'calbot-teams-app.zip');
  const manifest = await packageManifest(config, outFile);
  if (!config.bot.appId) console.warn('MicrosoftAppId is not set: the package carries a placeholder app ID.');
  console.log(`Wrote ${outFile} (app ID ${manifest.id}, domain ${manifest.validDomains.join(', ')})`);
}
