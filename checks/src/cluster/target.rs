//! Which object an assertion's target names (a `<ns>-` prefixed name wins over the plain one),
//! and the target keys that let one missing object skip every assertion that depends on it.

use serde_json::Value;

use crate::path::{self, render};
use crate::snapshot::{name_of, Snapshot};
use crate::spec::{Check, Target};
use crate::verdict::{t, ObjectRef, Outcome};

use super::{names, Ctx};

impl<'a> Ctx<'a> {
    fn target_ref(&self, t: &Target) -> Option<ObjectRef> {
        t.name.as_ref().map(|n| ObjectRef {
            kind: t.kind.clone(),
            name: n.clone(),
            namespace: Snapshot::is_namespaced(&t.kind).then(|| self.ns().to_string()),
        })
    }

    /// Human description of a target: `Deployment ngx-dep`, `IngressClass ns-ngx-ink (or ngx-ink)`.
    fn describe(&self, t: &Target) -> String {
        let mut s = t.kind.clone();
        if let Some(n) = &t.name {
            if t.prefixable {
                s.push_str(&format!(" {}-{n} (or {n})", self.ns()));
            } else {
                s.push_str(&format!(" {n}"));
            }
        }
        if !t.where_.is_empty() {
            let w: Vec<String> = t
                .where_
                .iter()
                .map(|(k, v)| {
                    if t.prefixable {
                        format!("{k}={}-{} (or {})", self.ns(), render(v), render(v))
                    } else {
                        format!("{k}={}", render(v))
                    }
                })
                .collect();
            s.push_str(&format!(" with {}", w.join(", ")));
        }
        s
    }

    /// Find the target. Prefixed names win over plain ones.
    pub fn resolve(&self, tg: &Target) -> Result<&'a Value, Outcome> {
        let ns = self.ns().to_string();
        let snap: &'a Snapshot = self.snap;
        // rank: 2 = all matches used the prefixed form, 1 = plain, 0 = no match
        let rank = |o: &Value| -> u8 {
            let mut prefixed = true;
            if let Some(n) = &tg.name {
                let got = name_of(o);
                if tg.prefixable && got == format!("{ns}-{n}") {
                } else if got == n {
                    prefixed = false;
                } else {
                    return 0;
                }
            }
            for (k, want) in &tg.where_ {
                let Ok(segs) = path::parse(k) else { return 0 };
                let got: Vec<String> = path::get(o, &segs)
                    .into_iter()
                    .map(|(_, v)| render(v))
                    .collect();
                let want = render(want);
                if tg.prefixable && got.contains(&format!("{ns}-{want}")) {
                } else if got.contains(&want) {
                    prefixed = false;
                } else {
                    return 0;
                }
            }
            if prefixed && tg.prefixable {
                2
            } else {
                1
            }
        };
        let mut best: Option<(&'a Value, u8)> = None;
        for o in snap.of_kind(&tg.kind) {
            let r = rank(o);
            if r > 0 && best.is_none_or(|(_, b)| r > b) {
                best = Some((o, r));
            }
        }
        if let Some((o, _)) = best {
            return Ok(o);
        }
        let existing: Vec<&Value> = snap.of_kind(&tg.kind).collect();
        let d = self.describe(tg);
        let where_ns = if Snapshot::is_namespaced(&tg.kind) {
            (format!("命名空间 {ns} 里",), format!(" in namespace {ns}"))
        } else {
            (String::from("集群里"), String::new())
        };
        Err(Outcome::fail(t(
            format!(
                "{}没有找到 {d}。现有的 {}：{}",
                where_ns.0,
                tg.kind,
                names(&existing)
            ),
            format!(
                "{d} not found{}. Existing {}s: {}",
                where_ns.1,
                tg.kind,
                names(&existing)
            ),
        ))
        .object(self.target_ref(tg))
        .expected(d.clone())
        .found(names(&existing))
        .missing(key_of(tg)))
    }
}

impl Outcome {
    pub(crate) fn missing(mut self, key: String) -> Self {
        self.missing = Some(key);
        self
    }
}

/// A stable key for "the same target" across assertions.
pub(crate) fn target_key(c: &Check) -> Option<String> {
    let t = match c {
        Check::Exists { target }
        | Check::Field { target, .. }
        | Check::SelectorMatchesTemplate { target }
        | Check::ServiceSelects { target, .. }
        | Check::Ready { target, .. }
        | Check::Tolerates { target, .. }
        | Check::ServiceEndpoints { target, .. }
        | Check::TargetPort { target, .. }
        | Check::IngressRoute { target, .. }
        | Check::PvcBound { target, .. }
        | Check::EnvNamesService { target, .. } => target,
        _ => return None,
    };
    Some(key_of(t))
}

pub(crate) fn key_of(t: &Target) -> String {
    format!("{}/{:?}/{:?}", t.kind, t.name, t.where_)
}

/// Keys of every target a check resolves (primary and secondary), for skip propagation.
pub(crate) fn all_target_keys(c: &Check) -> Vec<String> {
    let mut v: Vec<String> = target_key(c).into_iter().collect();
    let extra = match c {
        Check::ServiceSelects { workload, .. } => Some(workload),
        Check::TargetPort {
            workload: Some(w), ..
        } => Some(w),
        Check::LabelSelects { owner: Some(o), .. } => Some(o),
        _ => None,
    };
    if let Some(t) = extra {
        v.push(key_of(t));
    }
    v
}
