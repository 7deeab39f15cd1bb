//! The object graph of a learner's namespace: what the exercise panel's live view draws.
//!
//! A verdict says *that* traffic does not arrive ("Service ngx-svc selects app=ngx-dep-typo: 0 Pods
//! match"); the graph shows *where* the chain breaks: Ingress → IngressClass, Ingress → Service →
//! EndpointSlice → Pod, Deployment → ReplicaSet → Pod, Pod → PersistentVolumeClaim →
//! PersistentVolume, each object with a short status ("2/3 ready", "Bound", "CrashLoopBackOff")
//! and each link marked as carrying or not. When a verdict is given, its first failure is pinned to
//! its object with the check's own sentence, so the picture and the verdict never disagree.
//!
//! [`build`] is pure like the rest of the crate: the same links the checks follow (EndpointSlices by
//! the `kubernetes.io/service-name` label, `ownerReferences`, Service selectors through
//! [`crate::labels`]), read from the same [`Snapshot`], never panicking on any input.
//!
//! What is drawn: namespaced objects of the snapshot's namespace of the kinds in the order below;
//! cluster-scoped IngressClasses and PersistentVolumes only when something of the namespace refers
//! to them (or, by the naming prefix rule, their name starts with `<namespace>-`). ReplicaSets of a
//! Deployment only while they have replicas, or the newest one, so rollout history stays out.
//! A reference to an object that does not exist is a node with status [`NodeStatus::Missing`]
//! (claims and volumes only when the snapshot holds that kind at all: an exercise that does not read
//! storage leaves it out). An EndpointSlice counts only the endpoints that lead to a Pod its
//! Service's selector picks, so a Service that selects nothing reaches nothing even while its slice
//! is stale. At most [`MAX_NODES`] nodes, in that kind order then by name (the verdict's broken node
//! is always kept); the rest are counted in `more`.
//!
//! An edge is `ok` when the link carries: the target exists, an endpoint is ready, a Pod a Service
//! reaches is ready, a claim is bound. Ownership links (Deployment → ReplicaSet → Pod) are always
//! `ok`; the owner's status tells how its Pods are doing.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cluster::{list, obj_map, Ctx};
use crate::path::{self, get_str};
use crate::snapshot::name_of;
use crate::verdict::t;
use crate::{Snapshot, Text, Verdict};

/// The most nodes a graph holds; the live view stays readable and the payload small.
pub const MAX_NODES: usize = 40;

/// The kinds drawn, in drawing order (the path a request takes, then what the Pods need).
const KIND_ORDER: &[&str] = &[
    "Ingress",
    "IngressClass",
    "Service",
    "EndpointSlice",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "Pod",
    "PersistentVolumeClaim",
    "PersistentVolume",
];

/// What the live view draws: the learner's objects the exercise reads, and the links between them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ObjectGraph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    /// Nodes left out over the cap ([`MAX_NODES`]).
    #[serde(default)]
    pub more: u32,
    /// The first broken link of the exercise, with the check's own message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broken: Option<BrokenLink>,
}

/// One object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphNode {
    /// `Kind/name`, e.g. `Service/ngx-svc`.
    pub id: String,
    pub kind: String,
    pub name: String,
    pub status: NodeStatus,
    /// E.g. "2/3 ready", "Bound", "Pending", "CrashLoopBackOff": short, bilingual.
    pub detail: Text,
}

/// How an object is doing, as the live view colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeStatus {
    /// Running, ready, bound.
    Ok,
    /// On its way (some replicas ready, a Pod starting, a claim waiting).
    Progressing,
    /// Stuck: no ready replica, a Pod in CrashLoopBackOff, a Service selecting no Pod, or the
    /// object of the verdict's first failure.
    Broken,
    /// Referred to but not there.
    Missing,
}

/// A link from one node to another (ids), and whether it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    pub ok: bool,
}

/// The verdict's first failure, pinned to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokenLink {
    /// The id of the node (`Kind/name`).
    pub node: String,
    /// The failing check's own message.
    pub message: Text,
}

fn node_id(kind: &str, name: &str) -> String {
    format!("{kind}/{name}")
}

