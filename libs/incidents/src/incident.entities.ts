import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { IncidentAnalysisReason, IncidentEventKind, IncidentLinkedBy, IncidentStatus, RootCauseCategory, Severity } from '@app/contracts';

/** One outage as customers report it (contract §11). `number` makes its ref `INC-<n>`, per project. */
@Entity('incidents')
@Index('uq_incident_number', ['projectId', 'number'], { unique: true })
@Index(['projectId', 'status', 'lastSeenAt'])
export class IncidentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'integer' }) number: number;
  @Column({ type: 'varchar', length: 16 }) status: IncidentStatus;
  @Column({ type: 'varchar', length: 200 }) title: string;
  /** `auto`: made from the service and the analysis's category; `admin`: set through the API, kept. */
  @Column({ type: 'varchar', length: 16, default: 'auto' }) titleSetBy: 'auto' | 'admin';
  @Column({ type: 'varchar', length: 100, nullable: true }) service: string | null;
  @Column({ type: 'varchar', length: 16 }) severity: Severity;
  @Column({ type: 'timestamptz' }) firstSeenAt: Date;
  @Column({ type: 'timestamptz' }) lastSeenAt: Date;
  @Column({ type: 'integer', default: 0 }) conversationCount: number;
  /** The latest analysis of the incident. */
  @Column({ type: 'uuid', nullable: true }) analysisId: string | null;
  /** The incident's severity when its latest analysis was started (a re-analysis needs a higher one). */
  @Column({ type: 'varchar', length: 16, nullable: true }) analysisSeverity: Severity | null;
  /** Root-cause category of the latest finished analysis (part of the automatic title). */
  @Column({ type: 'varchar', length: 32, nullable: true }) category: RootCauseCategory | null;
  /** Terms of the top log signatures of the latest finished analysis (grouping evidence). */
  @Column({ type: 'jsonb', default: () => "'[]'" }) signatureTerms: string[][];
  @Column({ type: 'uuid', nullable: true }) mergedIntoId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
}

/**
 * A conversation's place in an incident: one row per conversation. `unlinked` (by an agent) stays, so the
 * conversation is never linked automatically again.
 */
@Entity('incident_conversations')
@Index('uq_incident_conversation', ['bindingId', 'conversationId'], { unique: true })
/** An incident's conversations, most recent first (grouping compares an arrival with the latest ones only). */
@Index('idx_incident_conversations_recent', ['incidentId', 'seenAt'])
export class IncidentConversationEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) incidentId: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64 }) conversationId: string;
  @Column({ type: 'varchar', length: 16 }) status: 'linked' | 'unlinked';
  @Column({ type: 'varchar', length: 16 }) linkedBy: IncidentLinkedBy;
  @Column({ type: 'varchar', length: 1000 }) reason: string;
  /** The triage that linked it or last updated it (a retried job finds its own answer). */
  @Column({ type: 'uuid', nullable: true }) triageId: string | null;
  @Column({ type: 'varchar', length: 16 }) severity: Severity;
  @Column({ type: 'varchar', length: 100, nullable: true }) service: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) customerName: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) subject: string | null;
  /** Terms of the customer's words (grouping evidence for the next arrivals). */
  @Column({ type: 'jsonb', default: () => "'[]'" }) terms: string[];
  @Column({ type: 'timestamptz' }) windowStart: Date;
  @Column({ type: 'timestamptz' }) windowEnd: Date;
  /** When the conversation (or the reply that moved it) happened. */
  @Column({ type: 'timestamptz' }) seenAt: Date;
  @Column({ type: 'timestamptz' }) linkedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) unlinkedAt: Date | null;
  @Column({ type: 'varchar', length: 120, nullable: true }) unlinkedBy: string | null;
  /** The tracker ticket (platform id) this conversation is linked to, if any. */
  @Column({ type: 'varchar', length: 64, nullable: true }) trackerTicketId: string | null;
}

/** The analyses run for an incident, and why. */
@Entity('incident_analyses')
export class IncidentAnalysisEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) incidentId: string;
  @Index({ unique: true }) @Column({ type: 'uuid' }) analysisId: string;
  @Column({ type: 'varchar', length: 16 }) reason: IncidentAnalysisReason;
  @Column({ type: 'varchar', length: 16 }) severity: Severity;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** The incident's timeline. */
@Entity('incident_events')
@Index(['incidentId', 'at'])
export class IncidentEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) incidentId: string;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ type: 'varchar', length: 32 }) kind: IncidentEventKind;
  @Column({ type: 'varchar', length: 1000 }) detail: string;
}

/** One "update all customers". */
@Entity('incident_updates')
export class IncidentUpdateEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) incidentId: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'text' }) message: string;
  @Column({ type: 'boolean', default: false }) resolve: boolean;
  @Column({ type: 'varchar', length: 120, nullable: true }) createdBy: string | null;
  @Column({ type: 'integer' }) conversations: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** One conversation's copy of an update: posted exactly once (the post record is support-desk's). */
@Entity('incident_update_deliveries')
@Index('uq_update_delivery', ['updateId', 'bindingId', 'conversationId'], { unique: true })
export class IncidentUpdateDeliveryEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) updateId: string;
  @Column({ type: 'uuid' }) incidentId: string;
  @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64 }) conversationId: string;
  @Column({ type: 'varchar', length: 16 }) status: 'pending' | 'posted' | 'failed' | 'skipped';
  @Column({ type: 'varchar', length: 500, nullable: true }) error: string | null;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

/** The incident's tracker ticket in one binding's workspace (optional per binding). */
@Entity('incident_trackers')
@Index('uq_incident_tracker', ['incidentId', 'bindingId'], { unique: true })
export class IncidentTrackerEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) incidentId: string;
  @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64, nullable: true }) ticketId: string | null;
  /** The title last written to the ticket (it follows the incident's). */
  @Column({ type: 'varchar', length: 250, nullable: true }) title: string | null;
  /** The conversation the ticket is created with (a retried create finds the ticket through it). */
  @Column({ type: 'varchar', length: 64, nullable: true }) seedConversationId: string | null;
  @Column({ type: 'varchar', length: 16 }) status: 'creating' | 'created' | 'resolved' | 'failed';
  @Column({ type: 'integer', default: 0 }) attempts: number;
  @Column({ type: 'varchar', length: 500, nullable: true }) error: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

export const INCIDENT_ENTITIES = [
  IncidentEntity,
  IncidentConversationEntity,
  IncidentAnalysisEntity,
  IncidentEventEntity,
  IncidentUpdateEntity,
  IncidentUpdateDeliveryEntity,
  IncidentTrackerEntity,
];
