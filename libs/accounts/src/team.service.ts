import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull, QueryFailedError } from 'typeorm';
import type { RemovedMemberView, TeamMemberView } from '@app/contracts';
import { AppError } from '@app/core';
import { ApiKeyEntity, SessionEntity, UserEntity } from './accounts.entities';
import { AuthService, PublicUser, toPublicUser } from './auth/auth.service';
import type { Principal } from './auth/principal';
import { canChangeRole, UserRole } from './permissions';

@Injectable()
export class TeamService {
  private readonly logger = new Logger('team');

  constructor(
    private readonly ds: DataSource,
    private readonly auth: AuthService,
  ) {}

  async list(p: Principal): Promise<TeamMemberView[]> {
    const users = await this.ds.getRepository(UserEntity).find({ where: { tenantId: p.tenantId }, order: { createdAt: 'ASC' } });
    const counts: Array<{ createdBy: string; n: string }> = await this.ds
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .select('k.createdBy', 'createdBy')
      .addSelect('count(*)', 'n')
      .where('k.tenantId = :t AND k.revokedAt IS NULL AND k.createdBy IS NOT NULL', { t: p.tenantId })
      .groupBy('k.createdBy')
      .getRawMany();
    const byUser = new Map(counts.map((c) => [c.createdBy, Number(c.n)]));
    return users.map((u) => ({ ...toPublicUser(u), activeApiKeys: byUser.get(u.id) ?? 0 }));
  }

  /**
   * Emails are unique per tenant. An email already used in another tenant makes a separate account here, with the
   * password given (answers never say whether an email exists elsewhere); one already in this tenant — which the
   * team list shows anyway — is EMAIL_EXISTS.
   */
  async create(p: Principal, dto: { email: string; name: string; password: string; role: UserRole }): Promise<PublicUser> {
    const email = dto.email.trim().toLowerCase();
    const repo = this.ds.getRepository(UserEntity);
    const exists = () => new AppError('EMAIL_EXISTS', 'A member of this organisation already has this email');
    if (await repo.exists({ where: { tenantId: p.tenantId, email } })) throw exists();
    const passwordHash = await this.auth.hashNewPassword(email, dto.password, `user:${p.userId}`);
    let user: UserEntity;
    try {
      user = await repo.save(repo.create({ tenantId: p.tenantId, email, name: dto.name, role: dto.role, passwordHash }));
    } catch (e) {
      if (e instanceof QueryFailedError && (e as { driverError?: { code?: string } }).driverError?.code === '23505') throw exists();
      throw e;
    }
    this.logger.log({ event: 'team.member_added', actor: p.userId, target: user.id, role: user.role }, 'member added');
    return toPublicUser(user);
  }

  private async target(p: Principal, id: string): Promise<UserEntity> {
    const user = /^[0-9a-f-]{36}$/i.test(id) ? await this.ds.getRepository(UserEntity).findOne({ where: { id, tenantId: p.tenantId } }) : null;
    if (!user) throw new AppError('NOT_FOUND', 'Member not found');
    return user;
  }

  async updateRole(p: Principal, id: string, role: UserRole): Promise<PublicUser> {
    const user = await this.target(p, id);
    if (!canChangeRole({ id: p.userId!, role: p.role! }, { id: user.id, role: user.role }, role)) {
      throw new AppError('FORBIDDEN', role === 'owner' ? 'There is exactly one owner; ownership cannot be assigned' : "You cannot change this member's role");
    }
    const old = user.role;
    user.role = role;
    await this.ds.getRepository(UserEntity).save(user);
    this.logger.log({ event: 'team.role_changed', actor: p.userId, target: user.id, oldRole: old, newRole: role }, 'role changed');
    return toPublicUser(user);
  }

  /**
   * Removes the member, ends their sessions and revokes every API key they minted (reason `creator_removed`), in one
   * transaction. The user row goes first: a key being minted by them at that moment holds a lock on it (see
   * ApiKeysService.create), so it either commits before — and is revoked here — or finds its creator gone.
   */
  async remove(p: Principal, id: string): Promise<RemovedMemberView> {
    const user = await this.target(p, id);
    if (user.role === 'owner') throw new AppError('FORBIDDEN', 'The owner cannot be removed');
    if (user.id === p.userId) throw new AppError('FORBIDDEN', 'You cannot remove yourself');
    const revoked = await this.ds.transaction(async (m) => {
      await m.getRepository(UserEntity).delete({ id: user.id, tenantId: p.tenantId });
      await m.getRepository(SessionEntity).delete({ userId: user.id });
      const r = await m
        .getRepository(ApiKeyEntity)
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => 'now()', revokedReason: 'creator_removed' })
        .where({ createdBy: user.id, tenantId: p.tenantId, revokedAt: IsNull() })
        .execute();
      return r.affected ?? 0;
    });
    this.logger.log({ event: 'team.member_removed', actor: p.userId, target: user.id, revokedApiKeys: revoked }, 'member removed');
    return { ...toPublicUser(user), revokedApiKeys: revoked };
  }
}
