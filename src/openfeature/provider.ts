/**
 * An OpenFeature server provider (SPEC 7) over this library's evaluator: the
 * flags directory (watched), a bundle (file, URL or in memory), or any
 * FlagEvaluator. Results are mapped once, in ./resolution.ts, shared with the
 * OFREP server so both speak the same vocabulary.
 */
import {
  OpenFeatureEventEmitter,
  ProviderEvents,
  type EvaluationContext as OpenFeatureContext,
  type JsonValue as OpenFeatureJson,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { withDefaultEnvironment } from '../evaluation/default-environment.js';
import type { EvaluationContext, EvaluationResult, FlagEvaluator } from '../evaluation/index.js';
import type { BundleEvaluatorOptions } from '../store/bundle-source.js';
import { toEvaluationContext, toResolutionError, toResolutionDetails } from './resolution.js';

export interface FlagyardProviderOptions {
  /** A flags directory, evaluated with the live evaluator (reloads on change unless `watch` is false). */
  dir?: string;
  /** With `dir`: watch the files (default true). */
  watch?: boolean;
  /** A bundle in memory, a bundle file or a bundle URL (polled), as for createBundleEvaluator. */
  bundle?: unknown;
  file?: string;
  url?: string;
  pollMs?: number;
  /** Extra headers for `url`. */
  headers?: Record<string, string>;
  /** The default `context.environment`. */
  environment?: string;
  /** An evaluator you built yourself (no change events; never closed by the provider). */
  evaluator?: FlagEvaluator;
  /** Reload or refresh failures (the last good flags stay in service). */
  onError?: (error: Error) => void;
}

type Closable = FlagEvaluator & { close?: () => void };

export class FlagyardProvider implements Provider {
  readonly metadata = { name: 'flagyard' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private evaluator: Closable | undefined;
  private readonly options: FlagyardProviderOptions;

  constructor(options: FlagyardProviderOptions) {
    const sources = ['dir', 'bundle', 'file', 'url', 'evaluator'].filter((k) => options[k as keyof FlagyardProviderOptions] !== undefined);
    if (sources.length !== 1) throw new Error(`FlagyardProvider needs exactly one of dir, bundle, file, url or evaluator (got ${sources.length ? sources.join(', ') : 'none'})`);
    this.options = options;
    if (options.evaluator) this.evaluator = options.environment === undefined ? options.evaluator : withDefaultEnvironment(options.evaluator, options.environment);
  }

  async initialize(): Promise<void> {
    if (this.evaluator) return;
    const o = this.options;
    const changed = (flagsChanged: string[]) => this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
    if (o.dir !== undefined) {
      // Loaded on demand: a bundle-only service never loads the YAML parser or the validator.
      const { createDirectoryEvaluator } = await import('../store/live-evaluator.js');
      const live = await createDirectoryEvaluator({ dir: o.dir, watch: o.watch ?? true, onReload: changed, onError: o.onError });
      this.evaluator = o.environment === undefined ? live : { ...withDefaultEnvironment(live, o.environment), close: () => live.close() };
      return;
    }
    const { createBundleEvaluator } = await import('../store/bundle-source.js');
    const source: BundleEvaluatorOptions = {
      bundle: o.bundle,
      file: o.file,
      url: o.url,
      pollMs: o.pollMs,
      headers: o.headers,
      environment: o.environment,
      onUpdate: (u) => changed(u.changedKeys),
      onError: o.onError,
    };
    for (const k of Object.keys(source) as (keyof BundleEvaluatorOptions)[]) if (source[k] === undefined) delete source[k];
    this.evaluator = await createBundleEvaluator(source);
  }

  async onClose(): Promise<void> {
    if (this.options.evaluator === undefined) this.evaluator?.close?.();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: OpenFeatureContext): Promise<ResolutionDetails<boolean>> {
    return this.resolve(flagKey, context, 'boolean', (e, c) => e.getBoolean(flagKey, c, defaultValue));
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: OpenFeatureContext): Promise<ResolutionDetails<string>> {
    return this.resolve(flagKey, context, 'string', (e, c) => e.getString(flagKey, c, defaultValue));
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: OpenFeatureContext): Promise<ResolutionDetails<number>> {
    return this.resolve(flagKey, context, 'number', (e, c) => e.getNumber(flagKey, c, defaultValue));
  }

  resolveObjectEvaluation<T extends OpenFeatureJson>(flagKey: string, defaultValue: T, context: OpenFeatureContext): Promise<ResolutionDetails<T>> {
    return this.resolve(flagKey, context, 'JSON object, array or null', (e, c) => e.getJson(flagKey, c, defaultValue as never)) as Promise<ResolutionDetails<T>>;
  }

  private async resolve<T>(
    flagKey: string,
    context: OpenFeatureContext,
    expected: string,
    run: (evaluator: FlagEvaluator, context: EvaluationContext) => EvaluationResult<T>,
  ): Promise<ResolutionDetails<T>> {
    if (!this.evaluator) throw toResolutionError('GENERAL', 'the flagyard provider is not initialised');
    let result;
    try {
      result = run(this.evaluator, toEvaluationContext(context));
    } catch (e) {
      throw toResolutionError('GENERAL', `evaluating "${flagKey}" failed: ${(e as Error).message}`);
    }
    return toResolutionDetails(flagKey, result, expected);
  }
}
