// Event names as client-go's recorder makes them: the object's name, a dot
// and the time in nanoseconds as hex. Names sort in time order, and kubectl
// describe lists events of the same second in name order, so this keeps the
// story in the order it happened. Within one process the nanoseconds only
// ever grow, so two events in one millisecond still get distinct names.

let lastNanos = 0n;

export function eventName(objectName: string, nowMs: number = Date.now()): string {
  let nanos = BigInt(Math.floor(nowMs)) * 1_000_000n;
  if (nanos <= lastNanos) nanos = lastNanos + 1n;
  lastNanos = nanos;
  return `${objectName}.${nanos.toString(16)}`;
}
