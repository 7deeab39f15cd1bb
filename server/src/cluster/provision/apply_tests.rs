//! "Apply" from the page against the sandbox, with kubelab acting as its own ServiceAccount: the
//! objects are written as the learner (impersonated), so the learner's quota and admission
//! policies refuse what they refuse for the learner's kubectl, and nothing lands elsewhere.

use super::tests::*;
use super::*;
use k8s_openapi::api::apps::v1::Deployment;
use kubelab_checks::apply::plan;
use kubelab_testkit::poll_until;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:alpine
        resources:
          requests: {cpu: 10m, memory: 16Mi}
          limits: {cpu: 50m, memory: 32Mi}
";

#[tokio::test]
async fn the_page_applies_dry_runs_and_deletes_as_the_learner_within_the_learners_policies() {
    let (kubelab, as_learner, ns, _cleanup) = learner_namespace("pap").await;
    // kubelab's own client is only for its URL in errors (and for looking): every write goes
    // through the learner's.
    let deployments: Api<Deployment> = Api::namespaced(kubelab.client(), &ns);
    let planned = plan(DEPLOYMENT, &ns).expect("a plan");

    // A dry run is admitted (the learner's policies are live a moment after `ensure`) and
    // stores nothing.
    poll_until("the dry run to be admitted", WAIT, || async {
        match kubelab
            .apply_planned(&as_learner, &planned, true)
            .await
            .remove(0)
        {
            Ok(()) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    assert!(deployments.get_opt("web").await.unwrap().is_none());

    // Applied: it is there, managed by the page's field manager.
    let applied = kubelab.apply_planned(&as_learner, &planned, false).await;
    assert!(applied[0].is_ok(), "{applied:?}");
    let d = deployments.get("web").await.expect("applied");
    let managers: Vec<String> = d
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert!(
        managers
            .iter()
            .any(|m| m == crate::cluster::apply::PAGE_FIELD_MANAGER),
        "{managers:?}"
    );

    // What the learner's policies refuse comes back as the API server's words, per object,
    // and does not stop the objects after it.
    let two = "apiVersion: v1\nkind: Service\nmetadata:\n  name: grab\nspec:\n  externalIPs: [203.0.113.9]\n  ports: [{port: 80}]\n---\n\
               apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata: {a: b}\n";
    let planned_two = plan(two, &ns).expect("a plan");
    let results = kubelab
        .apply_planned(&as_learner, &planned_two, false)
        .await;
    match &results[0] {
        Err(crate::cluster::Error::Refused { code, message, .. }) => {
            assert!((400..500).contains(code), "{code} {message}");
            assert!(message.to_lowercase().contains("externalip"), "{message}");
        }
        other => panic!("externalIPs must be refused: {other:?}"),
    }
    assert!(results[1].is_ok(), "{results:?}");

    // A type the learner may not touch never gets past the plan; another namespace neither.
    assert!(plan(
        "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\n",
        &ns
    )
    .is_err());
    assert!(plan(
        &DEPLOYMENT.replace("name: web\nspec", "name: web\n  namespace: default\nspec"),
        &ns
    )
    .is_err());

    // Deleted, then absent.
    let gone = kubelab.delete_planned(&as_learner, &planned).await;
    assert!(matches!(gone[0], Ok(true)), "{gone:?}");
    let again = kubelab.delete_planned(&as_learner, &planned).await;
    assert!(matches!(again[0], Ok(false)), "{again:?}");
}
