// A synthetic estate of N APIs × M operations with policies at every scope, written as an APIOps v7 folder:
// the load for the publisher's tests and benchmarks.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface SyntheticEstate {
  apis: number;
  operations: number;
  /** products, each linked to a share of the APIs */
  products?: number;
  namedValues?: number;
}

const POLICY = (inbound: string) =>
  `<policies>\n\t<inbound>\n\t\t<base />\n${inbound}\t</inbound>\n\t<backend>\n\t\t<base />\n\t</backend>\n\t<outbound>\n\t\t<base />\n\t</outbound>\n\t<on-error>\n\t\t<base />\n\t</on-error>\n</policies>\n`;
const INFO = (properties: Record<string, unknown>) => `${JSON.stringify({ properties }, null, 2)}\n`;

function specification(api: number, operations: number): string {
  const paths = Array.from({ length: operations }, (_, op) =>
    [`  /items-${op}/{id}:`, '    get:', `      operationId: op-${op}`, `      summary: Operation ${op}`, '      parameters:', '        - name: id', '          in: path', '          required: true', '          schema:', '            type: string', '      responses:', "        '200':", '          description: OK'].join('\n'),
  );
  return `openapi: 3.0.1\ninfo:\n  title: API ${api}\n  version: '1.0'\nservers:\n  - url: https://backend-${api}.example.com\npaths:\n${paths.join('\n')}\n`;
}

/** Files of the estate, relative to the artifacts root. */
export function* syntheticFiles(estate: SyntheticEstate): Generator<[string, string]> {
  const namedValues = estate.namedValues ?? 5;
  const products = estate.products ?? 3;
  for (let i = 0; i < namedValues; i++) yield [`named values/setting-${i}/namedValueInformation.json`, INFO({ displayName: `setting-${i}`, secret: false, tags: [], value: `value-${i}` })];
  yield ['policy.xml', POLICY(`\t\t<set-header name="x-platform" exists-action="override">\n\t\t\t<value>{{setting-0}}</value>\n\t\t</set-header>\n`)];
  for (let p = 0; p < products; p++) {
    yield [`products/product-${p}/productInformation.json`, INFO({ displayName: `Product ${p}`, state: 'published', subscriptionRequired: true })];
    yield [`products/product-${p}/policy.xml`, POLICY(`\t\t<rate-limit calls="${100 + p}" renewal-period="60" />\n`)];
  }
  for (let a = 0; a < estate.apis; a++) {
    const name = `api-${a}`;
    yield [`apis/${name}/apiInformation.json`, INFO({ displayName: `API ${a}`, path: `api-${a}`, protocols: ['https'], subscriptionRequired: true })];
    yield [`apis/${name}/specification.yaml`, specification(a, estate.operations)];
    yield [`apis/${name}/policy.xml`, POLICY(`\t\t<set-header name="x-api" exists-action="override">\n\t\t\t<value>${a}</value>\n\t\t</set-header>\n`)];
    for (let o = 0; o < estate.operations; o++) {
      yield [`apis/${name}/operations/op-${o}/policy.xml`, POLICY(`\t\t<set-header name="x-operation" exists-action="override">\n\t\t\t<value>${o}</value>\n\t\t</set-header>\n`)];
    }
    if (products > 0) yield [`products/product-${a % products}/apis/${name}/productApiInformation.json`, '{}\n'];
  }
}

export async function writeSyntheticEstate(root: string, estate: SyntheticEstate): Promise<number> {
  let count = 0;
  for (const [path, content] of syntheticFiles(estate)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
    count++;
  }
  return count;
}
