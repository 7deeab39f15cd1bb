//! The learner's toolbox: one Pod per learner namespace, `kubelab-toolbox`, whose shell the
//! in-page terminal reaches through `pods/exec` (issue #12). Created and exec'd **as the
//! learner** (the client the service hands in impersonates their ServiceAccount), so RBAC, quota
//! and admission decide as for the learner's own kubectl; the Pod runs as that ServiceAccount,
//! so `kubectl` in it is the learner too. The shell is `kubelab-shell --namespace NS
//! kubelab-attach` (`toolbox/`): one tmux session, so a dropped connection reattaches to the same
//! shell, its scrollback replayed first. In the sandbox, kwok runs that command on the host
//! (docs/SANDBOX.md).

use std::time::Duration;

use k8s_openapi::api::core::v1::Pod;
use kube::api::{AttachParams, AttachedProcess, Patch, PatchParams};
use kube::Api;
use serde_json::{json, Value};

use super::error::classify_write;
use super::{Cluster, Error};

/// The toolbox Pod's name in every learner namespace (the learner never names a Pod).
pub const TOOLBOX_POD: &str = "kubelab-toolbox";
/// The ServiceAccount the toolbox runs as: the learner's.
const LEARNER_SA: &str = crate::cluster::provision::SERVICE_ACCOUNT;
/// The field manager of the toolbox Pod.
const FIELD_MANAGER: &str = "kubelab-toolbox";
/// How long a new toolbox may take to become ready (an image pull on a real node); the page
/// shows "starting" meanwhile.
pub const READY_WITHIN: Duration = Duration::from_secs(90);

/// When a terminal last used the toolbox (unix seconds): set at creation, every
/// [`crate::service::terminal::HEARTBEAT`] while a terminal is open on any replica, and when one
/// closes. The idle reaper reads it ([`Cluster::idle_toolboxes`]).
pub const ACTIVE_AT: &str = "kubelab.dev/terminal-active-at";
/// The toolbox's labels, which the idle reaper lists by.
const SELECTOR: &str =
    "app.kubernetes.io/name=kubelab-toolbox,app.kubernetes.io/managed-by=kubelab";

/// The toolbox Pod: small, not root, no privilege, the learner's ServiceAccount token mounted
/// (it is the learner's kubectl), idling until a terminal execs its shell.
pub fn toolbox_pod(namespace: &str, image: &str, now: i64) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": TOOLBOX_POD,
            "namespace": namespace,
            "labels": {
                "app.kubernetes.io/name": "kubelab-toolbox",
                "app.kubernetes.io/managed-by": "kubelab",
            },
            "annotations": { ACTIVE_AT: now.to_string() },
        },
        "spec": {
            "serviceAccountName": LEARNER_SA,
            "automountServiceAccountToken": true,
            "enableServiceLinks": false,
            "terminationGracePeriodSeconds": 1,
            "securityContext": {
                "runAsNonRoot": true,
                "runAsUser": 1000,
                "runAsGroup": 1000,
                "fsGroup": 1000,
                "seccompProfile": { "type": "RuntimeDefault" },
            },
            "containers": [{
                "name": "shell",
                "image": image,
                "command": ["sleep", "infinity"],
                "securityContext": {
                    "allowPrivilegeEscalation": false,
                    "capabilities": { "drop": ["ALL"] },
                },
                "resources": {
                    "requests": { "cpu": "10m", "memory": "32Mi" },
                    "limits": { "cpu": "500m", "memory": "256Mi" },
                },
            }],
        },
    })
}

/// The shell a terminal runs: the same tmux session every time.
pub fn shell_command(namespace: &str) -> Vec<String> {
    ["kubelab-shell", "--namespace", namespace, "kubelab-attach"]
        .map(str::to_string)
        .to_vec()
}

