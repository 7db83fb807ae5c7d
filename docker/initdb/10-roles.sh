#!/usr/bin/env bash
# The two database roles, made once by a superuser: PostgreSQL's image runs this on its first
# start (docker-compose.yml mounts docker/initdb at /docker-entrypoint-initdb.d), .ci/run runs
# it against the local PostgreSQL; safe to run again on an existing cluster.
#
#   DB_OWNER     owns the database and schema; migrations run as it (MIGRATE_DATABASE_URL)
#   DB_APP_USER  the application (DATABASE_URL): owns nothing, so it can neither TRUNCATE nor
#                ALTER a table nor disable a trigger; gets rows only, and on the audit table
#                SELECT and INSERT only (manage.py grant_app_role, after each migration)
#
# Environment: POSTGRES_USER (a superuser), POSTGRES_DB (the portal's database), DB_OWNER,
# DB_OWNER_PASSWORD, DB_APP_USER, DB_APP_PASSWORD (passwords may be empty where the server
# trusts local connections, as in CI); PGHOST/PGPORT as psql reads them.
set -euo pipefail

db=${POSTGRES_DB:?name the portal database in POSTGRES_DB}
owner=${DB_OWNER:-veilighuis}
app=${DB_APP_USER:-veilighuis_app}
psql=(psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}")

"${psql[@]}" --dbname postgres -v db="$db" -v owner="$owner" -v app="$app" \
  -v owner_password="${DB_OWNER_PASSWORD:-}" -v app_password="${DB_APP_PASSWORD:-}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I LOGIN', :'app')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- No attribute that lifts the application above plain rows, and no inherited rights.
SELECT format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT', :'app') \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'owner', :'owner_password')
 WHERE :'owner_password' <> '' \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'app', :'app_password')
 WHERE :'app_password' <> '' \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SELECT format('ALTER DATABASE %I OWNER TO %I', :'db', :'owner') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'app') \gexec
SQL

"${psql[@]}" --dbname "$db" -v owner="$owner" -v app="$app" <<'SQL'
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app') \gexec
-- Tables and sequences the owner's migrations create later: rows for the application.
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', :'owner', :'app') \gexec
SELECT format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', :'owner', :'app') \gexec
SQL
echo "roles ready: $owner owns $db; $app gets rows only"
