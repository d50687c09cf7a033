import { useCallback, useEffect, useRef } from 'react';

/**
 * Runs `fn` now and then `intervalMs` after each run finishes (never two at once) while `enabled`.
 * Returns `kick()`, which runs it again at once. `fn` handles its own errors.
 */
export function usePoll(fn: () => Promise<void>, intervalMs: number, enabled = true): () => void {
  const fnRef = useRef(fn);
  useEffect(() => {
    fnRef.current = fn;
  });
  const kickRef = useRef<() => void>(() => {});
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let running = false;
    let again = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      clearTimeout(timer);
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await fnRef.current();
      } catch {
        // fn reports its own errors
      } finally {
        running = false;
        if (!stopped) {
          if (again) {
            again = false;
            void tick();
          } else {
            timer = setTimeout(tick, intervalMs);
          }
        }
      }
    };
    kickRef.current = () => void tick();
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      kickRef.current = () => {};
    };
  }, [intervalMs, enabled]);
  return useCallback(() => kickRef.current(), []);
}
