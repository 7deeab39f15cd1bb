-- Terminal commands: what a classroom's learners run in the in-page terminal, kept only when
-- the instructor turns recording on for that classroom (0 or 1, off by default). The newest few
-- hundred per learner are kept (the store removes older ones as new ones come).
ALTER TABLE classrooms ADD COLUMN record_commands INTEGER NOT NULL DEFAULT 0;
CREATE TABLE terminal_commands (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learner_id TEXT NOT NULL REFERENCES learners (id),
    mark       TEXT NOT NULL,  -- the shell's id for the command: two tabs on one shell report it twice
    at         BIGINT NOT NULL,
    command    TEXT NOT NULL
);
CREATE INDEX terminal_commands_learner ON terminal_commands (learner_id, id);
CREATE UNIQUE INDEX terminal_commands_mark ON terminal_commands (learner_id, mark);
