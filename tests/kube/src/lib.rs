//! Helpers for tests against the sandbox control plane.
