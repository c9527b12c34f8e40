import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AttributeMapping, AutoAnalyzeThreshold, BindingInstaller, BindingStatus, BindingSubscriptions, PostingMode } from '@app/contracts';

export { MAPPABLE_FIELDS } from '@app/contracts';
export type { AttributeMapping, BindingStatus, BindingSubscriptions, MappableField, PostingMode } from '@app/contracts';

/** Problems recorded by the pipeline, turned into health checks on read. */
export interface BindingHealthState {
  tokenRejectedSince?: string | null;
  replyAdminMissingSince?: string | null;
  /** the reply-as admin that was gone, and the admin (the token's own) posts are made as meanwhile */
  replyAdminMissing?: { adminId: string; fallbackAdminId: string; since: string } | null;
  attributeRejected?: { names: string[]; since: string } | null;
  /** values not among a list attribute's options: skipped (attribute name → the value refused) */
  attributeValueRejected?: { values: Record<string, string>; since: string } | null;
  /** calls refused for a missing permission, by client method: which call, which permission, since when */
  permissionMissing?: Record<string, { call: string; permission: string; since: string }> | null;
}

/** What the last reconciliation of a binding did (health `reconciliation`). */
export interface ReconcileState {
  lastRunAt: string;
  /** the run looked for conversations updated since this point */
  since: string;
  scanned: number;
  recovered: { conversations: number; replies: number };
  /** recovered since the binding was (re)activated */
  recoveredTotal: number;
  errors: string[];
  /** when the last run without errors ended */
  lastOkAt: string | null;
  /** where the next run starts (a complete run moves it on; an interrupted one leaves it) */
  nextSince?: string;
}

/** One connected support-desk workspace for one project (contract §7). */
@Entity('support_desk_bindings')
@Index('uq_binding_workspace_live', ['platform', 'workspaceId'], { unique: true, where: `"status" <> 'inactive'` })
export class BindingEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @Index() @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'varchar', length: 32 }) platform: string;
  @Column({ type: 'varchar', length: 128 }) workspaceId: string;
  @Column({ type: 'varchar', length: 255 }) workspaceName: string;
  @Column({ type: 'varchar', length: 8 }) region: string;
  @Column({ type: 'varchar', length: 64 }) timezone: string;
  @Column({ type: 'varchar', length: 20 }) status: BindingStatus;
  @Column({ type: 'varchar', length: 32, nullable: true }) inactiveReason: string | null;
  /** AES-256-GCM sealed access token; null once revoked. Never returned. */
  @Column({ type: 'text', nullable: true }) tokenSealed: string | null;
  @Column({ type: 'jsonb' }) installedBy: BindingInstaller;
  @Column({ type: 'timestamptz' }) installedAt: Date;
  @Column({ type: 'varchar', length: 64, nullable: true }) replyAsAdminId: string | null;
  @Column({ type: 'jsonb' }) subscriptions: BindingSubscriptions;
  @Column({ type: 'varchar', length: 16, default: 'internal' }) postingMode: PostingMode;
  @Column({ type: 'varchar', length: 16, default: 'high' }) autoAnalyzeThreshold: AutoAnalyzeThreshold;
  @Column({ type: 'integer', default: 2 }) timeBufferHours: number;
  @Column({ type: 'jsonb', default: () => "'{}'" }) attributeMapping: AttributeMapping;
  @Column({ type: 'text', nullable: true }) publicReplyTemplate: string | null;
  /** The "update all customers" template of incidents (contract §11); null = the default. */
  @Column({ type: 'text', nullable: true }) incidentUpdateTemplate: string | null;
  /** Mirror incidents as the platform's tracker tickets (contract §11); off by default. */
  @Column({ type: 'jsonb', default: () => `'{"enabled": false, "ticketTypeId": null}'` }) trackerTickets: { enabled: boolean; ticketTypeId: string | null };
  @Column({ type: 'jsonb', default: () => "'{}'" }) healthState: BindingHealthState;
  @Column({ type: 'jsonb', nullable: true }) attributeCache: {
    fetchedAt: string;
    attributes: Array<{ name: string; dataType: string; apiWritable: boolean }>;
  } | null;
  @Column({ type: 'timestamptz', nullable: true }) lastEventAt: Date | null;
  /** Reconciliation: the last run (health), when it ended, who holds it now (lease), where the next one starts. */
  @Column({ type: 'jsonb', nullable: true }) reconcileState: ReconcileState | null;
  @Column({ type: 'timestamptz', nullable: true }) reconciledAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) reconcileLeaseUntil: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) reconcileSince: Date | null;
  /** The last GET /me probe caused by an unsigned uninstall notice (at most one per 5 minutes). */
  @Column({ type: 'timestamptz', nullable: true }) uninstallProbeAt: Date | null;
  /** Our app's package code as the platform showed it on one of our posts (parts with it are ours). */
  @Column({ type: 'varchar', length: 64, nullable: true }) appPackageCode: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/**
 * Customer content handled once (ConversationUnit): written with the event that brings it, by a webhook or by
 * reconciliation, whichever comes first; the other finds it here and only records its event.
 */
@Entity('support_desk_handled_units')
export class HandledUnitEntity {
  @PrimaryColumn({ type: 'uuid' }) bindingId: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) conversationId: string;
  @PrimaryColumn({ type: 'varchar', length: 80 }) unit: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Server-held OAuth state: single use, hashed, bound to user and project, 10-minute expiry. */
@Entity('oauth_states')
export class OAuthStateEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index({ unique: true }) @Column({ type: 'char', length: 64 }) stateHash: string;
  @Column({ type: 'varchar', length: 32 }) platform: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) userId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'varchar', length: 16, default: 'dashboard' }) flow: 'dashboard' | 'app_store';
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) usedAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** Every accepted inbound notification (deduplicated on the platform's notification id). */
@Entity('support_desk_events')
@Index('uq_event_notification', ['platform', 'notificationId'], { unique: true })
export class SupportDeskEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 32 }) platform: string;
  @Column({ type: 'varchar', length: 200 }) notificationId: string;
  @Column({ type: 'varchar', length: 100 }) topic: string;
  @Column({ type: 'varchar', length: 40 }) event: string;
  @Column({ type: 'varchar', length: 16 }) action: 'triage' | 'retriage' | 'record';
  @Column({ type: 'varchar', length: 128 }) workspaceId: string;
  @Index() @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) conversationId: string | null;
  /** The notification as received (`json`: its text, not parsed into jsonb; see migration EventPayloadJson). */
  @Column({ type: 'json' }) payload: unknown;
  @Column({ type: 'varchar', length: 128, nullable: true }) requestId: string | null;
  @Column({ type: 'varchar', length: 16, default: 'received' }) status: 'received' | 'processed' | 'ignored' | 'failed';
  @Column({ type: 'varchar', length: 500, nullable: true }) note: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) receivedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) processedAt: Date | null;
}

/** One message we post (note or public reply), recorded before the call: exactly-once is ours. */
@Entity('support_desk_posts')
@Index('uq_post_purpose', ['bindingId', 'conversationId', 'purpose'], { unique: true })
export class PostEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64 }) conversationId: string;
  @Column({ type: 'varchar', length: 120 }) purpose: string;
  @Column({ type: 'varchar', length: 16 }) visibility: 'internal' | 'public';
  @Index() @Column({ type: 'varchar', length: 16 }) ref: string;
  @Column({ type: 'varchar', length: 16 }) status: 'started' | 'completed' | 'failed';
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'varchar', length: 64, nullable: true }) partId: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) error: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
}
