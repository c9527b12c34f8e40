import { MigrationInterface, QueryRunner } from 'typeorm';

export class Incidents1796174249232 implements MigrationInterface {
  name = 'Incidents1796174249232';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "incidents" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "number" integer NOT NULL, "status" character varying(16) NOT NULL, "title" character varying(200) NOT NULL, "titleSetBy" character varying(16) NOT NULL DEFAULT 'auto', "service" character varying(100), "severity" character varying(16) NOT NULL, "firstSeenAt" TIMESTAMP WITH TIME ZONE NOT NULL, "lastSeenAt" TIMESTAMP WITH TIME ZONE NOT NULL, "conversationCount" integer NOT NULL DEFAULT '0', "analysisId" uuid, "analysisSeverity" character varying(16), "category" character varying(32), "signatureTerms" jsonb NOT NULL DEFAULT '[]', "mergedIntoId" uuid, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "resolvedAt" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ccb34c01719889017e2246469f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e0e1248a45e2406ca05cf998db" ON "incidents"  ("projectId", "status", "lastSeenAt") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_incident_number" ON "incidents"  ("projectId", "number") `);
    await queryRunner.query(
      `CREATE TABLE "incident_conversations" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "incidentId" uuid NOT NULL, "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "bindingId" uuid NOT NULL, "conversationId" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "linkedBy" character varying(16) NOT NULL, "reason" character varying(1000) NOT NULL, "triageId" uuid, "severity" character varying(16) NOT NULL, "service" character varying(100), "customerName" character varying(255), "subject" character varying(500), "terms" jsonb NOT NULL DEFAULT '[]', "windowStart" TIMESTAMP WITH TIME ZONE NOT NULL, "windowEnd" TIMESTAMP WITH TIME ZONE NOT NULL, "seenAt" TIMESTAMP WITH TIME ZONE NOT NULL, "linkedAt" TIMESTAMP WITH TIME ZONE NOT NULL, "unlinkedAt" TIMESTAMP WITH TIME ZONE, "unlinkedBy" character varying(120), "trackerTicketId" character varying(64), CONSTRAINT "PK_2a14b17f6a447d2a98b6e82de2b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_86944a75b2eee2eb63f958c9fb" ON "incident_conversations"  ("incidentId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_incident_conversation" ON "incident_conversations"  ("bindingId", "conversationId") `);
    await queryRunner.query(
      `CREATE TABLE "incident_analyses" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "incidentId" uuid NOT NULL, "analysisId" uuid NOT NULL, "reason" character varying(16) NOT NULL, "severity" character varying(16) NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3d5e20cd7421ab439af0168000b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_a92d2db7bba68fa580592eaf98" ON "incident_analyses"  ("incidentId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f2dd8f8e9ce3088b1e2d0be165" ON "incident_analyses"  ("analysisId") `);
    await queryRunner.query(
      `CREATE TABLE "incident_events" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "incidentId" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "kind" character varying(32) NOT NULL, "detail" character varying(1000) NOT NULL, CONSTRAINT "PK_1230e0a50df3503eed115634297" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_79902c6d9d9221d2ad03bcfb3b" ON "incident_events"  ("incidentId", "at") `);
    await queryRunner.query(
      `CREATE TABLE "incident_updates" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "incidentId" uuid NOT NULL, "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "message" text NOT NULL, "resolve" boolean NOT NULL DEFAULT false, "createdBy" character varying(120), "conversations" integer NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_161dab39f96098bce901c2515c0" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_5db21343e70ceb0610bc302c59" ON "incident_updates"  ("incidentId") `);
    await queryRunner.query(
      `CREATE TABLE "incident_update_deliveries" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "updateId" uuid NOT NULL, "incidentId" uuid NOT NULL, "bindingId" uuid NOT NULL, "conversationId" character varying(64) NOT NULL, "status" character varying(16) NOT NULL, "error" character varying(500), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a746196228ca098d98054e2626b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_9cc71abe805eb67778f21b1d96" ON "incident_update_deliveries"  ("updateId") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_update_delivery" ON "incident_update_deliveries"  ("updateId", "bindingId", "conversationId") `);
    await queryRunner.query(
      `CREATE TABLE "incident_trackers" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "incidentId" uuid NOT NULL, "bindingId" uuid NOT NULL, "ticketId" character varying(64), "title" character varying(250), "seedConversationId" character varying(64), "status" character varying(16) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "error" character varying(500), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8fa00642f3e514a0496d6fbb3a2" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_incident_tracker" ON "incident_trackers"  ("incidentId", "bindingId") `);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "incidentUpdateTemplate" text`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" ADD "trackerTickets" jsonb NOT NULL DEFAULT '{"enabled": false, "ticketTypeId": null}'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "trackerTickets"`);
    await queryRunner.query(`ALTER TABLE "support_desk_bindings" DROP COLUMN "incidentUpdateTemplate"`);
    await queryRunner.query(`DROP INDEX "public"."uq_incident_tracker"`);
    await queryRunner.query(`DROP TABLE "incident_trackers"`);
    await queryRunner.query(`DROP INDEX "public"."uq_update_delivery"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9cc71abe805eb67778f21b1d96"`);
    await queryRunner.query(`DROP TABLE "incident_update_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5db21343e70ceb0610bc302c59"`);
    await queryRunner.query(`DROP TABLE "incident_updates"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_79902c6d9d9221d2ad03bcfb3b"`);
    await queryRunner.query(`DROP TABLE "incident_events"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f2dd8f8e9ce3088b1e2d0be165"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a92d2db7bba68fa580592eaf98"`);
    await queryRunner.query(`DROP TABLE "incident_analyses"`);
    await queryRunner.query(`DROP INDEX "public"."uq_incident_conversation"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_86944a75b2eee2eb63f958c9fb"`);
    await queryRunner.query(`DROP TABLE "incident_conversations"`);
    await queryRunner.query(`DROP INDEX "public"."uq_incident_number"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e0e1248a45e2406ca05cf998db"`);
    await queryRunner.query(`DROP TABLE "incidents"`);
  }
}
