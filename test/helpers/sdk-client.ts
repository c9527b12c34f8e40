/*
 * A stand-in for SigSentry's own TypeScript SDK (`@sigsentry/core`, GitHub SigSentry/sdk,
 * packages/core/src/client/index.ts at c730d3ff20d63be0f24a6b5ea5d99ff347016117), written here from its observed wire
 * behaviour — not its code — so our tests send exactly what the stock SDK sends and read answers as fragilely as it
 * does:
 * - the constructor refuses `ss_secret_` / `ss_org_` keys; `baseUrl` defaults to https://api.sigsentry.com and loses
 *   one trailing slash; every path starts with `/v1`;
 * - createAnalysis always POSTs multipart/form-data (`description`, `timeStart`/`timeEnd` as ISO strings, `metadata`
 *   as a JSON string when given, `screenshot` when given) with only an Authorization header (no Accept, no
 *   Content-Type of its own); without callbacks it returns `await response.json()`, with callbacks it reads the body
 *   as an event stream whatever the status or content type;
 * - the stream parser: bytes decoded per network read; complete lines only; the event name is forgotten at every
 *   read (an event split across reads is lost); `event: ` and `data: ` with one space; the data line is JSON.parse'd
 *   (a bad one throws); `complete` and `error` set the final answer; no final answer → STREAM_ERROR "Stream ended
 *   without result";
 * - the other methods send `Authorization` and `Content-Type: application/json` (GETs too) and return
 *   `await response.json()` without looking at the status.
 * Tooling beyond the SDK (for assertions only): `origin` makes it send an Origin header as a browser would, and
 * `lastStream` records the raw reads and the events parsed from them.
 */

export interface SdkApiError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  [k: string]: unknown;
}
export interface SdkResponse<T> {
  success: boolean;
  data?: T;
  error?: SdkApiError;
}
export interface SdkCallbacks {
  onStatus?: (stage: string, detail?: string) => void;
  onPartial?: (partial: Record<string, unknown>) => void;
  onComplete?: (analysisId: string, result: any) => void;
  onError?: (error: SdkApiError) => void;
}
export interface SdkAnalysisInput {
  description: string;
  timeStart: Date;
  timeEnd: Date;
  metadata?: Record<string, string>;
  screenshot?: Blob;
}
export interface StreamRecord {
  status: number;
  contentType: string | null;
  reads: string[];
  events: Array<{ event: string; data: any }>;
}

export class SdkWireClient {
  private readonly key: string;
  private readonly base: string;
  /** The last stream read by createAnalysis with callbacks (for assertions). */
  lastStream: StreamRecord | null = null;

  constructor(
    config: { apiKey: string; baseUrl?: string },
    private readonly tooling: { origin?: string } = {},
  ) {
    for (const refused of ['ss_secret_', 'ss_org_']) {
      if (config.apiKey.startsWith(refused)) throw new Error(`SigSentry SDK requires a public key (ss_pub_*); ${refused}* keys are server-side only`);
    }
    this.key = config.apiKey;
    this.base = (config.baseUrl ?? 'https://api.sigsentry.com').replace(/\/$/, '');
  }

  private jsonHeaders(): Record<string, string> {
    const h: Record<string, string> = { Authorization: `Bearer ${this.key}`, 'Content-Type': 'application/json' };
    if (this.tooling.origin) h.Origin = this.tooling.origin;
    return h;
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<SdkResponse<T>> {
    const r = await fetch(this.base + path, { method, headers: this.jsonHeaders(), body: body ? JSON.stringify(body) : undefined });
    return (await r.json()) as SdkResponse<T>;
  }

  async createAnalysis(input: SdkAnalysisInput, callbacks?: SdkCallbacks): Promise<SdkResponse<{ analysisId: string; result: any }>> {
    const form = new FormData();
    form.append('description', input.description);
    form.append('timeStart', input.timeStart.toISOString());
    form.append('timeEnd', input.timeEnd.toISOString());
    if (input.metadata) form.append('metadata', JSON.stringify(input.metadata));
    if (input.screenshot) form.append('screenshot', input.screenshot);
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}` };
    if (this.tooling.origin) headers.Origin = this.tooling.origin;
    const r = await fetch(`${this.base}/v1/analyses`, { method: 'POST', headers, body: form });
    if (!callbacks) return (await r.json()) as SdkResponse<{ analysisId: string; result: any }>;
    return this.readStream(r, callbacks);
  }

  private async readStream(r: Response, cb: SdkCallbacks): Promise<SdkResponse<{ analysisId: string; result: any }>> {
    const record: StreamRecord = { status: r.status, contentType: r.headers.get('content-type'), reads: [], events: [] };
    this.lastStream = record;
    if (!r.body) {
      const error = { code: 'STREAM_ERROR', message: 'No response body' };
      cb.onError?.(error);
      return { success: false, error };
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let carry = '';
    let final: SdkResponse<{ analysisId: string; result: any }> | null = null;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      record.reads.push(text);
      const pieces = (carry + text).split('\n');
      carry = pieces.pop() ?? '';
      let name = ''; // forgotten at every read, as the SDK does
      for (const line of pieces) {
        if (line.startsWith('event: ')) {
          name = line.slice('event: '.length).trim();
          continue;
        }
        if (!line.startsWith('data: ') || !name) continue;
        const data = JSON.parse(line.slice('data: '.length));
        record.events.push({ event: name, data });
        if (name === 'status') cb.onStatus?.(data.stage, data.detail);
        else if (name === 'partial') cb.onPartial?.(data);
        else if (name === 'complete') {
          cb.onComplete?.(data.analysisId, data.result);
          final = { success: true, data };
        } else if (name === 'error') {
          cb.onError?.(data);
          final = { success: false, error: data };
        }
        name = '';
      }
    }
    return final ?? { success: false, error: { code: 'STREAM_ERROR', message: 'Stream ended without result' } };
  }

  getAnalysis(id: string): Promise<SdkResponse<any>> {
    return this.send('GET', `/v1/analyses/${id}`);
  }

  listAnalyses(query?: Record<string, string | number | undefined>): Promise<SdkResponse<any>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const s = qs.toString();
    return this.send('GET', `/v1/analyses${s ? `?${s}` : ''}`);
  }

  askFollowUp(analysisId: string, question: string): Promise<SdkResponse<any>> {
    return this.send('POST', `/v1/analyses/${analysisId}/followup`, { question });
  }

  submitFeedback(analysisId: string, feedback: { accuracy: string; comment?: string }): Promise<SdkResponse<any>> {
    return this.send('POST', `/v1/analyses/${analysisId}/feedback`, feedback);
  }
}
