import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { TriageFeedbackAuthor } from '@app/contracts';
import { ProjectEntity } from '@app/projects';

/**
 * An agent's correction of a conversation's triage: a labelled example of its project (who, when, before → after,
 * the text as triaged). Undone corrections stay (with `undoneAt`) but no longer teach. Deleted with the project.
 */
@Entity('triage_corrections')
@Index(['projectId', 'createdAt'])
@Index(['bindingId', 'conversationId', 'createdAt'])
export class TriageCorrectionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'projectId' })
  project?: ProjectEntity;
  @Column({ type: 'uuid' }) bindingId: string;
  @Column({ type: 'varchar', length: 64 }) conversationId: string;
  /** The triage that was corrected, and the triage row the correction wrote (reason `correction`). */
  @Column({ type: 'uuid' }) correctedTriageId: string;
  @Column({ type: 'uuid', nullable: true }) triageId: string | null;
  @Column({ type: 'varchar', length: 500, nullable: true }) subject: string | null;
  /** The customer's text as triaged. */
  @Column({ type: 'text' }) text: string;
  @Column({ type: 'varchar', length: 16 }) beforeSeverity: string;
  @Column({ type: 'varchar', length: 100, nullable: true }) beforeService: string | null;
  /** The severity the agent set; null = left as triaged. */
  @Column({ type: 'varchar', length: 16, nullable: true }) severity: string | null;
  /** Whether the agent set the service (then `affectedService`, null = no service). */
  @Column({ type: 'boolean' }) serviceSet: boolean;
  @Column({ type: 'varchar', length: 100, nullable: true }) affectedService: string | null;
  @Column({ type: 'jsonb' }) author: TriageFeedbackAuthor;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) undoneAt: Date | null;
  @Column({ type: 'jsonb', nullable: true }) undoneBy: TriageFeedbackAuthor | null;
}

/** A learned word an admin removed from a project: it is not learned again. Deleted with the project. */
@Entity('triage_removed_words')
@Index(['projectId', 'word'], { unique: true })
export class TriageRemovedWordEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) projectId: string;
  @ManyToOne(() => ProjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'projectId' })
  project?: ProjectEntity;
  @Column({ type: 'varchar', length: 100 }) word: string;
  @Column({ type: 'jsonb' }) removedBy: TriageFeedbackAuthor;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
