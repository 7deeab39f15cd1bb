//! `field`: whether a value at a path of the target meets an expectation (or is absent).
//! Separate because it is the generic check; the others encode one Kubernetes rule each.

use serde_json::Value;

use crate::path::{self, render};
use crate::spec::{Expect, Target};
use crate::verdict::{t, Outcome};

use super::expect::{describe_expect, satisfies};
use super::Ctx;

impl<'a> Ctx<'a> {
    pub(super) fn field(
        &self,
        target: &Target,
        p: &str,
        expect: &Expect,
        all: bool,
    ) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let segs = path::parse(p)
            .map_err(|e| Outcome::fail(t(format!("路径错误：{e}"), format!("Bad path: {e}"))))?;
        let values = path::get(o, &segs);
        let want = describe_expect(expect, self.ns());
        if expect.present == Some(false) {
            return match values.first() {
                None => Ok(
                    Outcome::pass(t(format!("{r} 没有 {p}。"), format!("{r} has no {p}.")))
                        .object(Some(r)),
                ),
                Some((cp, v)) => Err(Outcome::fail(t(
                    format!("{r} 不应设置 {cp}，但它是 {}。", render(v)),
                    format!("{r} should not set {cp}, but it is {}.", render(v)),
                ))
                .object(Some(r))
                .field(cp.clone())
                .expected("(absent)")
                .found(render(v))),
            };
        }
        if values.is_empty() {
            return Err(Outcome::fail(t(
                format!("{r} 缺少字段 {p}（应为 {want}）。"),
                format!("{r} has no {p} (expected {want})."),
            ))
            .object(Some(r))
            .field(p)
            .expected(want)
            .found("(missing)"));
        }
        let bad: Vec<&(String, &Value)> = values
            .iter()
            .filter(|(_, v)| !satisfies(expect, v, self.ns()))
            .collect();
        let ok = if all {
            bad.is_empty()
        } else {
            bad.len() < values.len()
        };
        if ok {
            let (cp, v) = &values[0];
            return Ok(Outcome::pass(t(
                format!("{r} 的 {cp} 是 {}。", render(v)),
                format!("{r}: {cp} is {}.", render(v)),
            ))
            .object(Some(r))
            .field(cp.clone())
            .expected(want)
            .found(render(v)));
        }
        let (cp, v) = bad[0];
        let found = if values.len() > 1 && !all {
            values
                .iter()
                .map(|(_, v)| render(v))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            render(v)
        };
        Err(Outcome::fail(t(
            format!("{r} 的 {cp} 是 {found}，应为 {want}。"),
            format!("{r}: {cp} is {found}, expected {want}."),
        ))
        .object(Some(r))
        .field(cp.clone())
        .expected(want)
        .found(found))
    }
}
