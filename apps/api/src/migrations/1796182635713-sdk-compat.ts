import { MigrationInterface, QueryRunner } from 'typeorm';

export class SdkCompat1796182635713 implements MigrationInterface {
  name = 'SdkCompat1796182635713';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "analysis_feedback" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "analysisId" uuid NOT NULL, "rater" character varying(80) NOT NULL, "accuracy" character varying(20) NOT NULL, "comment" character varying(5000), "recordedAt" TIMESTAMP WITH TIME ZONE NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_bacd4d613f1da2eb883566e2701" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "IDX_1f765905921273b24bf2688c80" ON "analysis_feedback"  ("analysisId", "rater") `);
    await queryRunner.query(
      `CREATE TABLE "analysis_followups" ("id" uuid NOT NULL DEFAULT uuid_generate_v4(), "analysisId" uuid NOT NULL, "askedBy" character varying(80) NOT NULL, "question" character varying(2000) NOT NULL, "answer" text NOT NULL, "found" boolean NOT NULL, "evidence" jsonb NOT NULL DEFAULT '[]', "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c084ef84661a5632211faec22ad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_0ae108545024bdc109c90e7204" ON "analysis_followups"  ("analysisId", "createdAt") `);
    await queryRunner.query(
      `CREATE TABLE "analysis_screenshots" ("analysisId" uuid NOT NULL, "mimeType" character varying(32) NOT NULL, "sizeBytes" integer NOT NULL, "imageSealed" bytea NOT NULL, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_67cabd4afbea2628c5f29476cff" PRIMARY KEY ("analysisId"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_feedback" ADD CONSTRAINT "FK_76c2a4aec7315e9b720e025ac2c" FOREIGN KEY ("analysisId") REFERENCES "analyses"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_followups" ADD CONSTRAINT "FK_1219d5384170aa7570085b1a3ad" FOREIGN KEY ("analysisId") REFERENCES "analyses"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "analysis_screenshots" ADD CONSTRAINT "FK_67cabd4afbea2628c5f29476cff" FOREIGN KEY ("analysisId") REFERENCES "analyses"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "analysis_screenshots" DROP CONSTRAINT "FK_67cabd4afbea2628c5f29476cff"`);
    await queryRunner.query(`ALTER TABLE "analysis_followups" DROP CONSTRAINT "FK_1219d5384170aa7570085b1a3ad"`);
    await queryRunner.query(`ALTER TABLE "analysis_feedback" DROP CONSTRAINT "FK_76c2a4aec7315e9b720e025ac2c"`);
    await queryRunner.query(`DROP TABLE "analysis_screenshots"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_0ae108545024bdc109c90e7204"`);
    await queryRunner.query(`DROP TABLE "analysis_followups"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_1f765905921273b24bf2688c80"`);
    await queryRunner.query(`DROP TABLE "analysis_feedback"`);
  }
}
