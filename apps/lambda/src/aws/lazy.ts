/**
 * A port whose adapter needs something asynchronous first (a secret): built on first use, shared
 * by concurrent first callers, built again after a failure (the next invocation retries instead
 * of the execution environment staying broken).
 */
export function lazy<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const attempt = build();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
