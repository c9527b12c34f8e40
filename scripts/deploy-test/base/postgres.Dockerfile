# Test-only stand-in for postgres:18, built without Docker Hub: Debian bookworm's PostgreSQL 15 (the oldest version the
# app supports) with an entrypoint that honours what the compose file relies on: POSTGRES_USER/PASSWORD/DB, data under
# the /var/lib/postgresql volume, password authentication from other containers, pg_isready.
ARG DEBIAN_IMAGE
FROM ${DEBIAN_IMAGE}
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && rm -rf /var/lib/postgresql/15
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/15/docker PATH=/usr/lib/postgresql/15/bin:$PATH
VOLUME /var/lib/postgresql
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/bin/sh", "/usr/local/bin/postgres-entrypoint.sh"]
