//! Pure check engine: exercise spec + snapshot -> verdict.
