import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { AnalysisEntity } from '../analysis.entity';

/** One screenshot per analysis, stored in PostgreSQL (replicas share no disk), sealed with AES-256-GCM. */
@Entity('analysis_screenshots')
export class AnalysisScreenshotEntity {
  @PrimaryColumn('uuid') analysisId: string;
  @OneToOne(() => AnalysisEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'analysisId' })
  analysis?: AnalysisEntity;
  /** Detected from the bytes (never the client's declared type). */
  @Column({ type: 'varchar', length: 32 }) mimeType: string;
  @Column({ type: 'integer' }) sizeBytes: number;
  /** SecretBox.sealBytes of the image. */
  @Column({ type: 'bytea' }) imageSealed: Buffer;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
