import type { Frame } from './frames.js';
import type { SourceMapper } from './source-maps.js';
import type { Trace } from './trace.js';

/** Traces with every frame at its original place (source maps); frames are mapped once each. */
export function mapTraces(traces: readonly Trace[], maps: SourceMapper): Trace[] {
  const done = new Map<Frame, Frame>();
  const map = (f: Frame): Frame => {
    let m = done.get(f);
    if (!m) {
      m = maps.frame(f);
      done.set(f, m);
    }
    return m;
  };
  return traces.map((t) => ({ ...t, frames: t.frames.map(map) }));
}
