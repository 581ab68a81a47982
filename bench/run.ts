// `npm run bench`: every benchmark prints its figures and ratios; nothing here asserts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchEmulator } from './emulator.ts';

const only = process.argv[2];
const benches: Array<[string, () => Promise<void>]> = [['emulator', benchEmulator]];

// benchmarks of parts that other modules provide, loaded when present
const optional: Array<[string, string, string]> = [
  ['artifacts', './artifacts.ts', 'benchArtifacts'],
  ['publish', './publish.ts', 'benchPublish'],
  ['extract', './extract.ts', 'benchExtract'],
];
for (const [name, file, fn] of optional) {
  if (existsSync(fileURLToPath(new URL(file, import.meta.url)))) {
    const mod = (await import(file)) as Record<string, () => Promise<void>>;
    const run = mod[fn];
    if (run) benches.push([name, run]);
  }
}

for (const [name, run] of benches) {
  if (only && only !== name) continue;
  console.log(`\n## ${name}`);
  await run();
}
