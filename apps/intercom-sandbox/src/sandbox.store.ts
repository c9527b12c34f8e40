/**
 * In-memory state of the sandbox: workspaces (admins, conversation data attributes), OAuth codes and
 * tokens, contacts and conversations, and how they are rendered in Intercom's REST shapes (reference §1.5, §3).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { apiBodyToHtml, htmlToText, textToHtml } from './html.util';
import type { TicketTypeSeed } from './sandbox.tickets';

export type DataType = 'string' | 'integer' | 'float' | 'boolean' | 'datetime' | 'list';

export interface AdminSeed {
  id: string;
  name: string;
  email: string;
  job_title?: string;
}

export interface DataAttributeSeed {
  name: string;
  data_type: DataType;
  label?: string;
  description?: string;
  api_writable?: boolean;
  archived?: boolean;
  /** `list` attributes: the allowed values (2.14/2.15 show them as a string attribute's `options`, 2.16 as a list's) */
  options?: string[];
}

export interface WorkspaceSeed {
  id_code: string;
  name: string;
  region?: string;
  timezone?: string;
  created_at?: number;
  admins: AdminSeed[];
  dataAttributes?: DataAttributeSeed[];
  /** Developer Hub permissions the app lacks in this workspace (reference §1.8 names); calls needing one answer 401 token_unauthorized */
  deniedPermissions?: string[];
  /** ticket types of the workspace (default: a Tracker type '88' and a Customer type '89') */
  ticketTypes?: TicketTypeSeed[];
}

export interface Author {
  type: 'user' | 'admin' | 'bot';
  id: string;
  name: string | null;
  email: string | null;
}

export interface Part {
  id: string;
  part_type: string;
  /** stored as HTML */
  body: string;
  created_at: number;
  author: Author;
  app_package_code: string | null;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
}

export interface Tag {
  id: string;
  name: string;
}

export interface Conversation {
  id: string;
  workspaceId: string;
  created_at: number;
  updated_at: number;
  title: string | null;
  state: 'open' | 'closed' | 'snoozed';
  /** unix seconds, while snoozed */
  snoozed_until: number | null;
  read: boolean;
  sourceId: string;
  subject: string;
  /** HTML */
  sourceBody: string;
  contact: Contact;
  parts: Part[];
  custom_attributes: Record<string, unknown>;
  tags: Tag[];
  /** the tracker ticket this conversation is linked to (API 2.16: at most one) */
  trackerTicketId: string | null;
}

export interface DataAttribute extends Required<Omit<DataAttributeSeed, 'description' | 'options'>> {
  options: string[];
  id: number;
  description: string;
  created_at: number;
  updated_at: number;
  model: 'conversation' | 'contact' | 'company';
}

export interface Workspace {
  id_code: string;
  name: string;
  region: string;
  timezone: string;
  created_at: number;
  admins: AdminSeed[];
  dataAttributes: DataAttribute[];
  /** the app is installed (a token was issued and not revoked) */
  installed: boolean;
  /** permissions the app lacks here (see WorkspaceSeed.deniedPermissions) */
  deniedPermissions: Set<string>;
}

