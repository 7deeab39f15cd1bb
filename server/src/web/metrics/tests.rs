//! `/metrics` against the app on the web fixture (no cluster): a submission through the public
//! router moves the counters a scrape of the metrics router shows, and the text parses.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::*;
use crate::web::testkit::state;

/// Prometheus' text format, strictly enough to catch a broken exposition: `# HELP` / `# TYPE`
/// comments (known types), and samples `name{label="value",…} number`. Returns the samples by
/// `name{labels}` as written.
pub(crate) fn parse(text: &str) -> Result<HashMap<String, f64>, String> {
    let mut samples = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = |why: &str| format!("line {}: {why}: {line:?}", n + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix("# ") {
            let mut parts = comment.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("HELP"), Some(_), _) => {}
                (Some("TYPE"), Some(_), Some("counter" | "gauge" | "histogram" | "summary")) => {}
                _ => return Err(at("not a HELP or TYPE line")),
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').ok_or_else(|| at("no value"))?;
        let value: f64 = value.parse().map_err(|_| at("the value is not a number"))?;
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        {
            return Err(at("not a metric name"));
        }
        if name_end < series.len() {
            let labels = series[name_end..]
                .strip_prefix('{')
                .and_then(|l| l.strip_suffix('}'))
                .ok_or_else(|| at("unbalanced braces"))?;
            for pair in labels.split("\",").filter(|p| !p.is_empty()) {
                let (key, val) = pair
                    .split_once("=\"")
                    .ok_or_else(|| at("a label without =\""))?;
                if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(at("not a label name"));
                }
                let _ = val;
            }
        }
        samples.insert(series.to_string(), value);
    }
    Ok(samples)
}

async fn scrape(app: &Router) -> (StatusCode, String, String) {
    let req = Request::get("/metrics")
        .body(Body::empty())
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        content_type,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn sample(samples: &HashMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

#[tokio::test]
async fn a_submission_moves_the_counters_a_scrape_shows_and_the_text_parses() {
    let (state, _dir) = state().await;
    let lab = state.lab.clone();
    let app = crate::web::router(state);
    let metrics = router(lab, recorder().expect("recorder"));
    let pass = r#"kubelab_checks_total{exercise="kubectl-dry-run",kind="offline",outcome="pass"}"#;
    let fail = r#"kubelab_checks_total{exercise="kubectl-dry-run",kind="offline",outcome="fail"}"#;
    let (status, _, before) = scrape(&metrics).await;
    assert_eq!(status, StatusCode::OK);
    let before = parse(&before).unwrap_or_else(|e| panic!("{e}\n{before}"));

    for command in [
        "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml",
        "kubectl run ngx --image=nginx:alpine",
    ] {
        let req = Request::post("/api/exercises/kubectl-dry-run/submit")
            .body(Body::from(command))
            .expect("request");
        let resp = app.clone().oneshot(req).await.expect("router answers");
        assert_eq!(resp.status(), StatusCode::OK, "{command}");
    }

    let (status, content_type, text) = scrape(&metrics).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, TEXT_FORMAT);
    let after = parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // Other tests of this process count too (one recorder per process): at least ours.
    assert!(
        sample(&after, pass) >= sample(&before, pass) + 1.0,
        "{text}"
    );
    assert!(
        sample(&after, fail) >= sample(&before, fail) + 1.0,
        "{text}"
    );
    let checks = r#"kubelab_check_duration_seconds_count{kind="offline"}"#;
    assert!(
        sample(&after, checks) >= sample(&before, checks) + 2.0,
        "{text}"
    );
    // The submissions created a learner and stored two attempts.
    assert!(sample(&after, "kubelab_learners") >= 1.0, "{text}");
    let stored = r#"kubelab_store_duration_seconds_count{op="record_attempt"}"#;
    assert!(
        sample(&after, stored) >= sample(&before, stored) + 2.0,
        "{text}"
    );
    for gauge in ["kubelab_live_streams_open", "kubelab_namespaces_ready"] {
        assert!(after.contains_key(gauge), "{gauge} missing:\n{text}");
    }
    assert!(
        text.contains("# TYPE kubelab_checks_total counter"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE kubelab_check_duration_seconds histogram"),
        "{text}"
    );
}

#[tokio::test]
async fn the_metrics_listener_serves_metrics_and_nothing_else() {
    let (state, _dir) = state().await;
    let metrics = router(state.lab.clone(), recorder().expect("recorder"));
    for path in ["/", "/healthz", "/api/exercises", "/metrics/x"] {
        let req = Request::get(path).body(Body::empty()).expect("request");
        let resp = metrics.clone().oneshot(req).await.expect("router answers");
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let req = Request::post("/metrics")
        .body(Body::empty())
        .expect("request");
    let resp = metrics.clone().oneshot(req).await.expect("router answers");
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    // …and the public router has no metrics at all.
    let req = Request::get("/metrics")
        .body(Body::empty())
        .expect("request");
    let resp = crate::web::router(state)
        .oneshot(req)
        .await
        .expect("router answers");
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[test]
fn the_parser_refuses_what_prometheus_would() {
    assert!(parse("a_total 1\n# TYPE a_total counter\nb{x=\"1\",y=\"2\"} 0.5\n").is_ok());
    for bad in [
        "a_total",
        "a b c",
        "a{x=1} 1",
        "a{x=\"1\" 1",
        "# TYPE a nonsense",
        "9-a 1",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
}

/// The Grafana dashboard in deploy/ queries only metrics kubelab exports (a renamed metric
/// would otherwise leave an empty panel nobody notices), and every metric has a panel.
#[test]
fn the_grafana_dashboard_queries_exactly_the_metrics_kubelab_exports() {
    use crate::service::metrics as m;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../deploy/grafana/kubelab-dashboard.json");
    let text = std::fs::read_to_string(&path).expect("the dashboard exists");
    let dashboard: serde_json::Value = serde_json::from_str(&text).expect("the dashboard is JSON");
    let exported = [
        m::CHECKS,
        m::CHECK_SECONDS,
        m::LIVE_STREAMS,
        m::LEARNERS,
        m::NAMESPACES,
        m::PROVISIONING_FAILURES,
        m::CACHE_EVENT_AGE,
        m::CACHE_OBJECTS,
        m::STORE_SECONDS,
        m::STORE_ERRORS,
    ];
    // A histogram is queried through its series.
    let base = |name: &str| -> String {
        ["_bucket", "_count", "_sum"]
            .iter()
            .find_map(|s| name.strip_suffix(s))
            .filter(|b| exported.contains(b))
            .unwrap_or(name)
            .to_string()
    };
    let mut queried = std::collections::BTreeSet::new();
    let panels = dashboard["panels"].as_array().expect("panels");
    for target in panels
        .iter()
        .filter_map(|p| p["targets"].as_array())
        .flatten()
    {
        let expr = target["expr"].as_str().expect("every target has an expr");
        for word in expr.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            if word.starts_with("kubelab_") {
                queried.insert(base(word));
            }
        }
    }
    let exported: std::collections::BTreeSet<String> =
        exported.iter().map(|s| s.to_string()).collect();
    assert_eq!(queried, exported, "queried (left) vs exported (right)");
}
