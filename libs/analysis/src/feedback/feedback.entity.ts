import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { FeedbackAccuracy } from '@app/contracts';
import { AnalysisEntity } from '../analysis.entity';

/** Feedback on an analysis: one per analysis and rater (a user or an API key); re-rating replaces it. */
@Entity('analysis_feedback')
@Index(['analysisId', 'rater'], { unique: true })
export class AnalysisFeedbackEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) analysisId: string;
  @ManyToOne(() => AnalysisEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'analysisId' })
  analysis?: AnalysisEntity;
  /** user:<id> or key:<id>. */
  @Column({ type: 'varchar', length: 80 }) rater: string;
  @Column({ type: 'varchar', length: 20 }) accuracy: FeedbackAccuracy;
  @Column({ type: 'varchar', length: 5000, nullable: true }) comment: string | null;
  @Column({ type: 'timestamptz' }) recordedAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
