//! Readiness for probes: is the store there, can the cluster be reached.

use std::time::Duration;

use kubelab_wire::{Reachable, Readiness};

use super::Lab;

/// A probe that waits longer than this is answered "no" (kubelet's default timeout is 1 s;
/// the chart gives it more).
const PROBE: Duration = Duration::from_secs(2);

impl Lab {
    /// Asks the store and (when one is configured) the API server, each within [`PROBE`].
    pub async fn readiness(&self) -> Readiness {
        let store = match tokio::time::timeout(PROBE, self.store.ping()).await {
            Ok(Ok(())) => Reachable::Yes,
            _ => Reachable::No,
        };
        let cluster = match &self.cluster {
            Err(crate::cluster::Error::NoKubeconfig) => Reachable::NotConfigured,
            Err(_) => Reachable::No,
            Ok(c) => match tokio::time::timeout(PROBE, c.client().apiserver_version()).await {
                Ok(Ok(_)) => Reachable::Yes,
                _ => Reachable::No,
            },
        };
        Readiness {
            ready: store == Reachable::Yes,
            store,
            cluster,
        }
    }
}
