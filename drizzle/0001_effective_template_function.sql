-- The binding that applies to (domain, app, stream): STREAM, else APP, else DOMAIN.
-- A PL/pgSQL function so that the server plans this three-table lookup once per connection
-- and then only executes it; it runs on every publish and on every effectiveTemplate query.
-- The IN lists let the lookup probe all three columns of snapshot_configs_scope_key; the OR is
-- the exact definition of the three candidate scopes ('' stands for ALL).
-- p_account NULL: whichever account owns the domain (ingest).
CREATE OR REPLACE FUNCTION livesnap_effective_binding(p_domain text, p_app text, p_stream text, p_account uuid)
RETURNS TABLE (config jsonb, domain_group jsonb, template jsonb)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
  SELECT to_jsonb(c), to_jsonb(dg), to_jsonb(t)
  FROM domain_groups dg
  JOIN snapshot_configs c ON c.domain_group_id = dg.id
  JOIN snapshot_templates t ON t.id = c.template_id
  WHERE dg.push_domain = p_domain
    AND (p_account IS NULL OR dg.account_id = p_account)
    AND c.app_name IN (p_app, '')
    AND c.stream_name IN (p_stream, '')
    AND ((c.app_name = p_app AND c.stream_name = p_stream)
      OR (c.app_name = p_app AND c.stream_name = '')
      OR (c.app_name = '' AND c.stream_name = ''))
  ORDER BY c.level DESC
  LIMIT 1;
END
$$;
