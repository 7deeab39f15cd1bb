//! Exercise specs (`content/exercises/<id>.yaml`) and the catalog.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::verdict::Text;

/// What the learner submits / where the check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseKind {
    /// Checked against a snapshot of the learner's namespace ([`crate::evaluate`]).
    Cluster,
    /// A Dockerfile, checked offline ([`crate::validate`]).
    Dockerfile,
    /// One shell command line, checked offline.
    Command,
    /// Kubernetes YAML, checked offline.
    Manifest,
    /// Multiple-choice questions, graded offline.
    Quiz,
}

/// A resource type the cluster layer must list/watch to build a [`crate::Snapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Need {
    /// `v1`, `apps/v1`, `networking.k8s.io/v1`, ...
    pub api_version: String,
    pub kind: String,
    /// The resource name in URLs (`pods`, `endpointslices`).
    pub plural: String,
    /// Namespaced types are listed in the learner's namespace; cluster-scoped ones cluster-wide.
    pub namespaced: bool,
}

impl Need {
    /// `("apps", "v1")`; the core group is `""`.
    pub fn group_version(&self) -> (&str, &str) {
        match self.api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", self.api_version.as_str()),
        }
    }
}

/// Which object an assertion is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub kind: String,
    /// The object's name. With `prefixable`, `<namespace>-<name>` is accepted too and preferred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Select by field values instead of (or in addition to) the name: `{spec.storageClassName: host-test}`.
    #[serde(default, rename = "where", skip_serializing_if = "BTreeMap::is_empty")]
    pub where_: BTreeMap<String, Value>,
    /// Apply the namespace-prefix rule to `name` and to string values in `where`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prefixable: bool,
}

/// A condition on a value.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<Value>>,
    /// A regular expression the rendered value must match (anchor it yourself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matches: Option<String>,
    /// Numeric lower bound (inclusive). With `quantity`, e.g. `5Mi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Value>,
    /// `true`: the field must be present (any value); `false`: must be absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<bool>,
    /// Compare as Kubernetes quantities (`10Mi`, `1Gi`, `500m`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quantity: bool,
    /// Accept `<namespace>-<value>` as well as `<value>` for `equals`/`one_of`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub prefixable: bool,
}

/// Requirement on the IngressClass of an Ingress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassRequirement {
    /// Required IngressClass name (plain or namespace-prefixed); omit to accept any existing class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Required `spec.controller` of the IngressClass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
}

/// A taint that must be tolerated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaintSpec {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub effect: String,
}

/// Declared flag of a command grammar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagSpec {
    /// All spellings: `[-p, --publish]`.
    pub names: Vec<String>,
    /// The flag takes a value (`-p 8080:80`, `--publish=8080:80`, `-p8080:80`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub value: bool,
    /// Value used when the flag is given without `=value` (pflag's NoOptDefVal, e.g. `--dry-run` → `client`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implicit: Option<String>,
}

/// The grammar of a command exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    /// `docker`, `kubectl`.
    pub program: String,
    /// Other names of the program (`k` for kubectl).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Accepted subcommand paths: `[[run], [container, run]]`.
    #[serde(default)]
    pub subcommands: Vec<Vec<String>>,
    pub flags: Vec<FlagSpec>,
    /// The first positional ends option parsing (docker run: the rest is the container's command).
    #[serde(default)]
    pub flags_stop_at_positional: bool,
}

