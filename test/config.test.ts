import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'dotenv';
import { loadConfig, ConfigError, configWarnings } from '../src/config.js';
import { createAdapter } from '../src/chat/adapter.js';
import { createLogger } from '../src/log.js';
import { MICROSOFT_SCOPES } from '../src/auth/msal-app.js';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const TENANT = '99999999-8888-7777-6666-555555555555';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.redirectUri).toBe('http://localhost:3978/microsoft_account/authentication');
    expect(config.mongodbUri).toBeUndefined();
    expect(config.microsoft.tenantId).toBe('common');
    expect(config.microsoft.graphUrl).toBe('https://graph.microsoft.com/v1.0');
    expect(config.sync.intervalMs).toBe(5 * 60_000);
    expect(config.sync.windowPastDays).toBe(7);
    expect(config.sync.windowFutureDays).toBe(180);
    expect(config.logLevel).toBe('info');
    expect(config.bot.appId).toBe('');
    // The Bot Framework's public cloud, as botbuilder's own defaults.
    expect(config.bot).toMatchObject({
      loginUrl: 'https://login.microsoftonline.com/botframework.com',
      oAuthScope: 'https://api.botframework.com',
      openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
      tokenIssuer: 'https://api.botframework.com',
      emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    });
    // Docker kills 10 s after SIGTERM: stopping takes at most 8.
    expect(config.shutdownGraceMs).toBe(8_000);
  });

  it('listens on loopback without an app ID (nothing authenticates /api/messages then), everywhere with one, or on HOST', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'x' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x' }).host).toBe('::');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HOST: 'my host; rm -rf' }, 'HOST'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ MICROSOFT_AUTHORITY_HOST: 'http://login.example' }, 'MICROSOFT_AUTHORITY_HOST'],
    [{ MICROSOFT_AUTHORITY_HOST: 'https://login.microsoftonline.us/contoso.onmicrosoft.us' }, 'MICROSOFT_AUTHORITY_HOST'],
    [{ MICROSOFT_GRAPH_URL: 'https://graph.example/beta' }, 'MICROSOFT_GRAPH_URL'],
    [{ ToChannelFromBotLoginUrl: 'http://login.example/botframework.com' }, 'ToChannelFromBotLoginUrl'],
    [{ ToBotFromChannelOpenIdMetadataUrl: 'login.botframework.example' }, 'ToBotFromChannelOpenIdMetadataUrl'],
    [{ ToBotFromEmulatorOpenIdMetadataUrl: 'http://login.example/common/v2.0/.well-known/openid-configuration' }, 'ToBotFromEmulatorOpenIdMetadataUrl'],
    [{ SYNC_INTERVAL: 'often' }, 'SYNC_INTERVAL'],
    [{ SYNC_INTERVAL: '1s' }, 'SYNC_INTERVAL'],
    [{ SYNC_WINDOW_FUTURE_DAYS: '-3' }, 'SYNC_WINDOW_FUTURE_DAYS'],
    [{ TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=' }, 'TOKEN_ENCRYPTION_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SHUTDOWN_GRACE_MS: '8s' }, 'SHUTDOWN_GRACE_MS'],
    [{ SHUTDOWN_GRACE_MS: '500' }, 'SHUTDOWN_GRACE_MS'],
    [{ MicrosoftAppType: 'Personal' }, 'MicrosoftAppType'],
    [{ MONGODB_URI: 'mongodb://db.example/calbot' }, 'TOKEN_ENCRYPTION_KEY'],
    [{ MicrosoftAppId: '00000000-0000-0000-0000-000000000001' }, 'MicrosoftAppPassword'],
    [{ PUBLIC_URL: 'https://calbot.contoso.com/?tenant=x' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://calbot.contoso.com/#top' }, 'PUBLIC_URL'],
    [{ MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppId'],
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p' }, 'MicrosoftAppTenantId'],
    [{ MicrosoftAppType: 'UserAssignedMSI' }, 'MicrosoftAppId'],
    [{ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: APP_ID }, 'MicrosoftAppTenantId'],
    // A managed identity has no secret: one set means the app type or the secret is a mistake.
    [{ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT, MicrosoftAppPassword: 'p' }, 'MicrosoftAppPassword'],
    // Each of these started and failed only at the first sign-in or chat message, with an AADSTS code or a 401.
    [{ PUBLIC_URL: 'http://calbot.contoso.com' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://calbot.contoso.com/api/messages' }, 'PUBLIC_URL'],
    [{ PUBLIC_URL: 'https://calbot.contoso.com/microsoft_account/authentication/' }, 'PUBLIC_URL'],
    [{ MICROSOFT_CLIENT_ID: 'calbot' }, 'MICROSOFT_CLIENT_ID'],
    [{ MICROSOFT_CLIENT_SECRET: '"Abc8Q~secret.value_from-the-portal"' }, 'MICROSOFT_CLIENT_SECRET'],
    [{ MICROSOFT_CLIENT_SECRET: '\u201cAbc8Q~secret.value_from-the-portal\u201d' }, 'MICROSOFT_CLIENT_SECRET'],
    [{ MICROSOFT_CLIENT_SECRET: TENANT }, 'MICROSOFT_CLIENT_SECRET'],
    [{ MICROSOFT_TENANT_ID: 'https://login.microsoftonline.com/contoso.onmicrosoft.com' }, 'MICROSOFT_TENANT_ID'],
    [{ MICROSOFT_TENANT_ID: 'login.microsoftonline.com/contoso.onmicrosoft.com/v2.0' }, 'MICROSOFT_TENANT_ID'],
    [{ MicrosoftAppId: 'calbot-bot', MicrosoftAppPassword: 'p' }, 'MicrosoftAppId'],
    // Half an app registration ran as none: "outlook: not configured".
    [{ MICROSOFT_CLIENT_ID: APP_ID }, 'MICROSOFT_CLIENT_SECRET'],
    [{ MICROSOFT_CLIENT_SECRET: 'Abc8Q~secret' }, 'MICROSOFT_CLIENT_ID'],
    [{ MicrosoftAppId: APP_ID, MicrosoftAppPassword: "'Abc8Q~secret'" }, 'MicrosoftAppPassword'],
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 'common' }, 'MicrosoftAppTenantId'],
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p', MicrosoftAppTenantId: `https://login.microsoftonline.com/${TENANT}` }, 'MicrosoftAppTenantId'],
    // The driver's own "Invalid connection string" came after the database and jobs had started, naming nothing.
    [{ MONGODB_URI: 'mongodb://calbot:p@ss@db.example/calbot', TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }, 'MONGODB_URI'],
    [{ MONGODB_URI: 'mongodb://db.example/calbot?maxPoolSize=many', TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }, 'MONGODB_URI'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^${variable}: expected|^${variable}: required`));
    }
  });

  it('takes "common" as a multi-tenant bot\'s tenant, which botbuilder does not read, and as the sign-in\'s', () => {
    const config = loadConfig({ MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'Abc8Q~secret', MicrosoftAppTenantId: 'common', MICROSOFT_TENANT_ID: 'organizations' });
    expect(config.microsoft.tenantId).toBe('organizations');
    expect(() => loadConfig({ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: APP_ID, MicrosoftAppTenantId: 'Organizations' })).toThrow("MicrosoftAppTenantId: expected the bot's own tenant ID: a UserAssignedMSI bot belongs to one tenant");
  });

  it('defaults PUBLIC_URL to localhost on PORT', () => {
    expect(loadConfig({ PORT: '3999' }).redirectUri).toBe('http://localhost:3999/microsoft_account/authentication');
  });

  it('.env.example, copied to .env as the README says, is the defaults and names every variable of the README', () => {
    const example = parse(readFileSync('.env.example', 'utf8'));
    expect(loadConfig(example)).toEqual(loadConfig({}));
    // It pinned PUBLIC_URL to port 3978, so that PORT=3999 sent Microsoft's redirect to a port nothing listened on.
    expect(loadConfig({ ...example, PORT: '3999' }).redirectUri).toBe('http://localhost:3999/microsoft_account/authentication');
    const configuration = /^## Configuration$([\s\S]*?)^## /m.exec(readFileSync('README.md', 'utf8'))![1]!;
    const documented = [...configuration.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
    const listed = [...readFileSync('.env.example', 'utf8').matchAll(/^#? ?(\w+)=/gm)].map((m) => m[1]);
    expect(documented.length).toBeGreaterThan(20);
    expect(new Set(listed)).toEqual(new Set(documented));
    // Every variable loadConfig reads is in the table, and nothing in the table goes unread.
    const read = new Set<string>();
    loadConfig(new Proxy({}, { get: (_target, name) => void (typeof name === 'string' && read.add(name)) }));
    expect(read).toEqual(new Set(documented));
    // The table's default is the one .env.example sets (which is loadConfig's, above).
    const defaults = [...configuration.matchAll(/^\| `(\w+)` \| `([^`]*)` \|/gm)];
    expect(defaults.length).toBeGreaterThan(15);
    // (Those .env.example gives a value: most of them, not none because the file failed to parse.)
    const compared = defaults.filter(([, name]) => example[name!]);
    expect(compared.length).toBeGreaterThan(15);
    for (const [, name, fallback] of compared) expect([name, example[name!]]).toEqual([name, fallback]);
  });

  it("the README's app registration grants what sign-in asks for, and no more", () => {
    const registering = /^## Registering with Microsoft$([\s\S]*?)^### The bot/m.exec(readFileSync('README.md', 'utf8'))![1]!;
    const step = /^4\. \*\*API permissions[\s\S]*?(?=^\s*Grant admin consent)/m.exec(registering)![0];
    const granted = [...step.matchAll(/`([\w.]+)`/g)].map((m) => m[1]);
    // MSAL adds openid and profile to every authorization request (its OIDC default scopes), offline_access too.
    expect(new Set(granted)).toEqual(new Set(['openid', 'profile', ...MICROSOFT_SCOPES]));
  });

  it('trims what a paste from the portal surrounds with spaces', () => {
    const config = loadConfig({
      PUBLIC_URL: ' https://calbot.contoso.com/ ',
      MICROSOFT_CLIENT_ID: ` ${APP_ID} `,
      MICROSOFT_CLIENT_SECRET: ' Abc8Q~secret ',
      MICROSOFT_TENANT_ID: ' contoso.onmicrosoft.com ',
      MicrosoftAppId: ` ${APP_ID}\t`,
      MicrosoftAppPassword: ' Bot8Q~secret\n',
      TOKEN_ENCRYPTION_KEY: ` ${Buffer.alloc(32, 7).toString('base64')}\n`,
    });
    expect(config.tokenEncryptionKey).toEqual(Buffer.alloc(32, 7));
    expect(config.redirectUri).toBe('https://calbot.contoso.com/microsoft_account/authentication');
    expect(config.microsoft).toMatchObject({ clientId: APP_ID, clientSecret: 'Abc8Q~secret', tenantId: 'contoso.onmicrosoft.com' });
    expect(config.bot).toMatchObject({ appId: APP_ID, appPassword: 'Bot8Q~secret' });
  });

  it('warns at start-up when sign-ins of a registered bot would come back to localhost', () => {
    const registered = { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p', MICROSOFT_CLIENT_ID: APP_ID, MICROSOFT_CLIENT_SECRET: 's' };
    expect(configWarnings(loadConfig(registered))).toEqual([
      'PUBLIC_URL is http://localhost:3978: sign-ins come back to http://localhost:3978/microsoft_account/authentication, which only a browser on this machine reaches; set PUBLIC_URL to the https URL calbot is reached at',
    ]);
    expect(configWarnings(loadConfig({ ...registered, PUBLIC_URL: 'http://127.0.0.1:3978' }))).toHaveLength(1);
    expect(configWarnings(loadConfig({ ...registered, PUBLIC_URL: 'https://calbot.contoso.com' }))).toEqual([]);
    // Local mode (the Emulator) signs in on this machine.
    expect(configWarnings(loadConfig({ MICROSOFT_CLIENT_ID: APP_ID, MICROSOFT_CLIENT_SECRET: 's' }))).toEqual([]);
  });

  it('warns at start-up when local mode (no MicrosoftAppId: nothing authenticates /api/messages) listens beyond loopback', () => {
    expect(configWarnings(loadConfig({ HOST: '0.0.0.0', PORT: '4000' }))).toEqual([
      "HOST is 0.0.0.0 and MicrosoftAppId is not set: /api/messages takes unauthenticated messages from anyone who reaches port 4000, who can then read any connected user's calendar; set MicrosoftAppId, or keep calbot behind your own access control",
    ]);
    expect(configWarnings(loadConfig({ HOST: '::' }))).toHaveLength(1);
    expect(configWarnings(loadConfig({ HOST: '10.0.0.5' }))).toHaveLength(1);
    for (const host of [undefined, '127.0.0.1', '127.0.1.1', '::1', 'localhost']) expect(configWarnings(loadConfig(host ? { HOST: host } : {}))).toEqual([]);
    // With an app ID botbuilder checks every message's token: any address is fine.
    expect(configWarnings(loadConfig({ HOST: '0.0.0.0', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p', PUBLIC_URL: 'https://calbot.contoso.com' }))).toEqual([]);
  });

  it('takes http for PUBLIC_URL on localhost only, and a path behind a proxy', () => {
    for (const url of ['http://localhost:3978', 'http://127.0.0.1:3978', 'http://[::1]:3978']) {
      expect(loadConfig({ PUBLIC_URL: url }).redirectUri).toBe(`${url}/microsoft_account/authentication`);
    }
    expect(loadConfig({ PUBLIC_URL: 'https://contoso.com/calbot/' }).redirectUri).toBe('https://contoso.com/calbot/microsoft_account/authentication');
  });

  it('reads MONGODB_URI as the driver does: replica sets, options, mongodb+srv with an encoded password', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    for (const uri of ['mongodb://a.example:27017,b.example:27017/calbot?replicaSet=rs0&maxPoolSize=16', 'mongodb+srv://calbot:p%40ss@cluster0.abcde.mongodb.net/calbot?retryWrites=true&w=majority']) {
      expect(loadConfig({ MONGODB_URI: uri, TOKEN_ENCRYPTION_KEY: key }).mongodbUri).toBe(uri);
    }
  });

  it('a bad secret stops start-up with one line naming the variable, not the secret', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'calbot-config-'));
    const secret = 'Abc8Q~do.not_print-this';
    // As it reaches calbot from a compose file or a portal that kept the quotes. Run in DATA_DIR, so that no .env of
    // the working tree adds to the environment.
    const tsx = pathToFileURL(join(process.cwd(), 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    const result = spawnSync(process.execPath, ['--import', tsx, '--disable-warning=DEP0111', join(process.cwd(), 'src', 'main.ts')], {
      cwd: dataDir,
      env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, MICROSOFT_CLIENT_ID: APP_ID, MICROSOFT_CLIENT_SECRET: `"${secret}"` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual(['calbot: configuration error: MICROSOFT_CLIENT_SECRET: expected the secret\'s value without quotes around it']);
    expect(result.stderr).not.toContain(secret);
  });

  it.each([
    { MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p' },
    { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p', MicrosoftAppTenantId: TENANT },
    { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 'contoso.onmicrosoft.com' },
    { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT },
  ])('what it accepts, the Bot Framework adapter accepts too: %j', (env) => {
    expect(() => createAdapter(loadConfig(env), createLogger('silent'))).not.toThrow();
  });

  it('reads durations, keys and trims trailing slashes', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      SYNC_INTERVAL: '90s',
      SHUTDOWN_GRACE_MS: '25000',
      TOKEN_ENCRYPTION_KEY: key,
      PUBLIC_URL: 'https://bot.example.com/',
      MONGODB_URI: 'mongodb://db.example/calbot',
      MICROSOFT_CLIENT_ID: ' ',
    });
    expect(config.sync.intervalMs).toBe(90_000);
    expect(config.shutdownGraceMs).toBe(25_000);
    expect(config.tokenEncryptionKey?.length).toBe(32);
    expect(config.redirectUri).toBe('https://bot.example.com/microsoft_account/authentication');
    expect(config.microsoft.clientId).toBeUndefined();
  });
});
