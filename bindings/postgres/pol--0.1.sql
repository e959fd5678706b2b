-- pol--0.1.sql: the SQL functions of the pol extension (CREATE EXTENSION pol)
\echo Use "CREATE EXTENSION pol" to load this file. \quit

-- IMMUTABLE: a decision depends on the policy's bytes and the record only. STRICT: a NULL policy or record gives
-- NULL. PARALLEL SAFE: each worker loads the policy once and decides its share of the rows. COST tells the
-- planner that a decision costs about as much as a hundred simple operators, so that it spreads a large table
-- over parallel workers.

-- A refused record (not JSON, a missing field, a wrong type, an enum value outside its list) is no SQL error:
-- the result is the contract's error object {"line": 1, "id": ..., "error": "..."}. A policy that does not
-- load is an ERROR (SQLSTATE 22P03) with the loader's reason.
CREATE FUNCTION pol_decide(policy bytea, record jsonb) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pgpol_decide_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;

-- The text variant returns exactly the bytes polvm writes for the line (keys in the policy's order).
CREATE FUNCTION pol_decide(policy bytea, record text) RETURNS text
    AS 'MODULE_PATHNAME', 'pgpol_decide_text'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;

-- {"name", "version", "digest", "source_sha256", "compiler_version", "format_version"}
CREATE FUNCTION pol_policy_info(policy bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pgpol_policy_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- {"fields": [{"name", "type", "required", "default", ...}]}: what a form or a loader needs
CREATE FUNCTION pol_policy_schema(policy bytea) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'pgpol_policy_schema'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
