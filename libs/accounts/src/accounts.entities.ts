import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { KeyType, UserRole } from './permissions';

export type ApiKeyRevokedReason = 'manual' | 'creator_removed';

@Entity('tenants')
export class TenantEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** An email is unique within a tenant; the same email may hold separate accounts in several tenants (issue 19.8). */
@Entity('users')
@Index('uq_users_tenant_email', ['tenantId', 'email'], { unique: true })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @Index() @Column({ type: 'varchar', length: 320 }) email: string;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 255 }) passwordHash: string;
  @Column({ type: 'varchar', length: 16 }) role: UserRole;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}

@Entity('sessions')
export class SessionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index({ unique: true }) @Column({ type: 'char', length: 64 }) tokenHash: string;
  @Index() @Column({ type: 'uuid' }) userId: string;
  @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'timestamptz' }) expiresAt: Date;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index() @Column({ type: 'uuid' }) tenantId: string;
  @Column({ type: 'uuid', nullable: true }) projectId: string | null;
  @Column({ type: 'varchar', length: 255 }) name: string;
  @Column({ type: 'varchar', length: 8 }) type: KeyType;
  @Column({ type: 'varchar', length: 32 }) prefix: string;
  @Index({ unique: true }) @Column({ type: 'char', length: 64 }) keyHash: string;
  @Column({ type: 'text', array: true }) permissions: string[];
  @Index() @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) lastUsedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) revokedAt: Date | null;
  /** Why it was revoked: `manual` (DELETE /v1/config/api-keys/:id) or `creator_removed` (its creator left the team). */
  @Column({ type: 'varchar', length: 32, nullable: true }) revokedReason: ApiKeyRevokedReason | null;
}

/**
 * Addresses that logged in successfully to an account (an email, hashed) in the last 30 days: while password checks
 * are queued, their logins go first (the owner's usual network is not slowed by a flood from elsewhere).
 */
@Entity('login_known_addresses')
export class LoginKnownAddressEntity {
  @PrimaryColumn({ type: 'char', length: 32 }) accountKey: string;
  @PrimaryColumn({ type: 'varchar', length: 64 }) addressKey: string;
  @Index() @Column({ type: 'timestamptz' }) lastSuccessAt: Date;
}