/// The assertion vocabulary. `check:` picks the variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The target object exists.
    Exists { target: Target },
    /// A field of the target satisfies `expect`. With `[*]` in the path, any element may satisfy it
    /// (or every element with `all: true`).
    Field {
        target: Target,
        path: String,
        expect: Expect,
        #[serde(default)]
        all: bool,
    },
    /// A workload's `spec.selector` matches its own pod template labels.
    SelectorMatchesTemplate { target: Target },
    /// A Service's selector selects the Pods of a workload (not the workload's name).
    ServiceSelects {
        target: Target,
        workload: Target,
        #[serde(default)]
        count: Option<u32>,
    },
    /// `kubectl get <kind> -l <selector>` returns exactly the Pods owned by `owner` (and `count` of them).
    LabelSelects {
        selector: String,
        #[serde(default)]
        count: Option<u32>,
        #[serde(default)]
        owner: Option<Target>,
    },
    /// Pod Running and Ready; Deployment/StatefulSet/ReplicaSet available; DaemonSet ready on
    /// every node its tolerations allow (with `every_node`, on every node of the cluster).
    Ready {
        target: Target,
        #[serde(default)]
        replicas: Option<u32>,
        #[serde(default)]
        every_node: bool,
    },
    /// The workload's pod template tolerates a taint.
    Tolerates { target: Target, taint: TaintSpec },
    /// A Service has at least `min_ready` ready endpoints (EndpointSlices).
    ServiceEndpoints {
        target: Target,
        #[serde(default = "one")]
        min_ready: u32,
    },
    /// Every Service port's targetPort is a containerPort (number or name) of the Pods it selects.
    TargetPort {
        target: Target,
        #[serde(default)]
        workload: Option<Target>,
    },
    /// Ingress → IngressClass → rule (host, path, pathType) → backend Service:port → ready endpoints.
    IngressRoute {
        target: Target,
        host: String,
        path: String,
        path_types: Vec<String>,
        service: String,
        port: Value,
        #[serde(default)]
        class: Option<ClassRequirement>,
        #[serde(default = "one")]
        min_ready: u32,
    },
    /// A PVC is Bound, and its PV has the claim's storage class and enough capacity.
    PvcBound {
        target: Target,
        #[serde(default)]
        storage_class: Option<String>,
    },
    /// A container env variable (env, valueFrom ConfigMap/Secret, or envFrom with prefix) names a
    /// Service by DNS: `svc`, `svc.ns`, `svc.ns.svc`, `svc.ns.svc.cluster.local` (an optional `:port`).
    EnvNamesService {
        target: Target,
        #[serde(default)]
        container: Option<String>,
        env: String,
        service: String,
    },
    /// Dockerfile: the final stage's base image is `image` with an explicit tag not in `forbid_tags`.
    DockerfileBaseImage {
        image: String,
        #[serde(default)]
        forbid_tags: Vec<String>,
    },
    /// Dockerfile: COPY/ADD sources stay inside the build context (no absolute paths, no `..`).
    DockerfileCopyInContext,
    /// Dockerfile: no two RUN instructions in a row (join setup commands with `&&`).
    DockerfileNoConsecutiveRuns,
    /// Dockerfile: an instruction appears at least `min` times (`EXPOSE`).
    DockerfileHas {
        instruction: String,
        #[serde(default = "one")]
        min: u32,
    },
    /// Command: the program and subcommand are the expected ones.
    CommandIs,
    /// Command: a flag (any spelling) is present, optionally with a value satisfying `expect`.
    Flag {
        names: Vec<String>,
        #[serde(default)]
        expect: Option<Expect>,
    },
    /// Command: the positional argument at `index` (after the subcommand) satisfies `expect`.
    Positional { index: usize, expect: Expect },
}

fn one() -> u32 {
    1
}

