import { Controller, Get, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermissions, type Principal } from '@app/accounts';
import { ApiContract } from '@app/core';
import { AnswerFilter } from '@app/support-desk';
import type { CanvasResponse } from './canvas';
import { CanvasKitService } from './canvas-kit.service';
import { CanvasRequest } from './canvas-request.decorator';
import { IntercomSigned } from './intercom-signature.guard';

/** Canvas Kit initialize/submit (X-Body-Signature over the raw body) and the SPA's preview of the same canvas. */
@ApiTags('intercom')
@Controller()
@UseFilters(AnswerFilter)
export class CanvasKitController {
  constructor(private readonly canvas: CanvasKitService) {}

  @Post('canvas-kit/intercom/initialize')
  @HttpCode(200)
  @IntercomSigned('canvas')
  @ApiExcludeEndpoint()
  initialize(@CanvasRequest() body: Record<string, unknown>): Promise<CanvasResponse> {
    return this.canvas.initialize(body);
  }

  @Post('canvas-kit/intercom/submit')
  @HttpCode(200)
  @IntercomSigned('canvas')
  @ApiExcludeEndpoint()
  submit(@CanvasRequest() body: Record<string, unknown>): Promise<CanvasResponse> {
    return this.canvas.submit(body);
  }

  @Get('v1/support-desk/conversations/:bindingId/:conversationId/canvas')
  @RequirePermissions('analysis:read')
  @ApiContract({ data: 'CanvasResponse' })
  preview(@CurrentPrincipal() p: Principal, @Param('bindingId') bindingId: string, @Param('conversationId') conversationId: string): Promise<CanvasResponse> {
    return this.canvas.preview(p, bindingId, conversationId);
  }
}
