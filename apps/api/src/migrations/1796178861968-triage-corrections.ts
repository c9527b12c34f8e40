import { MigrationInterface, QueryRunner } from 'typeorm';

/** Agents' corrections of triage (issue 12): labelled examples per project and removed learned words, both deleted with the project. */
export class TriageCorrections1796178861968 implements MigrationInterface {
  name = 'TriageCorrections1796178861968';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "triage_corrections" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "tenantId" uuid NOT NULL, "projectId" uuid NOT NULL, "bindingId" uuid NOT NULL, "conversationId" character varying(64) NOT NULL, "correctedTriageId" uuid NOT NULL, "triageId" uuid, "subject" character varying(500), "text" text NOT NULL, "beforeSeverity" character varying(16) NOT NULL, "beforeService" character varying(100), "severity" character varying(16), "serviceSet" boolean NOT NULL, "affectedService" character varying(100), "author" jsonb NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "undoneAt" TIMESTAMP WITH TIME ZONE, "undoneBy" jsonb, CONSTRAINT "PK_ed162611e0f1e5c57bf896d950d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_78f1ac861be667cc96aefa7797" ON "triage_corrections"  ("bindingId", "conversationId", "createdAt") `);
    await queryRunner.query(`CREATE INDEX "IDX_2fe9f3e7f98472f6fcd3bb41ba" ON "triage_corrections"  ("projectId", "createdAt") `);
    await queryRunner.query(
      `CREATE TABLE "triage_removed_words" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "projectId" uuid NOT NULL, "word" character varying(100) NOT NULL, "removedBy" jsonb NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_59acacb09096cff8a4cad8bd187" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_f657640fc078e91a5f318aae69" ON "triage_removed_words"  ("projectId", "word") `);
    await queryRunner.query(
      `ALTER TABLE "triage_corrections" ADD CONSTRAINT "FK_3e2418251c0c33c9801e7c0b2ae" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "triage_removed_words" ADD CONSTRAINT "FK_03dd848dc8e373c1fd9f6499af5" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "triage_removed_words" DROP CONSTRAINT "FK_03dd848dc8e373c1fd9f6499af5"`);
    await queryRunner.query(`ALTER TABLE "triage_corrections" DROP CONSTRAINT "FK_3e2418251c0c33c9801e7c0b2ae"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_f657640fc078e91a5f318aae69"`);
    await queryRunner.query(`DROP TABLE "triage_removed_words"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2fe9f3e7f98472f6fcd3bb41ba"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_78f1ac861be667cc96aefa7797"`);
    await queryRunner.query(`DROP TABLE "triage_corrections"`);
  }
}
