import { MigrationInterface, QueryRunner } from 'typeorm';

export class SupportDesk1795495440937 implements MigrationInterface {
  name = 'SupportDesk1795495440937';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "support_desk_bindings" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "platform" character varying(32) NOT NULL, "workspaceId" character varying(128) NOT NULL, "workspaceName" character varying(255) NOT NULL, "region" character varying(8) NOT NULL, "timezone" character varying(64) NOT NULL, "status" character varying(20) NOT NULL, "inactiveReason" character varying(32), "tokenSealed" text, "installedBy" jsonb NOT NULL, "installedAt" TIMESTAMP WITH TIME ZONE NOT NULL, "replyAsAdminId" character varying(64), "subscriptions" jsonb NOT NULL, "postingMode" character varying(16) NOT NULL DEFAULT 'internal', "autoAnalyzeThreshold" character varying(16) NOT NULL DEFAULT 'high', "timeBufferHours" integer NOT NULL DEFAULT '2', "attributeMapping" jsonb NOT NULL DEFAULT '{}', "publicReplyTemplate" text, "healthState" jsonb NOT NULL DEFAULT '{}', "attributeCache" jsonb, "lastEventAt" TIMESTAMP WITH TIME ZONE, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bad321204c94e9358767d7a7924" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_014d078eec76253839e731ba01" ON "support_desk_bindings"  ("tenantId") `);
    await queryRunner.query(`CREATE INDEX "IDX_63c006d46677d836cb798a79c0" ON "support_desk_bindings"  ("projectId") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_binding_workspace_live" ON "support_desk_bindings"  ("platform", "workspaceId") WHERE "status" <> 'inactive'`,
    );
    await queryRunner.query(
      `CREATE TABLE "oauth_states" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "stateHash" character(64) NOT NULL, "platform" character varying(32) NOT NULL, "tenantId" uuid NOT NULL, "userId" uuid NOT NULL, "projectId" uuid NOT NULL, "flow" character varying(16) NOT NULL DEFAULT 'dashboard', "expiresAt" TIMESTAMP WITH TIME ZONE NOT NULL, "usedAt" TIMESTAMP WITH TIME ZONE, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c9df6e4203e8ca042bfe5bd00ec" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_ecbb987b8ec2ae8adc4b1e33a9" ON "oauth_states"  ("stateHash") `);
    await queryRunner.query(
      `CREATE TABLE "support_desk_events" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "platform" character varying(32) NOT NULL, "notificationId" character varying(200) NOT NULL, "topic" character varying(100) NOT NULL, "event" character varying(40) NOT NULL, "action" character varying(16) NOT NULL, "workspaceId" character varying(128) NOT NULL, "bindingId" uuid NOT NULL, "conversationId" character varying(64), "payload" jsonb NOT NULL, "requestId" character varying(128), "status" character varying(16) NOT NULL DEFAULT 'received', "note" character varying(500), "receivedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_70d0b2f5d350ead5751d0a87cb8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_45917ae8b610219181f0d670d3" ON "support_desk_events"  ("bindingId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_event_notification" ON "support_desk_events"  ("platform", "notificationId") `);
    await queryRunner.query(
      `CREATE TABLE "triages" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "bindingId" uuid NOT NULL, "conversationId" character varying(64) NOT NULL, "eventId" uuid NOT NULL, "reason" character varying(16) NOT NULL, "subject" character varying(500), "customerName" character varying(255), "text" text NOT NULL, "conversationCreatedAt" TIMESTAMP WITH TIME ZONE NOT NULL, "severity" character varying(16) NOT NULL, "affectedService" character varying(100), "result" jsonb NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9d9bf41142b9f10d656877220bf" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_9c015904b5a209a470eda81b06" ON "triages"  ("eventId") `);
    await queryRunner.query(`CREATE INDEX "IDX_9c2b45278191155a366a39bb37" ON "triages"  ("bindingId", "conversationId", "createdAt") `);
    await queryRunner.query(
      `CREATE TABLE "support_desk_posts" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "bindingId" uuid NOT NULL, "conversationId" character varying(64) NOT NULL, "purpose" character varying(120) NOT NULL, "visibility" character varying(16) NOT NULL, "ref" character varying(16) NOT NULL, "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "partId" character varying(64), "error" character varying(500), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "completedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_570c08be8f69540f9b607dfeaa7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_03056b6c38733ed9c17493abb7" ON "support_desk_posts"  ("ref") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_post_purpose" ON "support_desk_posts"  ("bindingId", "conversationId", "purpose") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_post_purpose"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_03056b6c38733ed9c17493abb7"`);
    await queryRunner.query(`DROP TABLE "support_desk_posts"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9c2b45278191155a366a39bb37"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9c015904b5a209a470eda81b06"`);
    await queryRunner.query(`DROP TABLE "triages"`);
    await queryRunner.query(`DROP INDEX "public"."uq_event_notification"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_45917ae8b610219181f0d670d3"`);
    await queryRunner.query(`DROP TABLE "support_desk_events"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ecbb987b8ec2ae8adc4b1e33a9"`);
    await queryRunner.query(`DROP TABLE "oauth_states"`);
    await queryRunner.query(`DROP INDEX "public"."uq_binding_workspace_live"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_63c006d46677d836cb798a79c0"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_014d078eec76253839e731ba01"`);
    await queryRunner.query(`DROP TABLE "support_desk_bindings"`);
  }
}
