//! Evaluation of the object-level checks against a [`Snapshot`].
//! This file dispatches each [`Check`] to its evaluator and holds the JSON helpers they share;
//! each family of checks has its own submodule, so one Kubernetes rule reads in one place.
// `Result<Outcome, Outcome>` is pass/fail control flow (the Err side is the failure verdict, built once
// per assertion), not an error type; boxing it would only add noise.
#![allow(clippy::result_large_err)]

mod env;
mod expect;
mod field;
mod ingress;
mod pods;
mod readiness;
mod selectors;
mod services;
mod storage;
mod target;
mod tolerations;

use serde_json::{Map, Value};

use crate::path;
use crate::snapshot::{kind_of, name_of, Snapshot};
use crate::spec::Check;
use crate::verdict::{t, ObjectRef, Outcome};

pub(crate) use expect::{describe_expect, satisfies};
pub(crate) use target::all_target_keys;

pub(crate) struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub offline: bool,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

pub(crate) fn obj_map<'a>(v: &'a Value, p: &str) -> &'a Map<String, Value> {
    path::get_one(v, p)
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY)
}

pub(crate) fn list<'a>(v: &'a Value, p: &str) -> &'a [Value] {
    path::get_one(v, p)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn names(vs: &[&Value]) -> String {
    if vs.is_empty() {
        return "(none)".into();
    }
    vs.iter().map(|v| name_of(v)).collect::<Vec<_>>().join(", ")
}

/// Where the pod spec sits: a Pod's own `spec`, or a workload's `spec.template.spec`.
fn pod_spec_base(o: &Value) -> &'static str {
    if kind_of(o) == "Pod" {
        "spec"
    } else {
        "spec.template.spec"
    }
}

/// Accept `value` or `<ns>-value`.
fn prefixed_ok(ns: &str, want: &str, got: &str) -> bool {
    got == want || got == format!("{ns}-{want}")
}

impl<'a> Ctx<'a> {
    fn ns(&self) -> &str {
        &self.snap.namespace
    }

    pub fn objref(&self, v: &Value) -> ObjectRef {
        let kind = kind_of(v).to_string();
        ObjectRef {
            namespace: Snapshot::is_namespaced(&kind).then(|| self.ns().to_string()),
            name: name_of(v).to_string(),
            kind,
        }
    }

    pub fn eval(&self, check: &Check) -> Outcome {
        match self.eval_inner(check) {
            Ok(o) | Err(o) => o,
        }
    }

    fn eval_inner(&self, check: &Check) -> Result<Outcome, Outcome> {
        match check {
            Check::Exists { target } => {
                let o = self.resolve(target)?;
                let r = self.objref(o);
                Ok(
                    Outcome::pass(t(format!("{r} 已存在。"), format!("{r} exists.")))
                        .object(Some(r)),
                )
            }
            Check::Field {
                target,
                path,
                expect,
                all,
            } => self.field(target, path, expect, *all),
            Check::SelectorMatchesTemplate { target } => self.selector_matches_template(target),
            Check::ServiceSelects {
                target,
                workload,
                count,
            } => self.service_selects(target, workload, *count),
            Check::LabelSelects {
                selector,
                count,
                owner,
            } => self.label_selects(selector, *count, owner.as_ref()),
            Check::Ready {
                target,
                replicas,
                every_node,
            } => self.ready(target, *replicas, *every_node),
            Check::Tolerates { target, taint } => self.tolerates_check(target, taint),
            Check::ServiceEndpoints { target, min_ready } => {
                let svc = self.resolve(target)?;
                self.endpoints(svc, *min_ready)
            }
            Check::TargetPort { target, workload } => self.target_port(target, workload.as_ref()),
            Check::IngressRoute {
                target,
                host,
                path,
                path_types,
                service,
                port,
                class,
                min_ready,
            } => self.ingress(
                target,
                host,
                path,
                path_types,
                service,
                port,
                class.as_ref(),
                *min_ready,
            ),
            Check::PvcBound {
                target,
                storage_class,
            } => self.pvc_bound(target, storage_class.as_deref()),
            Check::EnvNamesService {
                target,
                container,
                env,
                service,
            } => self.env_names_service(target, container.as_deref(), env, service),
            other => Err(Outcome::fail(t(
                format!("检查 {} 不适用于集群对象。", other.name()),
                format!("Check {} does not apply to cluster objects.", other.name()),
            ))),
        }
    }
}
