// Runs one async step per item with at most `limit` in flight: controllers
// deleting many objects let the store's group commit batch the writes
// instead of paying one commit per object in turn.

export async function forEachLimited<T>(items: readonly T[], limit: number, step: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await step(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
