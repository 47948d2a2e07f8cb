import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Azure App Service's managed identity endpoint, as a bot hosted there with a user-assigned identity
 * (MicrosoftAppType=UserAssignedMSI) gets its connector token from: IDENTITY_ENDPOINT and IDENTITY_HEADER in the
 * environment, `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…&client_id=…` with the header in
 * `X-IDENTITY-HEADER` (https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference).
 * Plain HTTP on loopback, as App Service serves it. Errors are shaped as App Service's: `{ statusCode, message }`.
 */
export interface FakeManagedIdentity {
  /** calbot's environment on App Service: IDENTITY_ENDPOINT and IDENTITY_HEADER. */
  environment: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Every request, in order. */
  requests: ManagedIdentityRequest[];
  /** Every token handed out, oldest first. */
  issued: string[];
  /** Client IDs of the identities assigned to the app (set it empty to unassign them). */
  clientIds: Set<string>;
  close(): Promise<void>;
}

export interface ManagedIdentityRequest {
  apiVersion?: string;
  resource?: string;
  clientId?: string;
  /** Whether X-IDENTITY-HEADER was the app's. */
  identityHeader: boolean;
  status: number;
}

export async function startFakeManagedIdentity(options: { clientIds: string[]; tokenLifetimeSeconds?: number }): Promise<FakeManagedIdentity> {
  const identityHeader = randomBytes(16).toString('hex');
  const clientIds = new Set(options.clientIds);
  const requests: ManagedIdentityRequest[] = [];
  const issued: string[] = [];
  const lifetime = options.tokenLifetimeSeconds ?? 86_400;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: ManagedIdentityRequest = {
      apiVersion: url.searchParams.get('api-version') ?? undefined,
      resource: url.searchParams.get('resource') ?? undefined,
      clientId: url.searchParams.get('client_id') ?? undefined,
      identityHeader: req.headers['x-identity-header'] === identityHeader,
      status: 0,
    };
    const answer = (status: number, body: object) => {
      record.status = status;
      requests.push(record);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || url.pathname !== '/msi/token') return answer(404, { statusCode: 404, message: `No route for ${req.method} ${url.pathname}` });
    if (!record.identityHeader) return answer(401, { statusCode: 401, message: 'Unauthorized: missing or invalid X-IDENTITY-HEADER' });
    if (record.apiVersion !== '2019-08-01') return answer(400, { statusCode: 400, message: `Unsupported api-version '${record.apiVersion ?? ''}'` });
    if (!record.resource) return answer(400, { statusCode: 400, message: 'Required query parameter resource is missing' });
    if (!record.clientId || !clientIds.has(record.clientId)) {
      return answer(400, { statusCode: 400, message: 'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.' });
    }
    const token = `msi.${randomBytes(24).toString('base64url')}`;
    issued.push(token);
    return answer(200, {
      access_token: token,
      expires_on: String(Math.floor(Date.now() / 1000) + lifetime),
      resource: record.resource,
      token_type: 'Bearer',
      client_id: record.clientId,
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;

  return {
    environment: { IDENTITY_ENDPOINT: `http://127.0.0.1:${port}/msi/token`, IDENTITY_HEADER: identityHeader },
    requests,
    issued,
    clientIds,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