fn kind_rank(kind: &str) -> usize {
    KIND_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(KIND_ORDER.len())
}

fn u64_at(v: &Value, p: &str) -> Option<u64> {
    path::get_one(v, p).and_then(Value::as_u64)
}

fn ready_text(ready: u64, desired: u64) -> Text {
    t(
        format!("{ready}/{desired} 就绪"),
        format!("{ready}/{desired} ready"),
    )
}

/// Ok when all are ready, Progressing when some are, Broken when none of some are.
fn ready_status(ready: u64, desired: u64) -> NodeStatus {
    if ready >= desired {
        NodeStatus::Ok
    } else if ready > 0 {
        NodeStatus::Progressing
    } else {
        NodeStatus::Broken
    }
}

fn not_found() -> Text {
    t("不存在", "not found")
}

/// Container waiting reasons that do not go away by waiting.
const STUCK_REASONS: &[&str] = &[
    "ImagePullBackOff",
    "ErrImagePull",
    "ErrImageNeverPull",
    "InvalidImageName",
    "CrashLoopBackOff",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
];

/// A short Chinese gloss for a reason or phase word the learner also sees in kubectl.
fn gloss(word: &str) -> Text {
    let zh = match word {
        "ImagePullBackOff" | "ErrImagePull" | "ErrImageNeverPull" => "拉取镜像失败",
        "InvalidImageName" => "镜像名无效",
        "CrashLoopBackOff" => "反复崩溃",
        "CreateContainerConfigError" => "容器配置错误",
        "CreateContainerError" | "RunContainerError" => "容器启动失败",
        "ContainerCreating" => "创建中",
        "PodInitializing" => "初始化中",
        "OOMKilled" => "内存不足被杀",
        "Error" => "出错退出",
        "Running" => "运行中",
        "Pending" => "等待中",
        "Succeeded" => "已完成",
        "Failed" => "失败",
        "Unknown" => "未知",
        _ => return t(word, word),
    };
    t(format!("{word}（{zh}）"), word)
}

/// A Pod's status and detail.
fn pod_state(p: &Value) -> (NodeStatus, Text) {
    if path::get_one(p, "metadata.deletionTimestamp").is_some() {
        return (NodeStatus::Progressing, t("正在终止", "Terminating"));
    }
    let phase = get_str(p, "status.phase").unwrap_or("Unknown");
    let statuses = list(p, "status.initContainerStatuses")
        .iter()
        .chain(list(p, "status.containerStatuses"));
    let mut waiting = None;
    for cs in statuses {
        if let Some(r) = get_str(cs, "state.waiting.reason") {
            if STUCK_REASONS.contains(&r) {
                return (NodeStatus::Broken, gloss(r));
            }
            waiting.get_or_insert(r);
        }
    }
    match phase {
        "Succeeded" => return (NodeStatus::Ok, gloss(phase)),
        "Failed" => return (NodeStatus::Broken, gloss(phase)),
        _ => {}
    }
    if Ctx::pod_ready(p) {
        return (NodeStatus::Ok, gloss("Running"));
    }
    let unschedulable = list(p, "status.conditions").iter().any(|c| {
        get_str(c, "type") == Some("PodScheduled") && get_str(c, "status") == Some("False")
    });
    if unschedulable {
        return (NodeStatus::Broken, t("无法调度", "Unschedulable"));
    }
    if let Some(r) = waiting {
        return (NodeStatus::Progressing, gloss(r));
    }
    if phase == "Running" {
        return (
            NodeStatus::Progressing,
            t("运行中，未就绪", "Running, not ready"),
        );
    }
    (NodeStatus::Progressing, gloss(phase))
}

fn pvc_state(pvc: &Value) -> (NodeStatus, Text) {
    match get_str(pvc, "status.phase") {
        Some("Bound") => (NodeStatus::Ok, t("Bound（已绑定）", "Bound")),
        Some("Lost") => (NodeStatus::Broken, t("Lost（卷已丢失）", "Lost")),
        Some("Pending") => (NodeStatus::Progressing, t("Pending（等待绑定）", "Pending")),
        _ => (NodeStatus::Progressing, gloss("Unknown")),
    }
}

