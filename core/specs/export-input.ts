// What every exporter receives.
import type { OperationContract, SourceDocument } from './types.ts';

export interface ExportInput {
  api: { name: string; properties: Record<string, unknown> };
  operations: OperationContract[];
  source?: SourceDocument;
  /**
   * The service's gateway URL (`https://<service>.azure-api.net`). APIM exports the gateway address plus the
   * API path as the server, not the backend `serviceUrl` (the APIOps samples show `servers:
   * https://example.azure-api.net/basic-api` next to a `serviceUrl` of httpbin.org); without it the
   * backend URL is used.
   */
  gatewayUrl?: string;
}

export function apiServerUrl(input: ExportInput): string | undefined {
  const props = input.api.properties;
  if (input.gatewayUrl) {
    const path = typeof props.path === 'string' ? props.path.replace(/^\/+|\/+$/g, '') : '';
    const base = input.gatewayUrl.replace(/\/+$/, '');
    return path === '' ? base : `${base}/${path}`;
  }
  return typeof props.serviceUrl === 'string' && props.serviceUrl !== '' ? props.serviceUrl : undefined;
}
