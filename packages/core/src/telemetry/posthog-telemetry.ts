import { PostHog } from 'posthog-node';
import type { TelemetryProperties, TelemetrySink } from '../ports/edition';

export interface PostHogTelemetryOptions {
  apiKey: string;
  /** PostHog host; tests point it at a capture server on loopback. */
  host: string;
  /** Random id of this installation, generated once and kept in the data directory. */
  installId: string;
  version: string;
}

/**
 * Anonymous usage telemetry: the install id is the only identity, and callers pass only
 * event names, counts and latencies (never user ids, content, queries or keys). Sending is
 * batched in the background; a failure never reaches a request.
 */
export class PostHogTelemetry implements TelemetrySink {
  private readonly client: PostHog;

  constructor(private readonly options: PostHogTelemetryOptions) {
    this.client = new PostHog(options.apiKey, {
      host: options.host,
      flushAt: 20,
      flushInterval: 10_000,
      disableGeoip: true,
      // Best effort: no retries, so an unreachable host never delays shutdown or holds the process open.
      fetchRetryCount: 0,
      requestTimeout: 3000,
    });
    this.client.on('error', () => undefined);
  }

  capture(event: string, properties: TelemetryProperties): void {
    try {
      this.client.capture({
        distinctId: this.options.installId,
        event,
        properties: { ...properties, engram_version: this.options.version, $process_person_profile: false },
      });
    } catch {
      // telemetry must never affect the caller
    }
  }

  async shutdown(): Promise<void> {
    await this.client.shutdown(2000).catch(() => undefined);
  }
}
