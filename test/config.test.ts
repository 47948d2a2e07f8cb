import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { loadConfig, ConfigError } from '../src/config.js';
import { createAdapter } from '../src/chat/adapter.js';
import { createLogger } from '../src/log.js';

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
    expect(loadConfig({ HOST: '::', MicrosoftAppId: 'a', MicrosoftAppPassword: 'x' }).host).toBe('::');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HOST: 'my host; rm -rf' }, 'HOST'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ MICROSOFT_AUTHORITY_HOST: 'http://login.example' }, 'MICROSOFT_AUTHORITY_HOST'],
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
    [{ MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' }, 'MicrosoftAppTenantId'],
    [{ MicrosoftAppType: 'UserAssignedMSI' }, 'MicrosoftAppId'],
    [{ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'a' }, 'MicrosoftAppTenantId'],
    // A managed identity has no secret: one set means the app type or the secret is a mistake.
    [{ MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'a', MicrosoftAppTenantId: 't', MicrosoftAppPassword: 'p' }, 'MicrosoftAppPassword'],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as Error).message).toMatch(new RegExp(`^${variable}: expected|^${variable}: required`));
    }
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
  });

  it.each([
    { MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' },
    { MicrosoftAppType: 'SingleTenant', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p', MicrosoftAppTenantId: 't' },
    { MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppId: 'a', MicrosoftAppTenantId: 't' },
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
