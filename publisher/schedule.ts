// Runs a dependency graph of tasks with a bound on how many run at once. A task starts when everything it
// depends on has succeeded; among the tasks that could start, the one with the longest chain of work behind it
// goes first (critical path first), so the last seconds are not spent waiting on one API's ten policies while
// the other slots sit idle. After a failure nothing new starts: what is running finishes, the rest is reported
// as not started (a region that is down is not sent a thousand more doomed requests).

export interface GraphOptions {
  /** for each task, the tasks it waits for (indexes) */
  dependsOn: readonly (readonly number[])[];
  /** tasks running at once */
  concurrency: number;
  /** runs one task; false (or a throw) is a failure */
  run: (task: number) => Promise<boolean>;
}

export interface GraphResult {
  /** tasks that were never started (after a failure) */
  notStarted: number[];
}

/** A binary max-heap of task indexes by priority, earlier index first among equals. */
class ReadyQueue {
  readonly #heap: number[] = [];
  readonly #priority: readonly number[];

  constructor(priority: readonly number[]) {
    this.#priority = priority;
  }

  get size(): number {
    return this.#heap.length;
  }

  #before(a: number, b: number): boolean {
    const pa = this.#priority[a]!;
    const pb = this.#priority[b]!;
    return pa !== pb ? pa > pb : a < b;
  }

  push(task: number): void {
    const heap = this.#heap;
    heap.push(task);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): number | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let best = i;
        if (left < heap.length && this.#before(heap[left]!, heap[best]!)) best = left;
        if (right < heap.length && this.#before(heap[right]!, heap[best]!)) best = right;
        if (best === i) break;
        [heap[i], heap[best]] = [heap[best]!, heap[i]!];
        i = best;
      }
    }
    return top;
  }
}

/** Longest chain of tasks from each task to the end of the graph (the task itself included). */
export function criticalPathLengths(dependsOn: readonly (readonly number[])[]): number[] {
  const dependents = invert(dependsOn);
  const length = new Array<number>(dependsOn.length).fill(0);
  // in reverse topological order every dependent is measured before what it depends on
  for (const task of topologicalOrder(dependsOn, dependents).reverse()) {
    let longest = 0;
    for (const d of dependents[task]!) longest = Math.max(longest, length[d]!);
    length[task] = 1 + longest;
  }
  return length;
}

function invert(dependsOn: readonly (readonly number[])[]): number[][] {
  const dependents = dependsOn.map((): number[] => []);
  dependsOn.forEach((deps, task) => {
    for (const d of deps) dependents[d]!.push(task);
  });
  return dependents;
}

/** Kahn's order; a cycle (fragments that include each other) can never run and is refused, naming its tasks. */
function topologicalOrder(dependsOn: readonly (readonly number[])[], dependents: readonly (readonly number[])[]): number[] {
  const waiting = dependsOn.map((deps) => deps.length);
  const order: number[] = [];
  for (let task = 0; task < dependsOn.length; task++) if (waiting[task] === 0) order.push(task);
  for (let i = 0; i < order.length; i++) for (const d of dependents[order[i]!]!) if (--waiting[d]! === 0) order.push(d);
  if (order.length < dependsOn.length) {
    const stuck = waiting.flatMap((w, task) => (w > 0 ? [task] : []));
    throw new GraphCycleError(stuck);
  }
  return order;
}

export class GraphCycleError extends Error {
  constructor(readonly tasks: number[]) {
    super(`dependency graph: tasks ${tasks.join(', ')} wait for each other`);
    this.name = 'GraphCycleError';
  }
}

export async function runGraph(options: GraphOptions): Promise<GraphResult> {
  const count = options.dependsOn.length;
  const dependents = invert(options.dependsOn);
  const waiting = options.dependsOn.map((deps) => deps.length);
  const ready = new ReadyQueue(criticalPathLengths(options.dependsOn));
  const started = new Array<boolean>(count).fill(false);
  for (let task = 0; task < count; task++) if (waiting[task] === 0) ready.push(task);
  let running = 0;
  let failed = false;

  await new Promise<void>((resolve) => {
    const settle = (task: number, ok: boolean) => {
      running--;
      if (!ok) failed = true;
      else {
        for (const d of dependents[task]!) if (--waiting[d]! === 0) ready.push(d);
      }
      fill();
    };
    const fill = () => {
      while (!failed && running < options.concurrency && ready.size > 0) {
        const task = ready.pop()!;
        started[task] = true;
        running++;
        options.run(task).then(
          (ok) => settle(task, ok),
          () => settle(task, false),
        );
      }
      // (a cycle was refused before anything started, so an idle runner with tasks left has seen a failure)
      if (running === 0) resolve();
    };
    fill();
  });
  return { notStarted: started.flatMap((s, task) => (s ? [] : [task])) };
}
