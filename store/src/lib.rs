//! kubelab-store (placeholder until the store lands).
