-- A published flow version is a record of what ran: the database itself refuses to change it.
-- (Deleting a whole flow still cascades to its versions.)
CREATE FUNCTION qiao_refuse_flow_version_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'flow versions are immutable (flow %, version %); publish a new version instead', OLD."flowId", OLD.version
    USING ERRCODE = 'check_violation';
END;
$$;

CREATE TRIGGER flow_versions_immutable
  BEFORE UPDATE ON "flow_versions"
  FOR EACH ROW EXECUTE FUNCTION qiao_refuse_flow_version_update();
