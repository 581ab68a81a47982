// Plain HTTPS requests to the emulator, for what the SDK cannot send (bad tokens, bad JSON, wrong api-version).
import https from 'node:https';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export function rawRequest(
  target: { endpoint: string; caCert: string },
  input: { method?: string; path: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<RawResponse> {
  const url = new URL(input.path, target.endpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: input.method ?? 'GET', headers: input.headers, ca: target.caCert, timeout: input.timeoutMs ?? 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (input.body !== undefined) req.write(input.body);
    req.end();
  });
}
