import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ServiceDefinition } from '@app/contracts';

@Entity('projects')
@Index(['tenantId', 'slug'], { unique: true })
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 100 }) slug: string;
  @Column({ type: 'varchar', length: 1000, nullable: true }) description: string | null;
  @Column({ type: 'boolean', default: false }) isDefault: boolean;
  @Column({ type: 'varchar', length: 2000, nullable: true }) llmContext: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) services: ServiceDefinition[];
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
