import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/core';
import { ProjectDirectoryPort } from '../project-directory.port';
import { AuthService } from './auth.service';
import { META_DASHBOARD_ONLY, META_ORG_LEVEL, META_PERMISSIONS, META_PROJECT_SCOPED, META_PUBLIC, META_PUBLIC_KEY_OK } from './decorators';
import { Principal, SESSION_COOKIE } from './principal';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Authentication and authorisation for /v1 (contract §3): session (cookie or bearer) or API key, permission matrix,
 * key-type rules, the project context, and the CSRF rule for cookie-authenticated writes.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly projects: ProjectDirectoryPort,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest();
    const meta = <T>(key: string) => this.reflector.getAllAndOverride<T>(key, [ctx.getHandler(), ctx.getClass()]);
    if (!String(req.path).startsWith('/v1') || meta<boolean>(META_PUBLIC)) return true;

    const header = String(req.headers.authorization ?? '');
    let token: string | null = null;
    let viaCookie = false;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new AppError('UNAUTHORIZED', 'Malformed Authorization header: use "Bearer <key or session token>"');
      token = m[1];
    } else if (req.cookies?.[SESSION_COOKIE]) {
      token = String(req.cookies[SESSION_COOKIE]);
      viaCookie = true;
    }
    if (!token) throw new AppError('UNAUTHORIZED', 'Authentication required: send "Authorization: Bearer <key>" or log in');
    const p: Principal = await this.auth.resolve(token, viaCookie);
    req.principal = p;

    if (viaCookie && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
      const ct = String(req.headers['content-type'] ?? '');
      if (!/^application\/json\b/i.test(ct))
        throw new AppError('FORBIDDEN', 'Cookie-authenticated writes need Content-Type: application/json (CSRF protection)');
    }
    if (p.kind === 'apiKey') {
      if (meta<boolean>(META_DASHBOARD_ONLY)) throw new AppError('DASHBOARD_ONLY', 'This action is only available from the dashboard');
      if (p.keyType === 'public' && !meta<boolean>(META_PUBLIC_KEY_OK))
        throw new AppError('SECRET_KEY_REQUIRED', 'A public key cannot call this endpoint: use a secret or org key');
      if (meta<boolean>(META_ORG_LEVEL) && p.keyType !== 'org') throw new AppError('ORG_KEY_REQUIRED', 'This endpoint needs an org key (ss_org_)');
    }
    const needed = meta<string[]>(META_PERMISSIONS) ?? [];
    const missing = needed.filter((n) => !p.permissions.has(n));
    if (missing.length) throw new AppError('FORBIDDEN', `Missing permission: ${missing.join(', ')}`);

    if (meta<boolean>(META_PROJECT_SCOPED)) req.project = await this.resolveProject(p, req.headers['x-project-id']);
    return true;
  }

  private async resolveProject(p: Principal, rawHeader: unknown) {
    const header = typeof rawHeader === 'string' && rawHeader.trim() ? rawHeader.trim() : null;
    let id: string;
    if (p.keyProjectId) {
      if (header && header !== p.keyProjectId) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
      id = p.keyProjectId;
    } else {
      if (!header) throw new AppError('MISSING_PROJECT_ID', 'X-Project-Id header is required for this endpoint');
      id = header;
    }
    if (!UUID.test(id)) throw new AppError('NOT_FOUND', 'Project not found');
    const project = await this.projects.findInTenant(p.tenantId, id);
    if (!project) throw new AppError('NOT_FOUND', 'Project not found');
    return { id: project.id, tenantId: project.tenantId, slug: project.slug, name: project.name };
  }
}
