/**
 * BandwidthMonitor and LatencyPredictor (issue 5, item 2).
 *
 * The monitor records, per link (ordered worker pair), the bytes, messages and seconds of each
 * exchange it sees, and keeps smoothed figures: bytes per second and seconds per message
 * (exponential moving averages, weight `smoothing` on the newest observation).
 *
 * The predictor is the model t = messages · latency + bytes / bandwidth, fitted ONLINE by
 * exponentially weighted least squares over the observations (two unknowns: the fixed cost per
 * message and the cost per byte). Until it has seen two observations that tell the two apart it
 * answers with its prior (the topology's link model, topology.ts). It predicts the time of an
 * exchange before the exchange happens; `record(predicted, measured)` keeps the error, reported in
 * the run's statistics as the mean absolute relative error.
 */
import type { LinkModel } from './topology.js';

export interface LinkFigures {
  bytes: number;
  messages: number;
  seconds: number;
  /** smoothed bytes per second (0 until something was measured) */
  bandwidth: number;
  /** smoothed seconds per message */
  latency: number;
}

export class BandwidthMonitor {
  private readonly figures = new Map<string, LinkFigures>();

  constructor(private readonly smoothing = 0.25) {}

  /** One exchange on link `link`: `bytes` in `messages` messages took `seconds`. */
  observe(link: string, bytes: number, messages: number, seconds: number): void {
    if (!(seconds > 0) || messages <= 0) return;
    let entry = this.figures.get(link);
    if (!entry) {
      entry = { bytes: 0, messages: 0, seconds: 0, bandwidth: 0, latency: 0 };
      this.figures.set(link, entry);
    }
    const bandwidth = bytes / seconds;
    const latency = seconds / messages;
    const first = entry.messages === 0;
    entry.bandwidth = first ? bandwidth : entry.bandwidth + this.smoothing * (bandwidth - entry.bandwidth);
    entry.latency = first ? latency : entry.latency + this.smoothing * (latency - entry.latency);
    entry.bytes += bytes;
    entry.messages += messages;
    entry.seconds += seconds;
  }

  link(link: string): LinkFigures | undefined {
    return this.figures.get(link);
  }

  links(): Record<string, LinkFigures> {
    return Object.fromEntries([...this.figures].map(([key, value]) => [key, { ...value }]));
  }
}

export interface PredictionError {
  /** predictions compared with a measurement */
  count: number;
  /** mean |predicted − measured| / measured */
  meanRelativeError: number;
  /** Σ predicted / Σ measured − 1 (the bias over the run) */
  totalRelativeError: number;
  predictedSeconds: number;
  measuredSeconds: number;
}

export class LatencyPredictor {
  // exponentially weighted sums for the 2 × 2 normal equations of t = a·m + b·x
  private mm = 0;
  private mx = 0;
  private xx = 0;
  private mt = 0;
  private xt = 0;
  private observations = 0;
  private errors = { count: 0, relative: 0, predicted: 0, measured: 0 };

  constructor(
    private readonly prior: LinkModel,
    /** the weight of history: each new observation scales the sums by this first */
    private readonly forgetting = 0.9,
  ) {}

  /** Fit one observed exchange: `messages` messages carrying `bytes` took `seconds`. */
  observe(messages: number, bytes: number, seconds: number): void {
    if (!(seconds >= 0) || messages <= 0) return;
    const f = this.forgetting;
    this.mm = f * this.mm + messages * messages;
    this.mx = f * this.mx + messages * bytes;
    this.xx = f * this.xx + bytes * bytes;
    this.mt = f * this.mt + messages * seconds;
    this.xt = f * this.xt + bytes * seconds;
    this.observations++;
  }

  /** The current model: latency (s per message) and bandwidth (bytes/s). */
  model(): LinkModel {
    const det = this.mm * this.xx - this.mx * this.mx;
    // well-conditioned only when the observations vary in bytes per message
    if (this.observations >= 2 && det > 1e-9 * this.mm * this.xx) {
      const latency = (this.mt * this.xx - this.xt * this.mx) / det;
      const perByte = (this.mm * this.xt - this.mx * this.mt) / det;
      if (latency >= 0 && perByte > 0) return { latency, bandwidth: 1 / perByte };
    }
    if (this.observations >= 1 && this.mm > 0) {
      // one kind of observation: keep the prior's split between fixed and per-byte cost, scaled
      const priorTime = (this.mm * this.prior.latency + this.mx / this.prior.bandwidth) / this.mm;
      const observed = this.mt / this.mm;
      const scale = priorTime > 0 ? observed / priorTime : 1;
      if (scale > 0 && Number.isFinite(scale)) return { latency: this.prior.latency * scale, bandwidth: this.prior.bandwidth / scale };
    }
    return { ...this.prior };
  }

  /** Predicted seconds for an exchange of `messages` messages carrying `bytes`. */
  predict(messages: number, bytes: number): number {
    if (messages <= 0) return 0;
    const { latency, bandwidth } = this.model();
    return messages * latency + bytes / bandwidth;
  }

  /** Compare a prediction made before an exchange with what it measured. */
  record(predicted: number, measured: number): void {
    if (!(measured > 0)) return;
    this.errors.count++;
    this.errors.relative += Math.abs(predicted - measured) / measured;
    this.errors.predicted += predicted;
    this.errors.measured += measured;
  }

  error(): PredictionError {
    const { count, relative, predicted, measured } = this.errors;
    return {
      count,
      meanRelativeError: count ? relative / count : 0,
      totalRelativeError: measured > 0 ? predicted / measured - 1 : 0,
      predictedSeconds: predicted,
      measuredSeconds: measured,
    };
  }
}
