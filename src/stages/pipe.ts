/** A stage: takes a stream of items and gives a stream of items, one await per batch. */
export type Stage<I, O> = (input: AsyncIterable<I>) => AsyncIterable<O>;

/**
 * Composes a source and stages left to right, like a generator pipeline:
 * `pipe(find(paths), open(ctx), cat(ctx), lines(ctx), parse(ctx), filter(ctx, q), take(ctx, 10))`.
 */
export function pipe<A>(source: AsyncIterable<A>): AsyncIterable<A>;
export function pipe<A, B>(source: AsyncIterable<A>, s1: Stage<A, B>): AsyncIterable<B>;
export function pipe<A, B, C>(source: AsyncIterable<A>, s1: Stage<A, B>, s2: Stage<B, C>): AsyncIterable<C>;
export function pipe<A, B, C, D>(
  source: AsyncIterable<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
): AsyncIterable<D>;
export function pipe<A, B, C, D, E>(
  source: AsyncIterable<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
): AsyncIterable<E>;
export function pipe<A, B, C, D, E, F>(
  source: AsyncIterable<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
): AsyncIterable<F>;
export function pipe<A, B, C, D, E, F, G>(
  source: AsyncIterable<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
): AsyncIterable<G>;
export function pipe<A, B, C, D, E, F, G, H>(
  source: AsyncIterable<A>,
  s1: Stage<A, B>,
  s2: Stage<B, C>,
  s3: Stage<C, D>,
  s4: Stage<D, E>,
  s5: Stage<E, F>,
  s6: Stage<F, G>,
  s7: Stage<G, H>,
): AsyncIterable<H>;
export function pipe(source: AsyncIterable<unknown>, ...stages: Stage<unknown, unknown>[]): AsyncIterable<unknown>;
export function pipe(source: AsyncIterable<unknown>, ...stages: Stage<unknown, unknown>[]): AsyncIterable<unknown> {
  return stages.reduce((stream, stage) => stage(stream), source);
}

/** A source of the given items, in order (the sources a pass reads, as the first stage's input). */
export async function* fromList<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
