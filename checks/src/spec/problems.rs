//! Whether an exercise spec is well-formed: every problem found, so an author fixes them at once.

use super::*;

impl Exercise {
    /// Check the spec is well-formed. Returns every problem found.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            p.push(format!(
                "id \"{}\" must be lowercase letters, digits and '-'",
                self.id
            ));
        }
        for (what, text) in [("title", &self.title), ("instructions", &self.instructions)] {
            if text.is_blank() {
                p.push(format!("{what} needs both zh and en"));
            }
        }
        if self.hints_after_failures > MAX_HINTS_AFTER_FAILURES {
            p.push(format!(
                "hints_after_failures: at most {MAX_HINTS_AFTER_FAILURES}"
            ));
        }
        if self.hints.is_empty() {
            p.push("hints: give at least one hint".into());
        }
        for (i, h) in self.hints.iter().enumerate() {
            if h.is_blank() {
                p.push(format!("hints[{i}] needs both zh and en"));
            }
        }
        match self.kind {
            ExerciseKind::Quiz => self.quiz_problems(&mut p),
            ExerciseKind::Command if self.command.is_none() => {
                p.push("a command exercise needs `command:`".into())
            }
            ExerciseKind::Cluster if self.needs.is_empty() => {
                p.push("a cluster exercise needs `needs:`".into())
            }
            _ => {}
        }
        if self.kind != ExerciseKind::Quiz && self.assertions.is_empty() {
            p.push("assertions: give at least one".into());
        }
        if let Some(o) = self.offline {
            if self.kind != ExerciseKind::Cluster || o != ExerciseKind::Manifest {
                p.push("offline: only `manifest`, and only on cluster exercises".into());
            }
        }
        let needed: BTreeSet<&str> = self.needs.iter().map(|n| n.kind.as_str()).collect();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for a in &self.assertions {
            let at = format!("assertion {}", a.id);
            if a.id.is_empty() || !seen.insert(&a.id) {
                p.push(format!("{at}: id is empty or used twice"));
            }
            if a.message.is_blank() || a.hint.is_blank() {
                p.push(format!("{at}: message and hint need both zh and en"));
            }
            for dep in &a.after {
                if !seen.contains(dep.as_str()) || dep == &a.id {
                    p.push(format!(
                        "{at}: after: \"{dep}\" is not an earlier assertion"
                    ));
                }
            }
            let fam = a.check.family();
            let ok = match self.kind {
                ExerciseKind::Cluster | ExerciseKind::Manifest => fam == ExerciseKind::Cluster,
                ExerciseKind::Dockerfile => fam == ExerciseKind::Dockerfile,
                ExerciseKind::Command => fam == ExerciseKind::Command,
                ExerciseKind::Quiz => false,
            };
            if !ok {
                p.push(format!(
                    "{at}: check `{}` cannot be used in a {:?} exercise",
                    a.check.name(),
                    self.kind
                ));
            }
            if self.kind == ExerciseKind::Cluster {
                for k in a.check.kinds() {
                    if !needed.contains(k) {
                        p.push(format!(
                            "{at}: reads {k} objects but `needs` does not list {k}"
                        ));
                    }
                }
            }
            check_problems(&a.check, &at, self.command.as_ref(), &mut p);
        }
        self.setup_problems(&mut p);
        p
    }

    fn quiz_problems(&self, p: &mut Vec<String>) {
        if self.questions.is_empty() {
            p.push("a quiz needs questions".into());
        }
        let mut ids = BTreeSet::new();
        for q in &self.questions {
            let at = format!("question {}", q.id);
            if !ids.insert(&q.id) {
                p.push(format!("{at}: id used twice"));
            }
            if q.prompt.is_blank() {
                p.push(format!("{at}: prompt needs zh and en"));
            }
            if q.options.len() < 2 {
                p.push(format!("{at}: give at least two options"));
            }
            let opts: BTreeSet<&str> = q.options.iter().map(|o| o.id.as_str()).collect();
            if opts.len() != q.options.len() {
                p.push(format!("{at}: option ids must be unique"));
            }
            if q.answer.is_empty() {
                p.push(format!("{at}: answer is missing"));
            }
            for a in &q.answer {
                if !opts.contains(a.as_str()) {
                    p.push(format!("{at}: answer \"{a}\" is not an option id"));
                }
            }
            if q.explanation.as_ref().is_none_or(Text::is_blank) {
                p.push(format!("{at}: explanation needs zh and en"));
            }
        }
    }
}

fn expect_problems(e: &Expect, at: &str, p: &mut Vec<String>) {
    if e.equals.is_none()
        && e.one_of.is_none()
        && e.matches.is_none()
        && e.min.is_none()
        && e.max.is_none()
        && e.present.is_none()
    {
        p.push(format!(
            "{at}: expect needs equals, one_of, matches, min, max or present"
        ));
    }
    if let Some(re) = &e.matches {
        if let Err(err) = regex_lite::Regex::new(re) {
            p.push(format!("{at}: bad regex {re:?}: {err}"));
        }
    }
    for b in [&e.min, &e.max].into_iter().flatten() {
        let ok = if e.quantity {
            crate::quantity::parse_value(b).is_some()
        } else {
            b.as_f64().is_some()
        };
        if !ok {
            p.push(format!(
                "{at}: bound {b} is not a {}",
                if e.quantity { "quantity" } else { "number" }
            ));
        }
    }
}