impl Check {
    /// The check's name as written in specs (`field`, `ready`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            Check::Exists { .. } => "exists",
            Check::Field { .. } => "field",
            Check::SelectorMatchesTemplate { .. } => "selector_matches_template",
            Check::ServiceSelects { .. } => "service_selects",
            Check::LabelSelects { .. } => "label_selects",
            Check::Ready { .. } => "ready",
            Check::Tolerates { .. } => "tolerates",
            Check::ServiceEndpoints { .. } => "service_endpoints",
            Check::TargetPort { .. } => "target_port",
            Check::IngressRoute { .. } => "ingress_route",
            Check::PvcBound { .. } => "pvc_bound",
            Check::EnvNamesService { .. } => "env_names_service",
            Check::DockerfileBaseImage { .. } => "dockerfile_base_image",
            Check::DockerfileCopyInContext => "dockerfile_copy_in_context",
            Check::DockerfileNoConsecutiveRuns => "dockerfile_no_consecutive_runs",
            Check::DockerfileHas { .. } => "dockerfile_has",
            Check::CommandIs => "command_is",
            Check::Flag { .. } => "flag",
            Check::Positional { .. } => "positional",
        }
    }

    /// Which exercise kinds may use this check.
    fn family(&self) -> ExerciseKind {
        match self {
            Check::DockerfileBaseImage { .. }
            | Check::DockerfileCopyInContext
            | Check::DockerfileNoConsecutiveRuns
            | Check::DockerfileHas { .. } => ExerciseKind::Dockerfile,
            Check::CommandIs | Check::Flag { .. } | Check::Positional { .. } => {
                ExerciseKind::Command
            }
            _ => ExerciseKind::Cluster,
        }
    }

    /// Checks that read status (readiness, endpoints, binding): skipped when a cluster exercise is
    /// validated offline from a manifest.
    pub fn needs_status(&self) -> bool {
        matches!(
            self,
            Check::Ready { .. }
                | Check::ServiceEndpoints { .. }
                | Check::IngressRoute { .. }
                | Check::PvcBound { .. }
                | Check::LabelSelects { .. }
        )
    }

    /// Every target kind the check reads (for the `needs` well-formedness check).
    pub(crate) fn kinds(&self) -> Vec<&str> {
        let mut k: Vec<&str> = Vec::new();
        match self {
            Check::Exists { target }
            | Check::Field { target, .. }
            | Check::SelectorMatchesTemplate { target }
            | Check::Tolerates { target, .. } => k.push(&target.kind),
            Check::ServiceSelects {
                target, workload, ..
            } => {
                k.extend([target.kind.as_str(), workload.kind.as_str(), "Pod"]);
            }
            Check::LabelSelects { owner, .. } => {
                k.push("Pod");
                if let Some(o) = owner {
                    k.push(&o.kind);
                }
            }
            Check::Ready {
                target, every_node, ..
            } => {
                k.push(&target.kind);
                if target.kind == "DaemonSet" {
                    k.extend(["Pod", "Node"]);
                }
                let _ = every_node;
            }
            Check::ServiceEndpoints { target, .. } => {
                k.extend([target.kind.as_str(), "EndpointSlice", "Pod"])
            }
            Check::TargetPort { target, workload } => {
                k.extend([target.kind.as_str(), "Pod"]);
                if let Some(w) = workload {
                    k.push(&w.kind);
                }
            }
            Check::IngressRoute { target, .. } => {
                k.extend([
                    target.kind.as_str(),
                    "IngressClass",
                    "Service",
                    "EndpointSlice",
                ]);
            }
            Check::PvcBound { target, .. } => k.extend([target.kind.as_str(), "PersistentVolume"]),
            Check::EnvNamesService { target, .. } => k.extend([target.kind.as_str(), "Service"]),
            _ => {}
        }
        k
    }
}

/// One assertion of a spec. (Unknown keys are rejected by `Check`, which receives the rest.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assertion {
    /// Stable id, unique within the exercise (`service-selects-pods`).
    pub id: String,
    /// What is checked, shown as the result's title.
    pub message: Text,
    /// The hint shown when it fails.
    pub hint: Text,
    /// Ids of earlier assertions this one depends on: if one of them fails, this one is skipped
    /// and says which link broke first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    #[serde(flatten)]
    pub check: Check,
}

/// A quiz option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizOption {
    pub id: String,
    pub text: Text,
}

/// A quiz question. `answer` and `explanation` are stripped by [`Exercise::public`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub prompt: Text,
    pub options: Vec<QuizOption>,
    /// Correct option ids; more than one makes it a multiple-choice question (all must be chosen).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answer: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Text>,
    /// Shown in public form: the learner may pick several options.
    #[serde(default)]
    pub multiple: bool,
}

