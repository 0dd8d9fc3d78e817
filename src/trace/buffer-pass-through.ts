/**
 * The wrapper that stands in for a Buffer static while tracing. It lives in a file of its own
 * because its frame is the one tracer frame that belongs to the program: what the original
 * allocates beneath it (the Buffer object) is the program's memory, while anything else the
 * tracer allocates (its bookkeeping) is not, and statistics leave it out. See site.ts.
 */
export type AllocatorFn = (...args: unknown[]) => unknown;

/** Calls `original` as the caller would (same `this` and arguments), then tells `after` what it returned. */
export function passThrough(original: AllocatorFn, name: string, before: () => void, after: (result: unknown, first: unknown, self: AllocatorFn) => void): AllocatorFn {
  const wrapped = function (this: unknown): unknown {
    before();
    let result: unknown;
    try {
      result = Reflect.apply(original, this, arguments);
    } finally {
      after(result, arguments[0], wrapped);
    }
    return result;
  };
  Object.defineProperty(wrapped, 'name', { value: name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  return wrapped;
}

/** Whether a frame's file is this one (compiled or source). */
export function isPassThroughFile(file: string): boolean {
  return /[/\\]buffer-pass-through\.[jt]s$/.test(file);
}
