import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AnalysisResult, AnalysisStatus, AnalysisTrigger, Severity } from '@app/contracts';

@Entity('analyses')
@Index(['projectId', 'createdAt'])
export class AnalysisEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'varchar', length: 16 }) status: AnalysisStatus;
  @Column({ type: 'varchar', length: 5000 }) description: string;
  @Column({ type: 'timestamptz' }) timeStart: Date;
  @Column({ type: 'timestamptz' }) timeEnd: Date;
  @Column({ type: 'jsonb', default: () => "'{}'" }) metadata: Record<string, string>;
  @Column({ type: 'varchar', length: 16 }) trigger: AnalysisTrigger;
  /** user:<id> or key:<id> or support_desk:<bindingId>. */
  @Column({ type: 'varchar', length: 80, nullable: true }) triggeredBy: string | null;
  @Index() @Column({ type: 'uuid', nullable: true }) bindingId: string | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) conversationId: string | null;
  @Column({ type: 'varchar', length: 16, nullable: true }) severity: Severity | null;
  @Column({ type: 'jsonb', nullable: true }) result: AnalysisResult | null;
  @Column({ type: 'varchar', length: 64, nullable: true }) errorCode: string | null;
  @Column({ type: 'varchar', length: 1000, nullable: true }) errorMessage: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) partialReasons: string[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ type: 'integer', nullable: true }) processingTimeMs: number | null;
}
