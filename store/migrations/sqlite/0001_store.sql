-- kubelab's tables (SQLite). Times are unix milliseconds; verdict/evidence are JSON text.
-- Keep in step with ../postgres/0001_store.sql.

CREATE TABLE instructors (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,   -- trimmed, lowercased
    password_hash TEXT NOT NULL,          -- argon2id PHC string
    created_at    INTEGER NOT NULL
);

CREATE TABLE classrooms (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,   -- join code without the dash
    name          TEXT NOT NULL,
    instructor_id TEXT NOT NULL REFERENCES instructors (id),
    created_at    INTEGER NOT NULL,
    archived_at   INTEGER
);
CREATE INDEX classrooms_instructor ON classrooms (instructor_id);

CREATE TABLE learners (
    id           TEXT PRIMARY KEY,
    display_name TEXT,
    namespace    TEXT NOT NULL UNIQUE,
    classroom_id TEXT REFERENCES classrooms (id),
    resume_code  TEXT NOT NULL UNIQUE,    -- without the dash
    created_at   INTEGER NOT NULL
);
CREATE INDEX learners_classroom ON learners (classroom_id);

CREATE TABLE attempts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: ids order attempts
    learner_id  TEXT NOT NULL REFERENCES learners (id),
    exercise_id TEXT NOT NULL,
    at          INTEGER NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('check', 'submit', 'live', 'grade')),
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    verdict     TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    input       TEXT,
    regraded    TEXT                      -- a re-grading's verdict; `verdict` is never changed
);
CREATE INDEX attempts_learner_exercise ON attempts (learner_id, exercise_id, id);