export interface TokenRecord {
  token: string;
  workspaceId: string;
  adminId: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface CodeRecord {
  code: string;
  workspaceId: string;
  adminId: string;
  clientId: string;
  expiresAt: number;
}

export const DEFAULT_CONVERSATION_ATTRIBUTES: DataAttributeSeed[] = [
  { name: 'severity', data_type: 'string', label: 'Severity', description: 'SigSentry severity' },
  { name: 'affected_service', data_type: 'string', label: 'Affected service' },
  { name: 'sigsentry_analysis_url', data_type: 'string', label: 'SigSentry analysis URL' },
  { name: 'confidence', data_type: 'float', label: 'Confidence' },
  { name: 'triage_summary', data_type: 'string', label: 'Triage summary' },
  { name: 'is_urgent', data_type: 'boolean', label: 'Is urgent' },
];

export const DEFAULT_WORKSPACE: WorkspaceSeed = {
  id_code: 'sbx12345',
  name: 'Sandbox Workspace',
  region: 'US',
  timezone: 'Europe/Paris',
  created_at: 1734537243,
  admins: [
    { id: '991267001', name: 'Ada Lovelace', email: 'ada@sandbox.test', job_title: 'Support lead' },
    { id: '991267002', name: 'Ben Carter', email: 'ben@sandbox.test', job_title: 'Support engineer' },
    { id: '991267003', name: 'Chloe Martin', email: 'chloe@sandbox.test', job_title: 'Operations' },
  ],
  dataAttributes: DEFAULT_CONVERSATION_ATTRIBUTES,
};

const nowSec = () => Math.floor(Date.now() / 1000);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** numeric version, Preview/Unstable = +Infinity */
export function versionNumber(v: string): number {
  if (/^(preview|unstable)$/i.test(v)) return Number.POSITIVE_INFINITY;
  const [maj, min] = v.split('.').map((x) => parseInt(x, 10));
  return maj * 1000 + (min || 0);
}

export interface RenderOptions {
  version: string;
  /** bodies as plain text (display_as=plaintext, or webhooks on API ≥ 2.15) */
  plaintext?: boolean;
  /** which parts to include: all (default, last 500), none, or exactly these */
  parts?: 'all' | 'none' | Part[];
}

export class SandboxStore {
  readonly workspaces = new Map<string, Workspace>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly conversations = new Map<string, Conversation>();
  readonly tags = new Map<string, Tag>();
  private nextConvId = 215470000000001;
  private nextPartId = 9001;
  private nextSourceId = 403918334;
  private nextAttrId = 1001;
  private nextTagId = 86;
  private readonly listeners = new Set<(conv: Conversation) => void>();

  constructor(
    seeds: WorkspaceSeed[],
    readonly appPackageCode: string,
  ) {
    for (const s of seeds) this.addWorkspace(s);
  }

