import {
  DependencyList,
  useCallback,
  useEffect,
  useRef,
  useState,
} from 'react';
import useAsync from 'react-use/esm/useAsync';
import { POLL_MS } from './format';

/** Calls `reload` every `everyMs` while `active`, so progress shows without a refresh button. */
export function usePoll(
  active: boolean,
  reload: () => void,
  everyMs = POLL_MS,
) {
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => latest.current(), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
}

/**
 * Loads like `useAsync`, keeping the last value while reloading. Unlike `useAsyncRetry`,
 * a reload asked for while a load is under way is not dropped: the newest load wins, so a
 * change made meanwhile always shows.
 */
export function useReloadable<T>(load: () => Promise<T>, deps: DependencyList) {
  const [key, setKey] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const state = useAsync(load, [...deps, key]);
  const reload = useCallback(() => setKey(k => k + 1), []);
  return { ...state, reload };
}
