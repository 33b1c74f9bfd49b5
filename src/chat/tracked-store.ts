// The chat store as the chat service uses it, with every call it has started still counted
// until it settles, so that stopping the chat can wait for its writes: the SQLite store
// gathers a burst of appends into one transaction on the next turn of the event loop, and a
// shutdown that closed the database first refused the last messages and moderators'
// actions (their audit lines) made in the moment before a stop.
import type { ChatStore } from './types.js';

export interface TrackedStore {
  store: ChatStore;
  /** Resolves once every call started so far has settled (fulfilled or not). */
  settled(): Promise<void>;
}

export function trackedStore(inner: ChatStore): TrackedStore {
  const inFlight = new Set<Promise<unknown>>();
  // Each method's counting wrapper is made once (every chat message calls the store).
  const wrappers = new Map<PropertyKey, { method: unknown; wrapper: (...args: unknown[]) => unknown }>();
  const track = (result: unknown): unknown => {
    if (result instanceof Promise) {
      inFlight.add(result);
      result.then(
        () => inFlight.delete(result),
        () => inFlight.delete(result),
      );
    }
    return result;
  };
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      const known = wrappers.get(key);
      if (known?.method === value) return known.wrapper;
      const wrapper = (...args: unknown[]): unknown => track((value as (...a: unknown[]) => unknown).apply(target, args));
      wrappers.set(key, { method: value, wrapper });
      return wrapper;
    },
  });
  return {
    store,
    async settled(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
