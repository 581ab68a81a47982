// `npm run build:actions`: bundles each action's entry into one ESM file that node24 runs as it is (the runner
// runs plain JavaScript and cannot load the TypeScript sources), next to its action.yml, with the JSON Schemas the
// configuration loaders read at run time (relative to the module, schemas/index.ts) copied beside it. dist/ is not
// kept on the main branch: a release branch commits it.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BuiltAction {
  /** absolute path of the bundle */
  file: string;
  warnings: string[];
}

/** The actions of this repository: entry (relative to the root) → default bundle. */
export const ACTIONS = {
  extractor: { entry: 'extractor/action/main.ts', outfile: 'extractor/dist/extractor.js' },
  publisher: { entry: 'publisher/action/main.ts', outfile: 'publisher/dist/publisher.js' },
} as const;

export async function buildAction(name: keyof typeof ACTIONS, options: { outfile?: string } = {}): Promise<BuiltAction> {
  const action = ACTIONS[name];
  const outfile = resolve(options.outfile ?? join(ROOT, action.outfile));
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, action.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify: false,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    // CommonJS dependencies call require() for Node's own modules, which an ESM bundle has no binding for
    banner: { js: "import { createRequire as __apiopsCreateRequire } from 'node:module'; const require = __apiopsCreateRequire(import.meta.url);" },
  });
  const schemas = join(ROOT, 'schemas');
  await mkdir(dirname(outfile), { recursive: true });
  for (const file of await readdir(schemas)) if (file.endsWith('.schema.json')) await copyFile(join(schemas, file), join(dirname(outfile), file));
  return { file: outfile, warnings: result.warnings.map((w) => w.text) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const name of Object.keys(ACTIONS) as Array<keyof typeof ACTIONS>) {
    const built = await buildAction(name);
    for (const w of built.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${built.file}\n`);
  }
}
