import { Module, OnModuleInit } from '@nestjs/common';
import { JobQueue } from '@app/core';
import { AnalysisPostsService } from './analysis-posts.service';
import { AttributesService } from './attributes.service';
import { BindingClients } from './binding-client';
import { BindingsController } from './bindings.controller';
import { BindingsService } from './bindings.service';
import { ConversationEventsService } from './conversation-events.service';
import { ConversationFactsPort } from './conversation-facts.port';
import { FinishedAnalysesPort } from './finished-analyses.port';
import { IngestService } from './ingest.service';
import { InstallService } from './install.service';
import { LiveBindings } from './live-bindings.service';
import { OAuthDoors } from './oauth-doors.service';
import { PostService } from './post.service';
import { ReconcileService } from './reconcile.service';
import { SupportDeskRegistry } from './provider';
import { ANALYSIS_POST_QUEUE, SUPPORT_DESK_EVENT_QUEUE } from './support-desk.queues';
import { UninstallService } from './uninstall.service';
import { WebhookDoor } from './http/webhook-door';

/**
 * The port to support platforms (architecture.md): bindings, install, ingest, posting, attributes, templates and the
 * provider registry. Platforms register a provider; features above (triage, analysis, incidents) use the exports.
 */
/** What support-desk offers the platforms and features above it. */
const SERVICES = [
  LiveBindings,
  BindingClients,
  BindingsService,
  OAuthDoors,
  InstallService,
  IngestService,
  WebhookDoor,
  UninstallService,
  PostService,
  AttributesService,
  ConversationEventsService,
  ConversationFactsPort,
  FinishedAnalysesPort,
  AnalysisPostsService,
  ReconcileService,
];

@Module({
  controllers: [BindingsController],
  providers: [{ provide: SupportDeskRegistry, useValue: new SupportDeskRegistry() }, ...SERVICES],
  exports: [SupportDeskRegistry, ...SERVICES],
})
export class SupportDeskModule implements OnModuleInit {
  constructor(private readonly queue: JobQueue) {}

  /** The queues support-desk owns are defined here, once (support-desk.queues.ts). */
  onModuleInit(): void {
    this.queue.define(SUPPORT_DESK_EVENT_QUEUE);
    this.queue.define(ANALYSIS_POST_QUEUE);
  }
}
