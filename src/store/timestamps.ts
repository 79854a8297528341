/** RFC 3339 with seconds precision, as metav1.Time serializes: 2026-11-23T14:45:44Z. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