fn pv_state(pv: &Value) -> (NodeStatus, Text) {
    match get_str(pv, "status.phase") {
        Some("Bound") => (NodeStatus::Ok, t("Bound（已绑定）", "Bound")),
        Some("Available") => (NodeStatus::Ok, t("Available（可用）", "Available")),
        Some("Released") => (NodeStatus::Broken, t("Released（已释放）", "Released")),
        Some("Failed") => (NodeStatus::Broken, gloss("Failed")),
        Some("Pending") => (NodeStatus::Progressing, gloss("Pending")),
        _ => (NodeStatus::Progressing, gloss("Unknown")),
    }
}

/// The graph while it is built: nodes by id, edges by (from, to).
struct Builder<'a> {
    ctx: Ctx<'a>,
    nodes: BTreeMap<String, GraphNode>,
    edges: BTreeMap<(String, String), bool>,
}

impl<'a> Builder<'a> {
    fn snap(&self) -> &'a Snapshot {
        self.ctx.snap
    }

    /// Add a node (the first one added for an id wins); returns its id.
    fn node(&mut self, kind: &str, name: &str, status: NodeStatus, detail: Text) -> String {
        let id = node_id(kind, name);
        self.nodes.entry(id.clone()).or_insert_with(|| GraphNode {
            id: id.clone(),
            kind: kind.to_string(),
            name: name.to_string(),
            status,
            detail,
        });
        id
    }

    fn edge(&mut self, from: &str, to: &str, ok: bool) {
        // One link, however many ways it was found: it carries if any of them does.
        *self
            .edges
            .entry((from.to_string(), to.to_string()))
            .or_insert(false) |= ok;
    }

    /// The id of `kind/name`, adding a Missing node when it is not in the snapshot; and whether
    /// it exists.
    fn reference(&mut self, kind: &str, name: &str) -> (String, bool) {
        let exists = self.snap().get(kind, name).is_some();
        if !exists {
            self.node(kind, name, NodeStatus::Missing, not_found());
        }
        (node_id(kind, name), exists)
    }

    fn workloads(&mut self) {
        for kind in ["Deployment", "StatefulSet"] {
            for w in self.snap().of_kind(kind) {
                let desired = u64_at(w, "spec.replicas").unwrap_or(1);
                let ready = u64_at(w, "status.readyReplicas").unwrap_or(0);
                self.node(
                    kind,
                    name_of(w),
                    ready_status(ready, desired),
                    ready_text(ready, desired),
                );
            }
        }
        for w in self.snap().of_kind("DaemonSet") {
            let desired = u64_at(w, "status.desiredNumberScheduled").unwrap_or(0);
            let ready = u64_at(w, "status.numberReady").unwrap_or(0);
            // 0 of 0: not scheduled anywhere yet (or its status is not written yet).
            let status = if desired == 0 {
                NodeStatus::Progressing
            } else {
                ready_status(ready, desired)
            };
            self.node("DaemonSet", name_of(w), status, ready_text(ready, desired));
        }
        // ReplicaSets: those with replicas, and the newest of each Deployment.
        let mut newest: BTreeMap<&str, (u64, &str, &str)> = BTreeMap::new();
        for rs in self.snap().of_kind("ReplicaSet") {
            if let Some(d) = self.deployment_of(rs) {
                let rev = get_str(
                    rs,
                    "metadata.annotations[\"deployment.kubernetes.io/revision\"]",
                )
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0);
                let created = get_str(rs, "metadata.creationTimestamp").unwrap_or_default();
                let key = (rev, created, name_of(rs));
                let e = newest.entry(d).or_insert(key);
                if key > *e {
                    *e = key;
                }
            }
        }
        for rs in self.snap().of_kind("ReplicaSet") {
            let desired = u64_at(rs, "spec.replicas").unwrap_or(1);
            let owner = self.deployment_of(rs);
            let is_newest = owner.is_some_and(|d| newest.get(d).map(|k| k.2) == Some(name_of(rs)));
            if desired == 0 && !is_newest {
                continue;
            }
            let ready = u64_at(rs, "status.readyReplicas").unwrap_or(0);
            let id = self.node(
                "ReplicaSet",
                name_of(rs),
                ready_status(ready, desired),
                ready_text(ready, desired),
            );
            if let Some(d) = owner {
                let from = node_id("Deployment", d);
                self.edge(&from, &id, true);
            }
        }
    }

    /// The name of the Deployment that owns a ReplicaSet, if it is in the snapshot.
    fn deployment_of(&self, rs: &Value) -> Option<&'a str> {
        let snap = self.snap();
        list(rs, "metadata.ownerReferences")
            .iter()
            .filter(|r| get_str(r, "kind") == Some("Deployment"))
            .filter_map(|r| get_str(r, "name"))
            .find_map(|d| snap.get("Deployment", d))
            .map(name_of)
    }

    fn pods(&mut self) {
        let has_claims = self
            .snap()
            .of_kind("PersistentVolumeClaim")
            .next()
            .is_some();
        for p in self.snap().of_kind("Pod") {
            let (status, detail) = pod_state(p);
            let id = self.node("Pod", name_of(p), status, detail);
            for r in list(p, "metadata.ownerReferences") {
                let (Some(kind), Some(owner)) = (get_str(r, "kind"), get_str(r, "name")) else {
                    continue;
                };
                if matches!(kind, "ReplicaSet" | "DaemonSet" | "StatefulSet") {
                    // only owners that are drawn (an old ReplicaSet is not)
                    let from = node_id(kind, owner);
                    if self.nodes.contains_key(&from) {
                        self.edge(&from, &id, true);
                    }
                }
            }
            for v in list(p, "spec.volumes") {
                let Some(claim) = get_str(v, "persistentVolumeClaim.claimName") else {
                    continue;
                };
                if !has_claims {
                    continue;
                }
                let (to, exists) = self.reference("PersistentVolumeClaim", claim);
                let bound = exists
                    && self
                        .snap()
                        .get("PersistentVolumeClaim", claim)
                        .and_then(|c| get_str(c, "status.phase"))
                        == Some("Bound");
                self.edge(&id, &to, bound);
            }
        }
    }

    fn storage(&mut self) {
        let ns = self.snap().namespace.clone();
        let has_volumes = self.snap().of_kind("PersistentVolume").next().is_some();
        for pvc in self.snap().of_kind("PersistentVolumeClaim") {
            let (status, detail) = pvc_state(pvc);
            let id = self.node("PersistentVolumeClaim", name_of(pvc), status, detail);
            let Some(vol) = get_str(pvc, "spec.volumeName").filter(|v| !v.is_empty()) else {
                continue;
            };
            if !has_volumes {
                continue;
            }
            let (to, exists) = self.reference("PersistentVolume", vol);
            self.edge(&id, &to, exists && status == NodeStatus::Ok);
        }
        // Volumes that belong to the namespace: claimed from it, or named by the prefix rule.
        for pv in self.snap().of_kind("PersistentVolume") {
            let name = name_of(pv);
            let ours = get_str(pv, "spec.claimRef.namespace") == Some(ns.as_str())
                || name.starts_with(&format!("{ns}-"));
            if ours || self.nodes.contains_key(&node_id("PersistentVolume", name)) {
                let (status, detail) = pv_state(pv);
                self.node("PersistentVolume", name, status, detail);
            }
        }
    }

    fn services(&mut self) {
        for svc in self.snap().of_kind("Service") {
            let name = name_of(svc);
            let sel_map = obj_map(svc, "spec.selector");
            let selected = self.ctx.service_pods(svc);
            let ready = selected.iter().filter(|p| Ctx::pod_ready(p)).count() as u64;
            let total = selected.len() as u64;
            let (status, detail) = if sel_map.is_empty() {
                (NodeStatus::Ok, t("没有 selector", "no selector"))
            } else if total == 0 {
                (NodeStatus::Broken, t("0 个 Pod", "0 Pods"))
            } else {
                (
                    ready_status(ready, total),
                    t(
                        format!("{ready}/{total} 个 Pod 就绪"),
                        format!("{ready}/{total} Pods ready"),
                    ),
                )
            };
            let id = self.node("Service", name, status, detail);
            let selected_names: BTreeSet<&str> = selected.iter().map(|p| name_of(p)).collect();
            let slices: Vec<&Value> = self.ctx.slices_of(name).collect();
            if slices.is_empty() {
                // No EndpointSlices read (or not written yet): the Pods the selector picks.
                for p in &selected {
                    self.edge(&id, &node_id("Pod", name_of(p)), Ctx::pod_ready(p));
                }
                continue;
            }
            for s in slices {
                // With a selector, an endpoint counts only while it leads to a Pod the selector
                // picks: a slice the controller has not rewritten yet reaches nothing else.
                let eps: Vec<&Value> = list(s, "endpoints")
                    .iter()
                    .filter(|e| {
                        sel_map.is_empty()
                            || get_str(e, "targetRef.name")
                                .is_some_and(|p| selected_names.contains(p))
                    })
                    .collect();
                let ready_eps = eps.iter().filter(|e| Ctx::endpoint_ready(e)).count();
                let (st, detail) = if eps.is_empty() {
                    (NodeStatus::Broken, t("0 个端点", "0 endpoints"))
                } else {
                    (
                        ready_status(ready_eps as u64, eps.len() as u64),
                        t(
                            format!("{ready_eps}/{} 个端点就绪", eps.len()),
                            format!("{ready_eps}/{} endpoints ready", eps.len()),
                        ),
                    )
                };
                let sid = self.node("EndpointSlice", name_of(s), st, detail);
                let mut carries = false;
                for e in eps {
                    let Some(pod) = get_str(e, "targetRef.name") else {
                        continue;
                    };
                    if get_str(e, "targetRef.kind").is_some_and(|k| k != "Pod")
                        || self.snap().get("Pod", pod).is_none()
                    {
                        continue;
                    }
                    let ok = Ctx::endpoint_ready(e);
                    carries |= ok;
                    self.edge(&sid, &node_id("Pod", pod), ok);
                }
                self.edge(&id, &sid, carries);
            }
        }
    }

    fn ingresses(&mut self) {
        let ns = self.snap().namespace.clone();
        for ing in self.snap().of_kind("Ingress") {
            let name = name_of(ing);
            let class = get_str(ing, "spec.ingressClassName")
                .or_else(|| get_str(ing, "metadata.annotations[\"kubernetes.io/ingress.class\"]"));
            let mut backends: Vec<&str> = Vec::new();
            backends.extend(get_str(ing, "spec.defaultBackend.service.name"));
            let mut hosts: Vec<&str> = Vec::new();
            for r in list(ing, "spec.rules") {
                if let Some(h) = get_str(r, "host") {
                    if !hosts.contains(&h) {
                        hosts.push(h);
                    }
                }
                for p in list(r, "http.paths") {
                    backends.extend(get_str(p, "backend.service.name"));
                }
            }
            let class_ok = class.is_some_and(|c| self.snap().get("IngressClass", c).is_some());
            let services_ok = backends
                .iter()
                .all(|b| self.snap().get("Service", b).is_some());
            let (status, detail) = if class.is_none() {
                (
                    NodeStatus::Broken,
                    t("未设置 ingressClassName", "no ingressClassName"),
                )
            } else if hosts.is_empty() {
                let d = if backends.is_empty() {
                    t("没有规则", "no rules")
                } else {
                    t("默认后端", "default backend")
                };
                (NodeStatus::Ok, d)
            } else {
                let h = hosts.join(", ");
                (NodeStatus::Ok, t(h.clone(), h))
            };
            // A class or a backend Service that is not there: nothing serves this Ingress.
            let status = if status == NodeStatus::Ok && !(class_ok && services_ok) {
                NodeStatus::Broken
            } else {
                status
            };
            let id = self.node("Ingress", name, status, detail);
            if let Some(c) = class {
                let (to, exists) = self.reference("IngressClass", c);
                self.edge(&id, &to, exists);
            }
            for b in backends {
                let (to, exists) = self.reference("Service", b);
                self.edge(&id, &to, exists);
            }
        }
        // Classes the namespace uses, or names by the prefix rule.
        for ic in self.snap().of_kind("IngressClass") {
            let name = name_of(ic);
            if self.nodes.contains_key(&node_id("IngressClass", name))
                || name.starts_with(&format!("{ns}-"))
            {
                let ctrl = get_str(ic, "spec.controller").unwrap_or("(no controller)");
                self.node("IngressClass", name, NodeStatus::Ok, t(ctrl, ctrl));
            }
        }
    }

    /// Pin the verdict's first failure to its node.
    fn verdict(&mut self, verdict: &Verdict) -> Option<BrokenLink> {
        let failure = verdict.first_failure()?;
        let obj = failure.object.as_ref().filter(|o| !o.name.is_empty())?;
        let id = node_id(&obj.kind, &obj.name);
        let exists = self.snap().get(&obj.kind, &obj.name).is_some();
        match self.nodes.get_mut(&id) {
            Some(n) => {
                if n.status != NodeStatus::Missing {
                    n.status = NodeStatus::Broken;
                }
            }
            None if exists => {
                self.node(
                    &obj.kind,
                    &obj.name,
                    NodeStatus::Broken,
                    t("未通过检查", "fails the check"),
                );
            }
            None => {
                self.node(&obj.kind, &obj.name, NodeStatus::Missing, not_found());
            }
        }
        Some(BrokenLink {
            node: id,
            message: failure.message.clone(),
        })
    }

    fn finish(self, broken: Option<BrokenLink>) -> ObjectGraph {
        let mut nodes: Vec<GraphNode> = self.nodes.into_values().collect();
        nodes.sort_by(|a, b| {
            (kind_rank(&a.kind), &a.kind, &a.name).cmp(&(kind_rank(&b.kind), &b.kind, &b.name))
        });
        let mut more = 0u32;
        if nodes.len() > MAX_NODES {
            // Keep the first MAX_NODES in order, but never drop the node of the broken link.
            let pinned = broken.as_ref().map(|b| b.node.as_str());
            let keep_pinned = pinned.is_some_and(|p| {
                nodes
                    .iter()
                    .position(|n| n.id == p)
                    .is_some_and(|i| i >= MAX_NODES)
            });
            let budget = if keep_pinned {
                MAX_NODES - 1
            } else {
                MAX_NODES
            };
            let total = nodes.len();
            let mut i = 0usize;
            nodes.retain(|n| {
                let keep = i < budget || (keep_pinned && Some(n.id.as_str()) == pinned);
                i += 1;
                keep
            });
            more = u32::try_from(total - nodes.len()).unwrap_or(u32::MAX);
        }
        let pos: BTreeMap<&str, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut edges: Vec<(usize, usize, GraphEdge)> = self
            .edges
            .into_iter()
            .filter_map(|((from, to), ok)| {
                let (f, t) = (*pos.get(from.as_str())?, *pos.get(to.as_str())?);
                Some((f, t, GraphEdge { from, to, ok }))
            })
            .collect();
        edges.sort_by_key(|(f, t, _)| (*f, *t));
        ObjectGraph {
            edges: edges.into_iter().map(|(_, _, e)| e).collect(),
            nodes,
            more,
            broken,
        }
    }
}

/// The graph of the snapshot's objects and links; with a verdict, its first failure marks the
/// broken node and carries the check's message.
pub fn build(snap: &Snapshot, verdict: Option<&Verdict>) -> ObjectGraph {
    let mut b = Builder {
        ctx: Ctx {
            snap,
            offline: false,
        },
        nodes: BTreeMap::new(),
        edges: BTreeMap::new(),
    };
    // Objects without a name cannot be told apart or linked: they are left out.
    b.workloads();
    b.pods();
    b.storage();
    b.services();
    b.ingresses();
    b.nodes
        .retain(|_, n| !n.name.is_empty() && !n.kind.is_empty());
    let broken = verdict.and_then(|v| b.verdict(v));
    b.finish(broken)
}
