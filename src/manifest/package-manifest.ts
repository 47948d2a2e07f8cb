import 'dotenv/config';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { ConfigError, loadManifestConfig, type ManifestConfig } from '../config.js';
import type { PolicyPath } from './policy-pages.js';

/** The Teams app package: manifest.json plus the two icons, with the bot's app ID and domain filled in. */
export const MANIFEST_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'manifest');

export interface TeamsManifest {
  id: string;
  bots: { botId: string }[];
  validDomains: string[];
  developer: { websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  [key: string]: unknown;
}

const PRIVACY_PATH: PolicyPath = '/privacy';
const TERMS_PATH: PolicyPath = '/terms';

/**
 * calbot's own version (package.json) is the package's: Teams updates an app already uploaded to the org's catalog
 * only from a package with a higher version, so a release that bumps calbot's version ships a package Teams takes.
 */
export const CALBOT_VERSION: string = (JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')) as { version: string }).version;

export function buildManifest(template: TeamsManifest, config: ManifestConfig): TeamsManifest {
  const appId = config.bot.appId;
  // PUBLIC_URL with its path: behind a proxy at /calbot the pages are at /calbot/privacy.
  const base = config.publicUrl.href.replace(/\/+$/, '');
  // validDomains takes host names (with port when not the default), no scheme.
  const domain = config.publicUrl.host;
  return {
    ...template,
    version: CALBOT_VERSION,
    id: appId,
    bots: template.bots.map((bot) => ({ ...bot, botId: appId })),
    developer: { ...template.developer, websiteUrl: base, privacyUrl: `${base}${PRIVACY_PATH}`, termsOfUseUrl: `${base}${TERMS_PATH}` },
    validDomains: [...new Set([domain, ...template.validDomains.filter((d) => d !== 'localhost')])],
  };
}

export async function packageManifest(config: ManifestConfig, outFile: string): Promise<TeamsManifest> {
  const template = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8')) as TeamsManifest;
  const manifest = buildManifest(template, config);
  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2));
  zip.file('color.png', readFileSync(join(MANIFEST_DIR, 'color.png')));
  zip.file('outline.png', readFileSync(join(MANIFEST_DIR, 'outline.png')));
  writeFileSync(outFile, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return manifest;
}

// npm run manifest [-- out.zip]
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let config: ManifestConfig;
  try {
    config = loadManifestConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`calbot: configuration error: ${error.message}`);
    process.exit(2);
  }
  const outFile = process.argv[2] ? resolve(process.argv[2]) : join(MANIFEST_DIR, 'calbot-teams-app.zip');
  const manifest = await packageManifest(config, outFile);
  console.log(`Wrote ${outFile} (app ID ${manifest.id}, domain ${manifest.validDomains.join(', ')})`);
}
