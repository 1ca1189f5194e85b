/**
 * Start-up (issue 21.1): zod schemas built on first use. Building the flag
 * schemas took about 5 ms of every `flags list` (most of it installing zod's
 * per-class members), although a valid flag never needs them
 * (flag-fast.ts). Modules keep their `export const XSchema` (the library
 * exports them); each is a stand-in that builds the real schema when first
 * touched and forwards everything to it. Code inside src/schema composes and
 * parses with the real schemas (each module's own builder), never through a
 * stand-in.
 */

/** `build()` run once, on first call. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

/** An object that behaves as `get()`'s result, which is computed on first use. */
export function lazyObject<T extends object>(get: () => T): T {
  // util.inspect (console.log) shows a proxy's target without its traps: the
  // target's custom inspector shows the real object instead of `{}`.
  const target = {} as T;
  Object.defineProperty(target, Symbol.for('nodejs.util.inspect.custom'), {
    configurable: true,
    value: (depth: number, options: object, inspect: (value: unknown, options: object) => string) => inspect(get(), { ...options, depth }),
  });
  return new Proxy(target, {
    get: (_, key) => Reflect.get(get(), key),
    set: (_, key, value) => Reflect.set(get(), key, value),
    has: (_, key) => Reflect.has(get(), key),
    ownKeys: () => Reflect.ownKeys(get()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(get(), key);
      // A proxy may not report a property the (empty) target lacks as non-configurable.
      return d && { ...d, configurable: true };
    },
    defineProperty: (_, key, d) => Reflect.defineProperty(get(), key, d),
    deleteProperty: (_, key) => Reflect.deleteProperty(get(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(get()),
  });
}
