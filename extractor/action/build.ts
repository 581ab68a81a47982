// `npm run build:actions`: bundles the action's entry into one ESM file that node24 runs as it is (the runner runs
// plain JavaScript and cannot load the TypeScript sources), next to action.yml: extractor/dist/extractor.js. The
// JSON Schemas the configuration loaders read at run time (relative to the module, schemas/index.ts) are copied
// beside the bundle. dist/ is not kept on the main branch: a release branch commits it.
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

export async function buildExtractorAction(options: { outfile?: string } = {}): Promise<BuiltAction> {
  const outfile = resolve(options.outfile ?? join(ROOT, 'extractor', 'dist', 'extractor.js'));
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [join(ROOT, 'extractor', 'action', 'main.ts')],
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
  const built = await buildExtractorAction();
  for (const w of built.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stdout.write(`${built.file}\n`);
}
