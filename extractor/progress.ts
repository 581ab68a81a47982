// Progress of a long extract on stderr: every few seconds one line with what was listed and read per kind, and at
// the end a table of listed / read / written per kind. Long runs must show they are alive (APIOps #528, #254: hangs
// with no output); short ones print the table only.
import { KIND_NAMES, type Kind, kindSpec } from '../core/kinds.ts';
import type { ReadProgress } from '../core/live/read.ts';

export interface Progress {
  onProgress(e: ReadProgress): void;
  /** prints the per-kind table; `written` counts files added or changed per kind */
  finish(written: Partial<Record<Kind, number>>): void;
  stop(): void;
}

export function createProgress(log: (line: string) => void, options: { intervalMs?: number } = {}): Progress {
  const seen = new Map<Kind, ReadProgress>();
  let dirty = false;
  const line = (): string =>
    KIND_NAMES.flatMap((k) => {
      const p = seen.get(k);
      return p ? [`${kindSpec(k).title} ${p.read}/${p.listed}`] : [];
    }).join(', ');
  const timer = setInterval(() => {
    if (!dirty) return;
    dirty = false;
    log(`reading: ${line()} (read/listed)`);
  }, options.intervalMs ?? 3000);
  timer.unref();
  return {
    onProgress(e) {
      seen.set(e.kind, e);
      dirty = true;
    },
    finish(written) {
      clearInterval(timer);
      const kinds = KIND_NAMES.filter((k) => seen.has(k) || (written[k] ?? 0) > 0);
      if (kinds.length === 0) return;
      const width = Math.max(...kinds.map((k) => kindSpec(k).title.length), 4);
      log(`${'kind'.padEnd(width)}  ${'listed'.padStart(7)} ${'read'.padStart(7)} ${'written'.padStart(7)}`);
      for (const k of kinds) {
        const p = seen.get(k);
        log(`${kindSpec(k).title.padEnd(width)}  ${String(p?.listed ?? 0).padStart(7)} ${String(p?.read ?? 0).padStart(7)} ${String(written[k] ?? 0).padStart(7)}`);
      }
    },
    stop() {
      clearInterval(timer);
    },
  };
}
