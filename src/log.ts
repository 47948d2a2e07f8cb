import { pino, type Logger } from 'pino';

export type { Logger };

/** Anything that could carry a secret is censored wherever it appears in a log line. */
const REDACT = [
  'password', 'secret', 'token', 'accessToken', 'refreshToken', 'idToken', 'code', 'codeVerifier', 'state', 'authorization',
  '*.password', '*.secret', '*.token', '*.accessToken', '*.refreshToken', '*.idToken', '*.code', '*.codeVerifier', '*.clientSecret',
  '*.authorization', '*.Authorization', '*.headers.authorization', '*.headers.Authorization', 'req.headers.authorization',
  'req.headers.cookie', '*.appPassword', '*.tokenEncryptionKey', '*.tokenEncryptionKeysPrevious', '*.deltaLink', '*.nextLink',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { app: 'calbot' }, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
}
