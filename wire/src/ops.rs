//! What probes and operators read: `GET /readyz`.

use serde::{Deserialize, Serialize};

/// `GET /readyz`: 200 when `ready`, 503 otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Readiness {
    /// The store answers. Without it nothing can be recorded: the replica takes no traffic.
    pub ready: bool,
    pub store: Reachable,
    /// Reported, not required: lessons and offline exercises work without the cluster, so an
    /// API server outage must not take every replica out of the Service.
    pub cluster: Reachable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reachable {
    Yes,
    No,
    /// No cluster was given (lessons only).
    NotConfigured,
}
