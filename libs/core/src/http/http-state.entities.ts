import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Fixed-window request counters shared by every api replica (contract §2 RATE_LIMIT_*). */
@Entity('rate_limit_counters')
export class RateLimitCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 }) key: string;
  @PrimaryColumn({ type: 'timestamptz' }) windowStart: Date;
  @Column({ type: 'integer' }) count: number;
}

/** Cached responses of creates sent with Idempotency-Key (reference §5.1). */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 }) scope: string;
  @PrimaryColumn({ type: 'varchar', length: 255 }) key: string;
  @Column({ type: 'char', length: 64 }) requestHash: string;
  @Column({ type: 'integer' }) status: number;
  @Column({ type: 'jsonb' }) body: unknown;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