fn target_problems(t: &Target, at: &str, p: &mut Vec<String>) {
    if t.name.is_none() && t.where_.is_empty() {
        p.push(format!("{at}: target {} needs a name or where", t.kind));
    }
    for k in t.where_.keys() {
        if let Err(e) = crate::path::parse(k) {
            p.push(format!("{at}: bad where path {k:?}: {e}"));
        }
    }
}

fn check_problems(c: &Check, at: &str, cmd: Option<&CommandSpec>, p: &mut Vec<String>) {
    match c {
        Check::Exists { target }
        | Check::SelectorMatchesTemplate { target }
        | Check::Tolerates { target, .. } => target_problems(target, at, p),
        Check::Field {
            target,
            path,
            expect,
            ..
        } => {
            target_problems(target, at, p);
            if let Err(e) = crate::path::parse(path) {
                p.push(format!("{at}: bad path {path:?}: {e}"));
            }
            expect_problems(expect, at, p);
        }
        Check::ServiceSelects {
            target, workload, ..
        } => {
            target_problems(target, at, p);
            target_problems(workload, at, p);
        }
        Check::LabelSelects {
            selector, owner, ..
        } => {
            if crate::labels::parse_selector(selector).is_err() {
                p.push(format!("{at}: bad selector {selector:?}"));
            }
            if let Some(o) = owner {
                target_problems(o, at, p);
            }
        }
        Check::Ready { target, .. }
        | Check::ServiceEndpoints { target, .. }
        | Check::PvcBound { target, .. }
        | Check::EnvNamesService { target, .. } => target_problems(target, at, p),
        Check::TargetPort { target, workload } => {
            target_problems(target, at, p);
            if let Some(w) = workload {
                target_problems(w, at, p);
            }
        }
        Check::IngressRoute {
            target,
            path_types,
            port,
            ..
        } => {
            target_problems(target, at, p);
            if path_types.is_empty() {
                p.push(format!("{at}: path_types must not be empty"));
            }
            if !(port.is_u64() || port.is_string()) {
                p.push(format!("{at}: port must be a number or a port name"));
            }
        }
        Check::Flag { names, expect } => {
            if let Some(e) = expect {
                expect_problems(e, at, p);
            }
            match cmd {
                Some(cmd)
                    if names
                        .iter()
                        .all(|n| cmd.flags.iter().any(|f| f.names.contains(n))) => {}
                _ => p.push(format!(
                    "{at}: flag {names:?} is not declared in command.flags"
                )),
            }
        }
        Check::Positional { expect, .. } => expect_problems(expect, at, p),
        Check::DockerfileHas { instruction, .. } => {
            if !crate::dockerfile::INSTRUCTIONS.contains(&instruction.to_ascii_uppercase().as_str())
            {
                p.push(format!("{at}: unknown instruction {instruction}"));
            }
        }
        Check::DockerfileBaseImage { .. }
        | Check::DockerfileCopyInContext
        | Check::DockerfileNoConsecutiveRuns
        | Check::CommandIs => {}
    }
}

#[cfg(test)]
mod hint_gate_tests {
    use super::*;

    fn spec(after: u32) -> Exercise {
        crate::parse_exercise(
            "x.yaml",
            &format!(
                "id: x\nkind: quiz\ntitle: {{zh: a, en: a}}\ninstructions: {{zh: a, en: a}}\n\
                 hints_after_failures: {after}\nhints: [{{zh: h, en: h}}]\n\
                 questions:\n- {{id: q, prompt: {{zh: p, en: p}}, answer: [a], explanation: {{zh: e, en: e}}, \
                 options: [{{id: a, text: {{zh: a, en: a}}}}, {{id: b, text: {{zh: b, en: b}}}}]}}\n"
            ),
        )
        .expect("a valid spec")
    }

    #[test]
    fn closed_hints_are_left_out_of_the_public_form_and_open_after_enough_failures() {
        let ex = spec(2);
        assert!(ex.public().hints.is_empty());
        assert_eq!(ex.public().hints_after_failures, 2);
        assert_eq!(ex.hints_to_go(0), Some(2));
        assert_eq!(ex.hints_to_go(1), Some(1));
        assert_eq!(ex.hints_to_go(2), None);
        let open = spec(0);
        assert_eq!(open.public().hints.len(), 1);
        assert_eq!(open.hints_to_go(0), None);
    }

    #[test]
    fn a_spec_may_close_its_hints_for_at_most_five_failures() {
        let mut ex = spec(5);
        assert!(ex.problems().is_empty(), "{:?}", ex.problems());
        ex.hints_after_failures = 6;
        assert!(
            ex.problems()
                .iter()
                .any(|p| p.contains("hints_after_failures")),
            "{:?}",
            ex.problems()
        );
    }
}
