/** `items[index]`, for indexes the code just built: a missing one is a bug in the suite. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} (of ${items.length})`);
  return item;
}
