//! Which live Pods belong to a workload and why a Pod is not ready: shared by the selector,
//! readiness and Service checks, which all reason about the same Pods.

use serde_json::Value;

use crate::labels;
use crate::path::{self, get_str};
use crate::snapshot::{kind_of, name_of};

use super::{list, obj_map, Ctx};

impl<'a> Ctx<'a> {
    /// Pods that are not terminating and not finished.
    pub(super) fn live_pods(&self) -> impl Iterator<Item = &'a Value> + 'a {
        self.snap.of_kind("Pod").filter(|p| {
            path::get_one(p, "metadata.deletionTimestamp").is_none()
                && !matches!(get_str(p, "status.phase"), Some("Succeeded" | "Failed"))
        })
    }

    fn owner_is(&self, obj: &Value, kind: &str, name: &str) -> bool {
        list(obj, "metadata.ownerReferences")
            .iter()
            .any(|r| get_str(r, "kind") == Some(kind) && get_str(r, "name") == Some(name))
    }

    /// The live Pods of a workload (Deployment via its ReplicaSets, or direct owner), falling back
    /// to the workload's selector for Pods without ownerReferences.
    pub(super) fn pods_of(&self, wl: &Value) -> Vec<&'a Value> {
        let kind = kind_of(wl);
        let name = name_of(wl);
        let sel =
            labels::from_label_selector(path::get_one(wl, "spec.selector").unwrap_or(&Value::Null));
        self.live_pods()
            .filter(|p| {
                let owners = list(p, "metadata.ownerReferences");
                if owners.is_empty() {
                    return !sel.is_empty() && labels::matches(&sel, obj_map(p, "metadata.labels"));
                }
                if kind == "Deployment" {
                    owners.iter().any(|r| {
                        if get_str(r, "kind") != Some("ReplicaSet") {
                            return false;
                        }
                        let rs_name = get_str(r, "name").unwrap_or_default();
                        match self.snap.get("ReplicaSet", rs_name) {
                            Some(rs) => self.owner_is(rs, "Deployment", name),
                            None => {
                                let hash = get_str(p, "metadata.labels[\"pod-template-hash\"]")
                                    .unwrap_or_default();
                                rs_name == format!("{name}-{hash}")
                            }
                        }
                    })
                } else {
                    self.owner_is(p, kind, name)
                }
            })
            .collect()
    }

    pub(crate) fn pod_ready(p: &Value) -> bool {
        get_str(p, "status.phase") == Some("Running")
            && list(p, "status.conditions").iter().any(|c| {
                get_str(c, "type") == Some("Ready") && get_str(c, "status") == Some("True")
            })
    }

    /// Why a Pod is not ready, e.g. `phase Pending, ImagePullBackOff`.
    pub(super) fn pod_problem(p: &Value) -> String {
        let mut parts = vec![format!(
            "phase {}",
            get_str(p, "status.phase").unwrap_or("Unknown")
        )];
        for cs in list(p, "status.containerStatuses") {
            if let Some(r) = get_str(cs, "state.waiting.reason") {
                parts.push(format!(
                    "{} {r}",
                    get_str(cs, "name").unwrap_or("container")
                ));
            } else if let Some(r) = get_str(cs, "state.terminated.reason") {
                parts.push(format!(
                    "{} {r}",
                    get_str(cs, "name").unwrap_or("container")
                ));
            }
        }
        if let Some(c) = list(p, "status.conditions").iter().find(|c| {
            get_str(c, "type") == Some("PodScheduled") && get_str(c, "status") == Some("False")
        }) {
            parts.push(format!(
                "unschedulable: {}",
                get_str(c, "message").unwrap_or_default()
            ));
        }
        parts.join(", ")
    }
}
