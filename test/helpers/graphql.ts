import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  body: { data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** POSTs one GraphQL operation with a bearer token. */
export async function graphqlRequest<T = Record<string, unknown>>(url: string, token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as GraphqlResponse<T>['body'] };
}

/** A graphql-ws client (graphql-transport-ws protocol) authenticated through connectionParams. */
export function graphqlWsClient(url: string, token: string, onClosed?: (code: number, reason: string) => void): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => onClosed?.((event as { code: number }).code, String((event as { reason?: unknown }).reason ?? '')) },
  });
}

/** Runs one operation over the socket and collects its results. */
export function wsExecute<T>(client: Client, query: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const results: T[] = [];
    client.subscribe<T>({ query }, { next: (value) => results.push(value as T), error: reject, complete: () => resolve(results) });
  });
}
