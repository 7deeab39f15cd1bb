//! Quiz grading. Answers: JSON `{"q1": "a", "q2": ["a", "c"]}` or a simple form `q1=a&q2=a,c`
//! (also one `q1: a` per line).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::spec::Exercise;
use crate::verdict::{t, AssertionResult, Text};
use crate::InputError;

/// Parse a submission into question id → chosen option ids.
pub fn parse_answers(input: &str) -> Result<BTreeMap<String, Vec<String>>, InputError> {
    let input = input.trim();
    let bad = |m: String| InputError::Answers { message: m };
    let mut out = BTreeMap::new();
    if input.starts_with('{') {
        let v: Value = serde_json::from_str(input).map_err(|e| InputError::Syntax {
            line: u32::try_from(e.line()).unwrap_or(0),
            column: u32::try_from(e.column()).unwrap_or(0),
            message: e.to_string(),
        })?;
        let obj = v
            .as_object()
            .ok_or_else(|| bad("answers must be a JSON object".into()))?;
        for (q, a) in obj {
            let chosen = match a {
                Value::String(s) => vec![s.clone()],
                Value::Array(items) => items
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| bad(format!("{q}: option ids must be strings")))
                    })
                    .collect::<Result<_, _>>()?,
                Value::Null => Vec::new(),
                _ => return Err(bad(format!("{q}: give an option id or a list of them"))),
            };
            out.insert(q.clone(), chosen);
        }
        return Ok(out);
    }
    for part in input.split(['&', '\n']) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (q, a) = part
            .split_once('=')
            .or_else(|| part.split_once(':'))
            .ok_or_else(|| bad(format!("cannot read {part:?}: write question=option")))?;
        let entry: &mut Vec<String> = out.entry(q.trim().to_string()).or_default();
        entry.extend(
            a.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty()),
        );
    }
    if out.is_empty() {
        return Err(InputError::Empty);
    }
    Ok(out)
}

pub(crate) fn grade(
    ex: &Exercise,
    answers: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<AssertionResult>, InputError> {
    for q in answers.keys() {
        if !ex.questions.iter().any(|x| &x.id == q) {
            return Err(InputError::Answers {
                message: format!("unknown question {q:?}"),
            });
        }
    }
    let mut results = Vec::new();
    for q in &ex.questions {
        let mut chosen: Vec<String> = answers.get(&q.id).cloned().unwrap_or_default();
        chosen.sort();
        chosen.dedup();
        for c in &chosen {
            if !q.options.iter().any(|o| &o.id == c) {
                return Err(InputError::Answers {
                    message: format!("question {}: unknown option {c:?}", q.id),
                });
            }
        }
        let mut want = q.answer.clone();
        want.sort();
        let passed = chosen == want;
        let explanation = q.explanation.clone().unwrap_or_default();
        let opt_text = |ids: &[String]| -> Text {
            let pick = |f: fn(&Text) -> &String| {
                ids.iter()
                    .map(|id| {
                        q.options
                            .iter()
                            .find(|o| &o.id == id)
                            .map(|o| format!("{id}. {}", f(&o.text)))
                            .unwrap_or_else(|| id.clone())
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            t(pick(|x| &x.zh), pick(|x| &x.en))
        };
        let message = if passed {
            t(
                format!("回答正确。{}", explanation.zh),
                format!("Correct. {}", explanation.en),
            )
        } else if chosen.is_empty() {
            let w = opt_text(&want);
            t(
                format!("没有作答。正确答案：{}。{}", w.zh, explanation.zh),
                format!("Not answered. The answer: {}. {}", w.en, explanation.en),
            )
        } else {
            let w = opt_text(&want);
            t(
                format!("不对。正确答案：{}。{}", w.zh, explanation.zh),
                format!("Not quite. The answer: {}. {}", w.en, explanation.en),
            )
        };
        results.push(AssertionResult {
            id: q.id.clone(),
            passed,
            skipped: false,
            title: q.prompt.clone(),
            message,
            hint: if passed { None } else { Some(explanation) },
            object: None,
            field: Some(q.id.clone()),
            expected: Some(want.join(",")),
            found: Some(if chosen.is_empty() {
                "(none)".into()
            } else {
                chosen.join(",")
            }),
            location: None,
        });
    }
    Ok(results)
}