  /** Called whenever what a conversation shows changes (created, a part added, attributes written). */
  onChange(listener: (conv: Conversation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(conv: Conversation): void {
    for (const l of [...this.listeners]) l(conv);
  }

  addWorkspace(s: WorkspaceSeed): Workspace {
    if (!/^[a-z0-9]+$/.test(s.id_code)) throw new Error(`workspace id_code must be lowercase alphanumeric: ${s.id_code}`);
    if (!s.admins.length) throw new Error(`workspace ${s.id_code} needs at least one admin`);
    const created = s.created_at ?? nowSec();
    const ws: Workspace = {
      id_code: s.id_code,
      name: s.name,
      region: s.region ?? 'US',
      timezone: s.timezone ?? 'Europe/Paris',
      created_at: created,
      admins: s.admins.map((a) => ({ ...a })),
      dataAttributes: [],
      installed: false,
      deniedPermissions: new Set(s.deniedPermissions ?? []),
    };
    for (const a of s.dataAttributes ?? DEFAULT_CONVERSATION_ATTRIBUTES) this.addAttribute(ws, a, 'conversation');
    this.workspaces.set(ws.id_code, ws);
    return ws;
  }

  addAttribute(ws: Workspace, a: DataAttributeSeed, model: DataAttribute['model']): DataAttribute {
    const attr: DataAttribute = {
      id: this.nextAttrId++,
      name: a.name,
      data_type: a.data_type,
      label: a.label ?? a.name,
      description: a.description ?? '',
      api_writable: a.api_writable ?? true,
      archived: a.archived ?? false,
      options: a.data_type === 'list' ? [...(a.options ?? [])] : [],
      created_at: ws.created_at,
      updated_at: ws.created_at,
      model,
    };
    ws.dataAttributes.push(attr);
    return attr;
  }

  workspace(id?: string): Workspace {
    const ws = id ? this.workspaces.get(id) : this.workspaces.values().next().value;
    if (!ws) throw new ApiError(404, 'not_found', `Unknown workspace ${id}`);
    return ws;
  }

  admin(ws: Workspace, adminId: string): AdminSeed | undefined {
    return ws.admins.find((a) => a.id === String(adminId));
  }

  // ---- OAuth ----

  issueCode(clientId: string, workspaceId: string, adminId: string, ttlMs: number): string {
    // standard base64: may contain + / and end in '=' (reference §1.3: keep it intact)
    const code = randomBytes(19).toString('base64');
    this.codes.set(code, { code, clientId, workspaceId, adminId, expiresAt: Date.now() + ttlMs });
    return code;
  }

  /** single use: the code is deleted whatever the outcome */
  consumeCode(code: string): CodeRecord | undefined {
    const rec = this.codes.get(code);
    if (!rec) return undefined;
    this.codes.delete(code);
    return rec.expiresAt >= Date.now() ? rec : undefined;
  }

  issueToken(workspaceId: string, adminId: string): string {
    const token = Buffer.from(`tok:${randomUUID()}:${workspaceId}`).toString('base64').replace(/=+$/, '');
    this.tokens.set(token, { token, workspaceId, adminId, createdAt: Date.now(), revokedAt: null });
    this.workspace(workspaceId).installed = true;
    return token;
  }

  activeToken(token: string | undefined): TokenRecord | undefined {
    if (!token) return undefined;
    const rec = this.tokens.get(token);
    return rec && rec.revokedAt === null ? rec : undefined;
  }

  /** uninstall the app from a workspace: every token is revoked */
  uninstall(workspaceId: string): boolean {
    const ws = this.workspace(workspaceId);
    const was = ws.installed;
    ws.installed = false;
    for (const t of this.tokens.values()) if (t.workspaceId === workspaceId && t.revokedAt === null) t.revokedAt = Date.now();
    return was;
  }

  tokensFor(workspaceId: string): TokenRecord[] {
    return [...this.tokens.values()].filter((t) => t.workspaceId === workspaceId);
  }

  // ---- conversations ----

  contactFor(ws: Workspace, name: string, email: string): Contact {
    const id = createHash('sha1').update(`${ws.id_code}:${email.toLowerCase()}`).digest('hex').slice(0, 24);
    return { id, name, email };
  }

  createConversation(input: {
    workspaceId?: string;
    customer: { name: string; email: string };
    subject?: string;
    body: string;
    createdAt?: number;
  }): Conversation {
    const ws = this.workspace(input.workspaceId);
    if (!input.customer?.email || !input.body) throw new ApiError(400, 'parameter_not_found', 'customer.email and body are required');
    const created = input.createdAt ?? nowSec();
    const conv: Conversation = {
      id: String(this.nextConvId++),
      workspaceId: ws.id_code,
      created_at: created,
      updated_at: created,
      title: null,
      state: 'open',
      snoozed_until: null,
      read: false,
      sourceId: String(this.nextSourceId++),
      subject: input.subject ?? '',
      sourceBody: textToHtml(input.body),
      contact: this.contactFor(ws, input.customer.name || input.customer.email, input.customer.email),
      parts: [],
      custom_attributes: {},
      tags: [],
      trackerTicketId: null,
    };
    this.conversations.set(conv.id, conv);
    this.changed(conv);
    return conv;
  }

  conversation(id: string, workspaceId?: string): Conversation {
    const c = this.conversations.get(String(id));
    if (!c || (workspaceId && c.workspaceId !== workspaceId)) throw new ApiError(404, 'not_found', 'Resource Not Found');
    return c;
  }

  listConversations(workspaceId?: string): Conversation[] {
    return [...this.conversations.values()].filter((c) => !workspaceId || c.workspaceId === workspaceId);
  }

  /**
   * Adds a part. A reply or a note wakes a snoozed conversation (Intercom's behaviour) unless `skipUnsnooze` (the
   * reply API's `skip_unsnooze`, Preview only).
   */
  addPart(
    conv: Conversation,
    p: { part_type: string; body: string; author: Author; app_package_code?: string | null; created_at?: number; skipUnsnooze?: boolean },
  ): Part {
    if (conv.state === 'snoozed' && !p.skipUnsnooze && ['comment', 'note'].includes(p.part_type)) {
      conv.state = 'open';
      conv.snoozed_until = null;
    }
    const part: Part = {
      id: String(this.nextPartId++),
      part_type: p.part_type,
      body: p.body,
      created_at: p.created_at ?? nowSec(),
      author: p.author,
      app_package_code: p.app_package_code ?? null,
    };
    conv.parts.push(part);
    conv.updated_at = Math.max(conv.updated_at, part.created_at, nowSec());
    this.changed(conv);
    return part;
  }

  /**
   * A customer writes. `appPackageCode`: the part was created through the API by that app (a channel app relaying the
   * customer's message, reference §3.1), so it carries the app's `app_package_code`.
   */
  customerReply(convId: string, body: string, appPackageCode: string | null = null): Part {
    const conv = this.conversation(convId);
    if (conv.state === 'closed') conv.state = 'open';
    return this.addPart(conv, { part_type: 'comment', body: textToHtml(body), author: this.userAuthor(conv), app_package_code: appPackageCode });
  }

  adminPart(
    convId: string,
    adminId: string,
    body: string,
    messageType: 'comment' | 'note',
    viaApp: boolean,
    createdAt?: number,
    opts: { skipUnsnooze?: boolean } = {},
  ): Part {
    const conv = this.conversation(convId);
    const ws = this.workspace(conv.workspaceId);
    const admin = this.admin(ws, adminId);
    if (!admin) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    return this.addPart(conv, {
      part_type: messageType,
      body: apiBodyToHtml(body),
      author: { type: 'admin', id: admin.id, name: admin.name, email: admin.email },
      app_package_code: viaApp ? this.appPackageCode : null,
      created_at: createdAt,
      skipUnsnooze: opts.skipUnsnooze,
    });
  }

  /** An admin snoozes the conversation until `until` (unix seconds). */
  snooze(convId: string, until: number): Conversation {
    const conv = this.conversation(convId);
    if (!Number.isInteger(until) || until <= nowSec())
      throw new ApiError(400, 'parameter_invalid', 'snoozed_until must be a future unix timestamp', 'snoozed_until');
    conv.state = 'snoozed';
    conv.snoozed_until = until;
    conv.updated_at = nowSec();
    this.changed(conv);
    return conv;
  }

  /** A teammate leaves the workspace: the admin is gone (GET /admins/{id} → 404, replies as them → 404). */
  removeAdmin(workspaceId: string, adminId: string): boolean {
    const ws = this.workspace(workspaceId);
    const before = ws.admins.length;
    ws.admins = ws.admins.filter((a) => a.id !== adminId);
    return ws.admins.length < before;
  }

  /** An admin closes or reopens a conversation (POST /conversations/{id}/parts). */
  setState(convId: string, adminId: string, state: 'open' | 'closed', body?: string): Part {
    const conv = this.conversation(convId);
    const admin = this.admin(this.workspace(conv.workspaceId), adminId);
    if (!admin) throw new ApiError(404, 'admin_not_found', 'Admin not found');
    conv.state = state;
    return this.addPart(conv, {
      part_type: state === 'closed' ? 'close' : 'open',
      body: body ? apiBodyToHtml(body) : '',
      author: { type: 'admin', id: admin.id, name: admin.name, email: admin.email },
    });
  }

  userAuthor(conv: Conversation): Author {
    return { type: 'user', id: conv.contact.id, name: conv.contact.name, email: conv.contact.email };
  }

  /** validate every attribute first, then apply (reference §3.3) */
  updateAttributes(conv: Conversation, attrs: unknown): void {
    if (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)) {
      throw new ApiError(400, 'parameter_invalid', 'custom_attributes must be an object', 'custom_attributes');
    }
    const ws = this.workspace(conv.workspaceId);
    const entries = Object.entries(attrs as Record<string, unknown>);
    for (const [name, value] of entries) {
      const def = ws.dataAttributes.find((a) => a.model === 'conversation' && a.name === name && !a.archived);
      if (!def) throw new ApiError(400, 'parameter_invalid', `Conversation attribute '${name}' does not exist`, name);
      if (!def.api_writable) throw new ApiError(400, 'parameter_invalid', `Conversation attribute '${name}' is not writable through the API`, name);
      if (value !== null && !valueFits(def.data_type, value, def.options)) {
        throw new ApiError(400, 'parameter_invalid', `'${typeof value === 'string' ? value : JSON.stringify(value)}' is not a valid value for '${name}'`, name);
      }
    }
    for (const [name, value] of entries) {
      if (value === null) delete conv.custom_attributes[name];
      else conv.custom_attributes[name] = value;
    }
    conv.updated_at = nowSec();
    this.changed(conv);
  }

  tag(name: string): Tag {
    for (const t of this.tags.values()) if (t.name === name) return t;
    const t = { id: String(this.nextTagId++), name };
    this.tags.set(t.id, t);
    return t;
  }

  // ---- rendering (Intercom REST shapes) ----

  adminJson(a: AdminSeed) {
    return {
      type: 'admin',
      email: a.email,
      id: a.id,
      name: a.name,
      job_title: a.job_title ?? null,
      away_mode_enabled: false,
      away_mode_reassign: false,
      has_inbox_seat: true,
      team_ids: [],
      avatar: { type: 'avatar', image_url: 'https://static.intercomassets.com/assets/default-avatars/admins/128.png' },
    };
  }

  meJson(ws: Workspace, a: AdminSeed) {
    return {
      ...this.adminJson(a),
      email_verified: true,
      app: {
        type: 'app',
        id_code: ws.id_code,
        name: ws.name,
        created_at: ws.created_at,
        secure: false,
        identity_verification: false,
        timezone: ws.timezone,
        region: ws.region,
      },
    };
  }

  contactJson(conv: Conversation) {
    return {
      type: 'contact',
      id: conv.contact.id,
      role: 'user',
      email: conv.contact.email,
      name: conv.contact.name,
      external_id: null,
      custom_attributes: {},
    };
  }

  dataAttributeJson(a: DataAttribute) {
    return {
      type: 'data_attribute',
      id: a.id,
      model: a.model,
      name: a.name,
      full_name: `custom_attributes.${a.name}`,
      label: a.label,
      description: a.description,
      // 2.14/2.15: a list attribute is a string attribute with predefined `options`
      data_type: a.data_type === 'list' ? 'string' : a.data_type,
      ...(a.data_type === 'list' ? { options: [...a.options] } : {}),
      api_writable: a.api_writable,
      ui_writable: true,
      messenger_writable: false,
      custom: true,
      archived: a.archived,
      created_at: a.created_at,
      updated_at: a.updated_at,
    };
  }

  conversationJson(conv: Conversation, o: RenderOptions) {
    const v216 = versionNumber(o.version) >= versionNumber('2.16');
    const body = (html: string) => (o.plaintext ? htmlToText(html) : html);
    const parts = o.parts === 'none' ? [] : o.parts === undefined || o.parts === 'all' ? conv.parts.slice(-500) : o.parts;
    return {
      type: 'conversation',
      id: conv.id,
      title: conv.title,
      created_at: conv.created_at,
      updated_at: conv.updated_at,
      waiting_since: null,
      snoozed_until: conv.state === 'snoozed' ? conv.snoozed_until : null,
      open: conv.state !== 'closed',
      state: conv.state,
      read: conv.read,
      priority: v216 ? 'none' : 'not_priority',
      admin_assignee_id: v216 ? 0 : null,
      team_assignee_id: v216 ? 0 : null,
      tags: { type: 'tag.list', tags: conv.tags.map((t) => ({ type: 'tag', id: t.id, name: t.name })) },
      source: {
        type: 'conversation',
        id: conv.sourceId,
        delivered_as: 'customer_initiated',
        subject: conv.subject,
        body: body(conv.sourceBody),
        author: this.userAuthor(conv),
        attachments: [],
        url: null,
        redacted: false,
      },
      contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: conv.contact.id, external_id: null }] },
      teammates: null,
      first_contact_reply: { created_at: conv.created_at, type: 'conversation', url: null },
      custom_attributes: { ...conv.custom_attributes },
      conversation_rating: null,
      statistics: null,
      sla_applied: null,
      linked_objects: {
        type: 'list',
        data: conv.trackerTicketId ? [{ type: 'ticket', id: conv.trackerTicketId, category: 'Tracker' }] : [],
        total_count: conv.trackerTicketId ? 1 : 0,
        has_more: false,
      },
      ai_agent: null,
      ai_agent_participated: false,
      conversation_parts: {
        type: 'conversation_part.list',
        conversation_parts: parts.map((p) => ({
          type: 'conversation_part',
          id: p.id,
          part_type: p.part_type,
          body: body(p.body),
          created_at: p.created_at,
          updated_at: p.created_at,
          notified_at: p.created_at,
          assigned_to: null,
          author: { ...p.author, from_ai_agent: false, is_ai_answer: false },
          attachments: [],
          external_id: null,
          redacted: false,
          email_message_metadata: null,
          state: conv.state,
          tags: [],
          event_details: null,
          app_package_code: p.app_package_code,
        })),
        total_count: parts.length,
      },
    };
  }
}

export function valueFits(type: DataType, v: unknown, options: string[] = []): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'list':
      return typeof v === 'string' && options.includes(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'datetime':
      return (
        (typeof v === 'number' && Number.isInteger(v) && v >= 0) ||
        (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)))
      );
  }
}
