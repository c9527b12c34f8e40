import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { LogEvidence } from '@app/contracts';
import { AnalysisEntity } from '../analysis.entity';

/** A follow-up question and the answer built from the analysis's own evidence (the result itself never changes). */
@Entity('analysis_followups')
@Index(['analysisId', 'createdAt'])
export class AnalysisFollowUpEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) analysisId: string;
  @ManyToOne(() => AnalysisEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'analysisId' })
  analysis?: AnalysisEntity;
  /** user:<id> or key:<id>. */
  @Column({ type: 'varchar', length: 80 }) askedBy: string;
  @Column({ type: 'varchar', length: 2000 }) question: string;
  @Column({ type: 'text' }) answer: string;
  @Column({ type: 'boolean' }) found: boolean;
  @Column({ type: 'jsonb', default: () => "'[]'" }) evidence: LogEvidence[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
