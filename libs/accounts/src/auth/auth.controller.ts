import { Body, Controller, Get, HttpCode, Inject, Ip, Post, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppError, ApiContract } from '@app/core';
import type { AppConfig } from '@app/core';
import { LoginDto, SignupDto } from '../dto/accounts.dto';
import { AuthService, toPublicUser } from './auth.service';
import { CurrentPrincipal, Public, RateCategory } from './decorators';
import { Principal, SESSION_COOKIE, SESSION_TTL_MS } from './principal';

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private setCookie(res: Response, token: string) {
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicUrl.startsWith('https:'),
      maxAge: SESSION_TTL_MS,
      path: '/',
    });
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @RateCategory('login')
  @ApiContract({ body: 'LoginRequest', data: 'LoginResponse' })
  async login(@Body() dto: LoginDto, @Ip() ip: string, @Res({ passthrough: true }) res: Response) {
    const { user, token } = await this.auth.login(dto.email, dto.password, ip);
    this.setCookie(res, token);
    return { user, token };
  }

  @Public()
  @Post('signup')
  @RateCategory('auth')
  @ApiContract({ body: 'SignupRequest', data: 'LoginResponse', status: 201 })
  async signup(@Body() dto: SignupDto, @Ip() ip: string, @Res({ passthrough: true }) res: Response) {
    if (!this.config.allowSignup) throw new AppError('SIGNUP_DISABLED', 'Signup is disabled on this installation (ALLOW_SIGNUP=false)');
    const { user, tenant, project } = await this.auth.createTenant(dto, ip);
    const { token } = await this.auth.createSession(user);
    this.setCookie(res, token);
    return { user: toPublicUser(user), tenant: { id: tenant.id, name: tenant.name }, project: { id: project.id, slug: project.slug }, token };
  }

  @Public()
  @Get('signup-enabled')
  @ApiContract({ data: 'SignupEnabledResponse' })
  signupEnabled() {
    return { enabled: this.config.allowSignup };
  }

  @Post('logout')
  @HttpCode(200)
  @RateCategory('read')
  @ApiContract({ data: 'LogoutResponse' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const header = String(req.headers.authorization ?? '');
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? req.cookies?.[SESSION_COOKIE];
    if (token && !token.startsWith('ss_')) await this.auth.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    return { loggedOut: true };
  }

  @Get('me')
  @ApiContract({ data: 'MeView' })
  me(@CurrentPrincipal() p: Principal) {
    return this.auth.me(p);
  }
}
