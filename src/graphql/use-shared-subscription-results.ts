import { createSourceEventStream, execute, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Viewer } from "../domain/viewer";
import type { GraphQLContext } from "./context";

export interface SharedSubscriptionResultsOptions {
  /** Told of every result a subscription hands on: executed for it, or shared from another subscriber's execution. */
  onResult?: (source: "executed" | "shared") => void;
}

type MaybePromise<T> = T | Promise<T>;

/**
 * What a subscription's result depends on besides the event and the document: the variables
 * (and so the filters), the operation and who may see what. The token is left out: it only
 * decides when the subscription ends, never what an event looks like.
 */
export function subscriptionGroupKey(viewer: Viewer, operationName: string | null | undefined, variables: unknown): string {
  return JSON.stringify([viewer.accountId, viewer.role, viewer.operator, operationName ?? null, variables ?? {}]);
}

/**
 * The results of one event, per document and group: each is executed once, for the first
 * subscriber that asks, and handed as is to the others. Held by the event object itself, so
 * they go with it once every subscriber has had it.
 */
class EventResults {
  private readonly byEvent = new WeakMap<object, WeakMap<DocumentNode, Map<string, MaybePromise<ExecutionResult>>>>();

  constructor(private readonly onResult: (source: "executed" | "shared") => void) {}

  resultOf(event: unknown, document: DocumentNode, group: string, run: () => MaybePromise<ExecutionResult>): MaybePromise<ExecutionResult> {
    if (typeof event !== "object" || event === null) return this.executed(run());
    let byDocument = this.byEvent.get(event);
    if (!byDocument) this.byEvent.set(event, (byDocument = new WeakMap()));
    let byGroup = byDocument.get(document);
    if (!byGroup) byDocument.set(document, (byGroup = new Map()));
    const known = byGroup.get(group);
    if (known !== undefined) {
      this.onResult("shared");
      return known;
    }
    const result = this.executed(run());
    byGroup.set(group, result);
    return result;
  }

  private executed(result: MaybePromise<ExecutionResult>): MaybePromise<ExecutionResult> {
    this.onResult("executed");
    return result;
  }
}

/** The source stream's events turned into results, ending the source when the consumer stops. */
function resultsOf(source: AsyncIterableIterator<unknown>, resultOf: (event: unknown) => MaybePromise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  const results: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await source.next();
      if (step.done) return { done: true, value: undefined };
      return { done: false, value: await resultOf(step.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => results,
  };
  return results;
}

/**
 * Subscribers of the same document, variables and account see the same result for an event:
 * it is executed once per event and group rather than once per subscriber, which is what makes
 * one event to ten thousand subscribers affordable. The result object itself is shared, so
 * each subscriber's error masking and serialisation see the same input as before. This is
 * graphql-js's own subscribe (source stream, then one execution per event with the event as
 * root value) with that execution made shareable; errors before the first event (a refused
 * filter, variables of the wrong type) come back as a result and are masked like any other.
 */
export function useSharedSubscriptionResults(options: SharedSubscriptionResultsOptions = {}): Plugin<GraphQLContext> {
  const shared = new EventResults(options.onResult ?? (() => {}));
  return {
    onSubscribe({ args, setSubscribeFn }) {
      const viewer = (args.contextValue as GraphQLContext).viewer;
      if (!viewer) return;
      const group = subscriptionGroupKey(viewer, args.operationName, args.variableValues);
      setSubscribeFn(async (subscribeArgs: ExecutionArgs) => {
        const source = await createSourceEventStream(subscribeArgs);
        if (!(Symbol.asyncIterator in source)) return source;
        const events = source[Symbol.asyncIterator]() as AsyncIterableIterator<unknown>;
        return resultsOf(events, (event) =>
          shared.resultOf(event, subscribeArgs.document, group, () => execute({ ...subscribeArgs, rootValue: event })),
        );
      });
    },
  };
}
