-- Gated progress: a chapter's exercises open once every exercise of the chapters before it has
-- passed (the lesson text always stays readable). An instructor turns it on for a classroom; a
-- self-paced learner for themselves. 0 or 1 (an integer on both backends, read alike).
ALTER TABLE classrooms ADD COLUMN gated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE learners ADD COLUMN gated INTEGER NOT NULL DEFAULT 0;
