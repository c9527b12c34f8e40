import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '@app/core';
import { SessionEntity, UserEntity } from './accounts.entities';
import { PublicUser, toPublicUser } from './auth/auth.service';
import type { Principal } from './auth/principal';
import { hashPassword } from './password';
import { canChangeRole, UserRole } from './permissions';

@Injectable()
export class TeamService {
  private readonly logger = new Logger('team');

  constructor(private readonly ds: DataSource) {}

  async list(p: Principal): Promise<PublicUser[]> {
    const users = await this.ds.getRepository(UserEntity).find({ where: { tenantId: p.tenantId }, order: { createdAt: 'ASC' } });
    return users.map(toPublicUser);
  }

  async create(p: Principal, dto: { email: string; name: string; password: string; role: UserRole }): Promise<PublicUser> {
    const email = dto.email.trim().toLowerCase();
    if (await this.ds.getRepository(UserEntity).exists({ where: { email } })) throw new AppError('EMAIL_EXISTS', 'An account with this email already exists');
    const user = await this.ds
      .getRepository(UserEntity)
      .save(
        this.ds
          .getRepository(UserEntity)
          .create({ tenantId: p.tenantId, email, name: dto.name, role: dto.role, passwordHash: await hashPassword(dto.password) }),
      );
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

  async remove(p: Principal, id: string): Promise<PublicUser> {
    const user = await this.target(p, id);
    if (user.role === 'owner') throw new AppError('FORBIDDEN', 'The owner cannot be removed');
    if (user.id === p.userId) throw new AppError('FORBIDDEN', 'You cannot remove yourself');
    await this.ds.transaction(async (m) => {
      await m.getRepository(SessionEntity).delete({ userId: user.id });
      await m.getRepository(UserEntity).delete({ id: user.id });
    });
    this.logger.log({ event: 'team.member_removed', actor: p.userId, target: user.id }, 'member removed');
    return toPublicUser(user);
  }
}
