// A pure function of a text, remembered per distinct text up to a bound (the oldest forgotten first): the same
// policies are parsed for validation, for every target's diff and for every target's dependency graph.
export function rememberedPerText<T>(compute: (text: string) => T, max = 20_000): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    let found = seen.get(text);
    if (found === undefined) {
      found = compute(text);
      if (seen.size >= max) seen.delete(seen.keys().next().value!);
      seen.set(text, found);
    }
    return found;
  };
}
