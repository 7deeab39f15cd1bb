-- When a learner last used kubelab, and when the idle
-- reaper removed their namespace (NULL: it exists, or was never made). Self-paced namespaces
-- idle longer than --idle-namespace-ttl are removed; progress stays.
ALTER TABLE learners ADD COLUMN last_active_at INTEGER;
ALTER TABLE learners ADD COLUMN namespace_removed_at INTEGER;
UPDATE learners SET last_active_at = created_at;
CREATE INDEX learners_idle ON learners (last_active_at) WHERE classroom_id IS NULL;