/// The most failed checks a spec may ask for before its hints open.
pub const MAX_HINTS_AFTER_FAILURES: u32 = 5;

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// An exercise spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    pub id: String,
    pub kind: ExerciseKind,
    pub title: Text,
    /// Markdown.
    pub instructions: Text,
    /// Tiered hints, from gentle to explicit.
    #[serde(default)]
    pub hints: Vec<Text>,
    /// When above 0, the hints (the list and each result's hint) stay closed until the learner
    /// has failed this many checks of the exercise (a challenge: try first). At most
    /// [`MAX_HINTS_AFTER_FAILURES`].
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints_after_failures: u32,
    /// Resource types to fetch for a cluster snapshot.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<Need>,
    /// A cluster exercise that can also be checked offline from submitted YAML: `manifest`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<ExerciseKind>,
    /// Grammar for `command` exercises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandSpec>,
    /// Questions of `quiz` exercises.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<Assertion>,
    /// Objects kubelab creates in the learner's namespace when the learner starts the exercise
    /// (a break-fix exercise's broken objects): Kubernetes manifests, each a map. See
    /// [`setup::SETUP_KINDS`] for the types allowed and the caps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setup: Vec<Value>,
}

/// The safe-for-the-browser form of an exercise: quiz answers and explanations removed, assertion
/// internals (expected values) reduced to id + title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicExercise {
    pub id: String,
    pub kind: ExerciseKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offline: Option<ExerciseKind>,
    pub title: Text,
    pub instructions: Text,
    /// Empty while the hints are closed (`hints_after_failures`): the server gives them to a
    /// learner who has failed enough checks (`GET /api/exercises/{id}/hints`).
    pub hints: Vec<Text>,
    /// Failed checks before the hints open; 0: open from the start.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hints_after_failures: u32,
    pub questions: Vec<Question>,
    pub assertions: Vec<PublicAssertion>,
    /// What "Start" creates (kind and name), empty when the exercise has no setup.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub setup: Vec<SetupObject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAssertion {
    pub id: String,
    pub message: Text,
}

impl Exercise {
    /// Strip everything that gives answers away before submission.
    pub fn public(&self) -> PublicExercise {
        PublicExercise {
            id: self.id.clone(),
            kind: self.kind,
            offline: self.offline,
            title: self.title.clone(),
            instructions: self.instructions.clone(),
            hints: if self.hints_after_failures > 0 {
                Vec::new()
            } else {
                self.hints.clone()
            },
            hints_after_failures: self.hints_after_failures,
            questions: self
                .questions
                .iter()
                .map(|q| Question {
                    answer: Vec::new(),
                    explanation: None,
                    multiple: q.multiple || q.answer.len() > 1,
                    ..q.clone()
                })
                .collect(),
            assertions: self
                .assertions
                .iter()
                .map(|a| PublicAssertion {
                    id: a.id.clone(),
                    message: a.message.clone(),
                })
                .collect(),
            setup: self.setup_objects(),
        }
    }

    /// Hints still closed for a learner with `failures` failed checks: `None` when open, else
    /// how many more failed checks open them.
    pub fn hints_to_go(&self, failures: u32) -> Option<u32> {
        (failures < self.hints_after_failures).then(|| self.hints_after_failures - failures)
    }

    /// What a browser needs to pre-check text exactly as [`crate::validate`] does on the server:
    /// the exercise without instructions, hints, quiz and setup (a challenge's per-assertion
    /// hints blanked too, as its verdicts carry none until they open). `None` for a quiz, whose
    /// answers stay on the server, and for an exercise checked only in the cluster.
    pub fn rules(&self) -> Option<Exercise> {
        if matches!(self.offline_kind()?, ExerciseKind::Quiz) {
            return None;
        }
        let closed = self.hints_after_failures > 0;
        Some(Exercise {
            instructions: Text::default(),
            hints: Vec::new(),
            questions: Vec::new(),
            setup: Vec::new(),
            assertions: self
                .assertions
                .iter()
                .map(|a| Assertion {
                    hint: if closed {
                        Text::default()
                    } else {
                        a.hint.clone()
                    },
                    ..a.clone()
                })
                .collect(),
            ..self.clone()
        })
    }

    /// Whether [`crate::validate`] accepts input for this exercise.
    pub fn offline_kind(&self) -> Option<ExerciseKind> {
        match self.kind {
            ExerciseKind::Cluster => self.offline,
            k => Some(k),
        }
    }
}

mod catalog;
mod problems;
pub mod setup;

pub use catalog::{parse_exercise, Catalog};
pub use setup::{SetupManifest, SetupObject};