fn ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Why the toolbox will not become ready by waiting: an image that does not pull, a container
/// that keeps crashing, a Pod that ended or is going away. `None` while it may still come up.
pub fn stuck(p: &Pod) -> Option<String> {
    if p.metadata.deletion_timestamp.is_some() {
        return Some("the Pod is being deleted".into());
    }
    let status = p.status.as_ref()?;
    if let Some(phase @ ("Failed" | "Succeeded")) = status.phase.as_deref() {
        return Some(format!("the Pod has ended ({phase})"));
    }
    status
        .container_statuses
        .iter()
        .flatten()
        .filter_map(|c| c.state.as_ref()?.waiting.as_ref())
        .find(|w| {
            matches!(
                w.reason.as_deref(),
                Some(
                    "ErrImagePull"
                        | "ImagePullBackOff"
                        | "InvalidImageName"
                        | "CrashLoopBackOff"
                        | "CreateContainerConfigError"
                )
            )
        })
        .map(|w| {
            format!(
                "{}: {}",
                w.reason.as_deref().unwrap_or_default(),
                w.message.as_deref().unwrap_or_default()
            )
        })
}

impl Cluster {
    /// Creates the learner's toolbox if it is not there (server-side apply, as the learner;
    /// again if it went away meanwhile) and waits until it is ready, at most [`READY_WITHIN`];
    /// a toolbox that cannot run says why at once ([`stuck`]) instead of timing out.
    #[tracing::instrument(skip_all, fields(namespace = %namespace))]
    pub async fn ensure_toolbox(
        &self,
        client: &kube::Client,
        namespace: &str,
        image: &str,
    ) -> Result<(), Error> {
        let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
        let what = format!("Pod/{TOOLBOX_POD}");
        let deadline = tokio::time::Instant::now() + READY_WITHIN;
        loop {
            let pod = pods
                .get_opt(TOOLBOX_POD)
                .await
                .map_err(|e| classify_write(&self.url, e, &what))?;
            match pod {
                Some(p) if ready(&p) => return Ok(()),
                Some(p) => {
                    if let Some(reason) = stuck(&p) {
                        return Err(Error::ToolboxNotReady { reason });
                    }
                }
                None => {
                    let body = toolbox_pod(namespace, image, unix_now());
                    pods.patch(
                        TOOLBOX_POD,
                        &PatchParams::apply(FIELD_MANAGER).force(),
                        &Patch::Apply(&body),
                    )
                    .await
                    .map_err(|e| classify_write(&self.url, e, &what))?;
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(Error::ToolboxNotReady {
                    reason: format!("not ready within {} s", READY_WITHIN.as_secs()),
                });
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Records that a terminal uses the toolbox now (as the learner): the idle reaper leaves it.
    pub async fn mark_toolbox_active(
        &self,
        client: &kube::Client,
        namespace: &str,
    ) -> Result<(), Error> {
        let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
        let patch = json!({ "metadata": { "annotations": { ACTIVE_AT: unix_now().to_string() } } });
        pods.patch(TOOLBOX_POD, &PatchParams::default(), &Patch::Merge(&patch))
            .await
            .map(|_| ())
            .map_err(|e| classify_write(&self.url, e, &format!("Pod/{TOOLBOX_POD}")))
    }

    /// The learner namespaces (names starting with `prefix`) whose toolbox no terminal used since
    /// `cutoff` (unix seconds), each with the Pod's resource version as listed (a terminal that
    /// marks it meanwhile changes that, and [`Cluster::remove_toolbox`] then leaves it), listed
    /// with kubelab's own rights (list Pods).
    pub async fn idle_toolboxes(
        &self,
        prefix: &str,
        cutoff: i64,
    ) -> Result<Vec<(String, String)>, Error> {
        let pods: Api<Pod> = Api::all(self.client.clone());
        let list = pods
            .list(&kube::api::ListParams::default().labels(SELECTOR))
            .await
            .map_err(|e| super::error::classify(&self.url, e, "Pods"))?;
        Ok(list
            .items
            .iter()
            .filter(|p| p.metadata.name.as_deref() == Some(TOOLBOX_POD))
            .filter_map(|p| {
                let ns = p.metadata.namespace.as_deref()?;
                let version = p.metadata.resource_version.clone()?;
                (ns.starts_with(prefix) && last_active(p) < cutoff)
                    .then(|| (ns.to_string(), version))
            })
            .collect())
    }

    /// Removes the learner's toolbox (as the learner), if it is still at `version` (when given);
    /// the next terminal makes a new one. Gone already, or changed since: nothing to do.
    pub async fn remove_toolbox(
        &self,
        client: &kube::Client,
        namespace: &str,
        version: Option<&str>,
    ) -> Result<(), Error> {
        let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
        let params = kube::api::DeleteParams {
            preconditions: version.map(|v| kube::api::Preconditions {
                resource_version: Some(v.to_string()),
                uid: None,
            }),
            ..Default::default()
        };
        match pods.delete(TOOLBOX_POD, &params).await {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(s)) if s.code == 404 || s.code == 409 => Ok(()),
            Err(e) => Err(classify_write(&self.url, e, &format!("Pod/{TOOLBOX_POD}"))),
        }
    }

    /// Opens the toolbox's shell with a terminal (stdin, stdout, resizes), as the learner.
    pub async fn attach_toolbox(
        &self,
        client: &kube::Client,
        namespace: &str,
    ) -> Result<AttachedProcess, Error> {
        let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
        // Room for a pasted manifest in flight while the shell echoes it back.
        let params = AttachParams::interactive_tty()
            .container("shell")
            .max_stdin_buf_size(256 * 1024)
            .max_stdout_buf_size(256 * 1024);
        pods.exec(TOOLBOX_POD, shell_command(namespace), &params)
            .await
            .map_err(|e| classify_write(&self.url, e, &format!("Pod/{TOOLBOX_POD}")))
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// When a terminal last used this toolbox: its [`ACTIVE_AT`], else its creation; never later
/// than now (the learner can write the mark: a date in the future must not keep it for ever).
fn last_active(p: &Pod) -> i64 {
    p.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(ACTIVE_AT)?.parse().ok())
        .or_else(|| Some(p.metadata.creation_timestamp.as_ref()?.0.as_second()))
        .unwrap_or(0)
        .min(unix_now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(status: Value) -> Pod {
        serde_json::from_value(json!({ "metadata": {"name": TOOLBOX_POD}, "status": status }))
            .expect("a Pod")
    }

    #[test]
    fn a_toolbox_that_cannot_run_says_why_instead_of_timing_out() {
        let pull = pod(
            json!({"phase": "Pending", "containerStatuses": [{"name": "shell", "image": "x",
            "imageID": "", "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "ImagePullBackOff", "message": "pull x: not found"}}}]}),
        );
        assert_eq!(
            stuck(&pull).as_deref(),
            Some("ImagePullBackOff: pull x: not found")
        );
        let creating = pod(
            json!({"phase": "Pending", "containerStatuses": [{"name": "shell", "image": "x",
            "imageID": "", "ready": false, "restartCount": 0,
            "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        );
        assert_eq!(stuck(&creating), None, "still coming up");
        assert!(stuck(&pod(json!({"phase": "Failed"}))).is_some());
    }

    #[test]
    fn the_toolbox_is_small_unprivileged_and_the_learners() {
        let p = toolbox_pod("alice", "example/toolbox:1", 1_700_000_000);
        assert_eq!(p["metadata"]["namespace"], "alice");
        assert_eq!(p["spec"]["serviceAccountName"], "learner");
        assert_eq!(p["spec"]["securityContext"]["runAsNonRoot"], true);
        let c = &p["spec"]["containers"][0];
        assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
        assert_eq!(c["securityContext"]["capabilities"]["drop"], json!(["ALL"]));
        assert_eq!(c["resources"]["limits"]["memory"], "256Mi");
        // Parses as a Pod: the API would take it.
        let pod: Pod = serde_json::from_value(p).expect("a Pod");
        assert_eq!(stuck(&pod), None);
        assert_eq!(last_active(&pod), 1_700_000_000);
        assert_eq!(
            shell_command("alice"),
            ["kubelab-shell", "--namespace", "alice", "kubelab-attach"]
        );
    }

    #[test]
    fn a_toolbox_without_its_mark_counts_from_its_creation() {
        let pod: Pod = serde_json::from_value(json!({"metadata": {"name": TOOLBOX_POD,
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "annotations": {ACTIVE_AT: "not a number"}}}))
        .expect("a Pod");
        assert_eq!(last_active(&pod), 1_767_225_600);
    }
}
