import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('log_sources')
export class LogSourceEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Index() @Column({ type: 'uuid' }) projectId: string;
  @Column({ type: 'varchar', length: 32 }) type: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  /** AES-256-GCM sealed JSON of the credential map; never returned. */
  @Column({ type: 'text' }) credentialsSealed: string;
  @Column({ type: 'text', array: true }) sources: string[];
  @Column({ type: 'varchar', length: 64, nullable: true }) region: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) settings: Record<string, unknown>;
  @Column({ type: 'boolean', default: true }) isActive: boolean;
  @Column({ type: 'timestamptz', nullable: true }) lastTestedAt: Date | null;
  @Column({ type: 'jsonb', nullable: true }) lastTestResult: { success: boolean; message: string } | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
