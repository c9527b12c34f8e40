import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { TriageReason, TriageResult } from '@app/contracts';

/** A triage of a conversation (the first one, and one per customer reply). */
@Entity('triages')
@Index(['bindingId', 'conversationId', 'createdAt'])
export class TriageEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64 }) conversationId: string;
  @Index({ unique: true }) @Column({ type: 'uuid' }) eventId: string;
  @Column({ type: 'varchar', length: 16 }) reason: TriageReason;
  @Column({ type: 'varchar', length: 500, nullable: true }) subject: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) customerName: string | null;
  /** The conversation text the triage read (customer parts only), for later re-triage. */
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'timestamptz' }) conversationCreatedAt: Date;
  @Column({ type: 'varchar', length: 16 }) severity: string;
  @Column({ type: 'varchar', length: 100, nullable: true }) affectedService: string | null;
  @Column({ type: 'jsonb' }) result: TriageResult;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
