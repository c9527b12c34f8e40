import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiContract } from '@app/core';
import { ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RateCategory, RequirePermissions } from '@app/accounts';
import type { Principal } from '@app/accounts';
import { ProjectsService } from '@app/projects';
import { TriageRequestDto } from './dto/triage.dto';
import { ProjectCorrections } from './feedback/project-corrections';
import { TriageService } from './triage.service';

@ApiTags('triage')
@Controller('v1/triage')
export class TriageController {
  constructor(
    private readonly triage: TriageService,
    private readonly projects: ProjectsService,
    private readonly corrections: ProjectCorrections,
  ) {}

  /**
   * Triage a text (contract §8). With a project (key or X-Project-Id) its service catalogue, AI context and agents'
   * corrections are used.
   */
  @Post()
  @HttpCode(200)
  @RateCategory('read')
  @RequirePermissions('analysis:read')
  @ApiContract({ body: 'TriageRequest', data: 'TriageResult' })
  async run(@CurrentPrincipal() p: Principal, @Body() dto: TriageRequestDto, @Headers('x-project-id') projectId?: string) {
    const id = p.keyProjectId ?? projectId;
    const project = id ? await this.projects.get(p, id) : null;
    const corrections = project ? await this.corrections.forProject(project.id) : null;
    return this.triage.run({ ...dto, services: project?.services, llmContext: project?.llmContext, corrections });
  }
}
