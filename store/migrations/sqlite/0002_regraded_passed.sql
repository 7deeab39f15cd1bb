-- Whether the re-graded verdict passed: progress, the board and the CSV count a re-grading
-- instead of the original verdict, so a changed rubric applies after class.
ALTER TABLE attempts ADD COLUMN regraded_passed INTEGER CHECK (regraded_passed IN (0, 1));
