// unbzip2-stream ships no types. It returns a classic (pre-streams2) `through` stream: `write`
// decodes synchronously and emits 'data' / 'error' before returning.
declare module 'unbzip2-stream' {
  import type { Stream } from 'node:stream';

  interface Bunzip2Stream extends Stream {
    write(data: Buffer): boolean;
    end(): void;
    destroy(): void;
  }

  function unbzip2Stream(): Bunzip2Stream;
  export = unbzip2Stream;
}
