import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One ticket for a query slot of a log source, shared by every worker (LOG_SOURCE_CONCURRENCY queries at a time per
 * source). A ticket waits, then runs; it is a lease: its holder refreshes `expiresAt`, and a ticket whose holder died
 * (crash, kill, lost host) expires and is removed by the next worker that looks, which frees the slot.
 */
@Entity('log_source_slots')
@Index('idx_log_source_slots_queue', ['logSourceId', 'state', 'enqueuedAt'])
export class LogSourceSlotEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'uuid' }) logSourceId: string;
  @Column({ type: 'uuid' }) projectId: string;
  /** Who holds it: worker process and purpose (for operators reading the table). */
  @Column({ type: 'varchar', length: 200 }) holder: string;
  /** `waiting` (in line, first in first out) or `running`. */
  @Column({ type: 'varchar', length: 8 }) state: 'waiting' | 'running';
  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' }) enqueuedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) grantedAt: Date | null;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
}
