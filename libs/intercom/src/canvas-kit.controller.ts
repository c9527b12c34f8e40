import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, RequirePermissions } from '@app/accounts/auth/decorators';
import type { Principal } from '@app/accounts/auth/principal';
import { AppError } from '@app/core/errors/error-codes';
import { RawResponse } from '@app/core/http/decorators';
import { BindingsService } from '@app/support-desk/bindings.service';
import { CanvasKitService } from './canvas-kit.service';
import { IntercomProvider } from './intercom.provider';

type RawReq = Request & { rawBody?: Buffer; rawBodyTooLarge?: boolean };

/** Canvas Kit initialize/submit (X-Body-Signature over the raw body) and the SPA's preview of the same canvas. */
@ApiTags('intercom')
@Controller()
export class CanvasKitController {
  constructor(
    private readonly canvas: CanvasKitService,
    private readonly provider: IntercomProvider,
    private readonly bindings: BindingsService,
  ) {}

  private parse(req: RawReq, res: Response): Record<string, unknown> | null {
    if (req.rawBodyTooLarge) {
      res.status(413).json({ error: 'body over 1 MB' });
      return null;
    }
    const raw = req.rawBody ?? Buffer.alloc(0);
    if (!this.provider.verifyBodySignature(raw, req.headers)) {
      res.status(401).json({ error: 'invalid X-Body-Signature' });
      return null;
    }
    try {
      const body = JSON.parse(raw.toString('utf8'));
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
      return body;
    } catch {
      res.status(400).json({ error: 'body is not a JSON object' });
      return null;
    }
  }

  @Post('canvas-kit/intercom/initialize')
  @RawResponse()
  @ApiExcludeEndpoint()
  async initialize(@Req() req: RawReq, @Res() res: Response) {
    const body = this.parse(req, res);
    if (body) res.status(200).json(await this.canvas.initialize(body));
  }

  @Post('canvas-kit/intercom/submit')
  @RawResponse()
  @ApiExcludeEndpoint()
  async submit(@Req() req: RawReq, @Res() res: Response) {
    const body = this.parse(req, res);
    if (body) res.status(200).json(await this.canvas.submit(body));
  }

  @Get('v1/support-desk/conversations/:bindingId/:conversationId/canvas')
  @RequirePermissions('analysis:read')
  async preview(@CurrentPrincipal() p: Principal, @Param('bindingId') bindingId: string, @Param('conversationId') conversationId: string) {
    const b = await this.bindings.findInTenant(p.tenantId, bindingId);
    if (p.keyProjectId && p.keyProjectId !== b.projectId) throw new AppError('WRONG_PROJECT', 'This key belongs to another project');
    return this.canvas.preview(b, conversationId);
  }
}
