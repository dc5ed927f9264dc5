#!/usr/bin/env bash
# A throwaway PostgreSQL for the DATABASE_URL test (loopback only; the test drops its tables),
# as .ci/run starts it: the distribution's cluster, a perfgate role and database. Exports
# PERFGATE_TEST_DATABASE_URL for later steps; without PostgreSQL it says so and the test skips.
set -euo pipefail
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)

if [ ! -d /usr/lib/postgresql ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "test-postgres: PostgreSQL is not installed; postgres.test.ts skips"
  exit 0
fi
version="$(ls /usr/lib/postgresql | sort -n | tail -1)"
"${sudo[@]}" pg_ctlcluster "$version" main start 2>/dev/null || true
"${sudo[@]}" runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
SELECT 'CREATE ROLE perfgate LOGIN PASSWORD ''perfgate''' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'perfgate')\gexec
SELECT 'CREATE DATABASE perfgate_test OWNER perfgate' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'perfgate_test')\gexec
SQL
url="postgres://perfgate:perfgate@127.0.0.1:5432/perfgate_test"
echo "PERFGATE_TEST_DATABASE_URL=$url"
[ -z "${GITHUB_ENV:-}" ] || echo "PERFGATE_TEST_DATABASE_URL=$url" >>"$GITHUB_ENV"
