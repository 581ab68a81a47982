// A line diff (longest common subsequence) rendered as unified-diff hunks, for policy documents.

type Op = { tag: ' ' | '-' | '+'; line: string };

function lcsOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // policies are small; past this size fall back to "all removed, all added" rather than spend quadratic memory
  if (n * m > 4_000_000) return [...a.map((line) => ({ tag: '-' as const, line })), ...b.map((line) => ({ tag: '+' as const, line }))];
  const dp: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ tag: ' ', line: a[i]! });
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) ops.push({ tag: '-', line: a[i++]! });
    else ops.push({ tag: '+', line: b[j++]! });
  }
  while (i < n) ops.push({ tag: '-', line: a[i++]! });
  while (j < m) ops.push({ tag: '+', line: b[j++]! });
  return ops;
}

/** Unified diff lines (`@@ -a,b +c,d @@`, then ` `/`-`/`+` lines) with `context` lines around each change. */
export function unifiedDiff(before: string, after: string, context = 3): string[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const ops = lcsOps(a, b);
  const out: string[] = [];
  const changed = ops.map((o) => o.tag !== ' ');
  let k = 0;
  while (k < ops.length) {
    if (!changed[k]) {
      k++;
      continue;
    }
    let start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while changes are within 2×context of each other
    for (;;) {
      while (end < ops.length && changed[end]) end++;
      let next = end;
      while (next < ops.length && !changed[next] && next - end < 2 * context) next++;
      if (next < ops.length && changed[next]) end = next;
      else break;
    }
    end = Math.min(ops.length, end + context);
    let aLine = 1;
    let bLine = 1;
    for (let x = 0; x < start; x++) {
      if (ops[x]!.tag !== '+') aLine++;
      if (ops[x]!.tag !== '-') bLine++;
    }
    const hunk = ops.slice(start, end);
    const aCount = hunk.filter((o) => o.tag !== '+').length;
    const bCount = hunk.filter((o) => o.tag !== '-').length;
    out.push(`@@ -${aLine},${aCount} +${bLine},${bCount} @@`);
    for (const o of hunk) out.push(`${o.tag}${o.line}`);
    k = end;
    start = end;
  }
  return out;
}
