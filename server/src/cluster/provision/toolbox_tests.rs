//! The toolbox against the sandbox, as the learner: the Pod is created with the learner's own
//! rights, its shell (kwok runs it on this machine, docs/SANDBOX.md) is the learner's
//! ServiceAccount, a second attach finds the same tmux session with what the first left on the
//! screen and what scrolled off it, and an unused toolbox is found idle and removed.

use std::time::Duration;

use kube::api::TerminalSize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::tests::*;
use super::{ProvisionOptions, Provisioner};
use kubelab_testkit::Cluster;

fn unix_now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    i64::try_from(since.as_secs()).expect("in range")
}

/// Reads the shell's output until it holds every one of `wanted`, or fails after `within`.
async fn read_until(
    out: &mut (impl AsyncReadExt + Unpin),
    wanted: &[&str],
    within: Duration,
) -> String {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + within;
    let mut buf = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&seen).to_string();
        if wanted.iter().all(|w| text.contains(w)) {
            return text;
        }
        match tokio::time::timeout_at(deadline, out.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => panic!("waited for {wanted:?}; the shell said:\n{text}"),
            Ok(Ok(n)) => seen.extend_from_slice(&buf[..n]),
            Ok(Err(e)) => panic!("reading the shell: {e}"),
        }
    }
}

#[tokio::test]
async fn the_toolbox_shell_is_the_learner_and_a_second_attach_finds_the_same_session() {
    let (kubelab, as_learner, ns, _cleanup) = learner_namespace("tbx").await;
    kubelab
        .ensure_toolbox(&as_learner, &ns, "kubelab-toolbox:test")
        .await
        .expect("the toolbox is created as the learner and becomes ready");
    // Twice is once.
    kubelab
        .ensure_toolbox(&as_learner, &ns, "kubelab-toolbox:test")
        .await
        .expect("already there");

    let mut shell = kubelab
        .attach_toolbox(&as_learner, &ns)
        .await
        .expect("exec as the learner");
    let mut size = shell.terminal_size().expect("a terminal");
    size.try_send(TerminalSize {
        width: 100,
        height: 30,
    })
    .expect("a size");
    let mut stdin = shell.stdin().expect("stdin");
    let mut stdout = shell.stdout().expect("stdout");
    stdin
        .write_all(b"kubectl auth whoami -o jsonpath='{.status.userInfo.username}'; echo; echo mark-\xe6\xbb\x9a\xe5\x8a\xa8\r")
        .await
        .expect("typed");
    let learner = format!("system:serviceaccount:{ns}:learner");
    read_until(&mut stdout, &[&learner, "mark-滚动"], WAIT).await;
    // More lines than the screen has: the first ones scroll off into tmux's history.
    stdin
        .write_all(b"seq -f 'line-%03g' 1 120\r")
        .await
        .expect("typed");
    read_until(&mut stdout, &["line-120"], WAIT).await;
    // The connection drops (a closed tab, a lost network); the session stays.
    drop((stdin, stdout, size));
    shell.abort();

    let mut again = kubelab
        .attach_toolbox(&as_learner, &ns)
        .await
        .expect("exec again");
    let mut out = again.stdout().expect("stdout");
    // The history comes back before the screen: what scrolled off, and what is still on it.
    read_until(&mut out, &["mark-滚动", "line-001", "line-120"], WAIT).await;
    let mut stdin = again.stdin().expect("stdin");
    stdin.write_all(b"tmux kill-server\r").await.expect("typed");
    drop(stdin);
    again.abort();
}

#[tokio::test]
async fn a_toolbox_no_terminal_used_is_found_idle_and_removed_as_the_learner() {
    let (kubelab, as_learner, ns, _cleanup) = learner_namespace("tbi").await;
    kubelab
        .ensure_toolbox(&as_learner, &ns, "kubelab-toolbox:test")
        .await
        .expect("the toolbox");
    // The namespace's own name as the prefix keeps other tests' toolboxes out of this one.
    let idle = kubelab
        .idle_toolboxes(&ns, unix_now() + 5)
        .await
        .expect("listed with kubelab's rights");
    assert_eq!(idle.len(), 1, "unused since before the cutoff: {idle:?}");
    assert_eq!(idle[0].0, ns);
    let idle = kubelab
        .idle_toolboxes(&ns, unix_now() - 60)
        .await
        .expect("listed");
    assert!(
        idle.is_empty(),
        "created a minute after the cutoff: {idle:?}"
    );
    // Last used long ago: idle for any cutoff of today.
    let pods: kube::Api<k8s_openapi::api::core::v1::Pod> =
        kube::Api::namespaced(as_learner.clone(), &ns);
    let toolbox = crate::cluster::toolbox::TOOLBOX_POD;
    let old = serde_json::json!({"metadata": {"annotations": {crate::cluster::toolbox::ACTIVE_AT: "1000"}}});
    pods.patch(toolbox, &Default::default(), &kube::api::Patch::Merge(&old))
        .await
        .expect("marked long ago");
    let idle = kubelab
        .idle_toolboxes(&ns, unix_now() - 60)
        .await
        .expect("listed");
    assert_eq!(idle.len(), 1, "used long ago: {idle:?}");
    let listed_version = idle[0].1.clone();
    kubelab
        .mark_toolbox_active(&as_learner, &ns)
        .await
        .expect("the learner marks their own toolbox");
    // Marked after it was listed (a terminal opened meanwhile): the reaper's removal leaves it.
    kubelab
        .remove_toolbox(&as_learner, &ns, Some(&listed_version))
        .await
        .expect("a changed toolbox is no error");
    let pod = pods.get(toolbox).await.expect("still there");
    assert!(
        pod.metadata.deletion_timestamp.is_none(),
        "not being deleted"
    );
    kubelab
        .remove_toolbox(&as_learner, &ns, None)
        .await
        .expect("removed as the learner");
    kubelab
        .remove_toolbox(&as_learner, &ns, None)
        .await
        .expect("removing a toolbox that is gone is no error");
    let deadline = tokio::time::Instant::now() + WAIT;
    while pods.get_opt(toolbox).await.expect("get").is_some() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the toolbox is still there"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The next terminal makes a new one.
    kubelab
        .ensure_toolbox(&as_learner, &ns, "kubelab-toolbox:test")
        .await
        .expect("a new toolbox");
}

/// A learner reads before typing: the shell is silent for longer than any short request may take
/// (kubelab's client gives up on a silent answer after `READ_TIMEOUT`), and what they type then
/// still reaches it. The exec is made as the terminal makes it, from a provisioner configured as
/// kubelab is.
#[tokio::test]
async fn a_terminal_silent_for_longer_than_a_request_may_take_still_reaches_its_shell() {
    let (kubelab, _, ns, _cleanup) = learner_namespace("tbq").await;
    let cluster = Cluster::connect().await;
    let mut config = kubelab_config(&cluster).await;
    crate::cluster::for_short_requests(&mut config);
    let p = Provisioner::new(
        kube::Client::try_from(config.clone()).expect("client"),
        &config,
        ProvisionOptions::default(),
    );
    let short = p.learner_client(&ns).expect("client");
    kubelab
        .ensure_toolbox(&short, &ns, "kubelab-toolbox:test")
        .await
        .expect("the toolbox");
    let mut shell = kubelab
        .attach_toolbox(&p.learner_stream_client(&ns).expect("client"), &ns)
        .await
        .expect("exec as the learner");
    let mut stdin = shell.stdin().expect("stdin");
    let mut stdout = shell.stdout().expect("stdout");
    stdin
        .write_all(b"echo first-$((6*7))\r")
        .await
        .expect("typed");
    read_until(&mut stdout, &["first-42"], WAIT).await;
    // The silence is what is tested here, not a wait for something to happen.
    tokio::time::sleep(crate::cluster::READ_TIMEOUT + Duration::from_secs(2)).await;
    stdin
        .write_all(b"echo after-$((6*7))\r")
        .await
        .expect("typed");
    read_until(&mut stdout, &["after-42"], Duration::from_secs(10)).await;
    stdin.write_all(b"tmux kill-server\r").await.expect("typed");
    drop(stdin);
    shell.abort();
}

/// The toolbox's bash marks every command it runs, and the mark comes through tmux and the exec
/// stream whole: kubelab can keep a classroom's commands (`service::command_log`).
#[tokio::test]
async fn the_shell_marks_each_command_it_runs_through_tmux() {
    let (kubelab, as_learner, ns, _cleanup) = learner_namespace("tbm").await;
    kubelab
        .ensure_toolbox(&as_learner, &ns, "kubelab-toolbox:test")
        .await
        .expect("the toolbox");
    let mut shell = kubelab
        .attach_toolbox(&as_learner, &ns)
        .await
        .expect("exec as the learner");
    let mut stdin = shell.stdin().expect("stdin");
    let mut stdout = shell.stdout().expect("stdout");
    stdin
        .write_all(b"echo one-$((6*7))\r echo secret-$((6*7))\recho 'two  spaced' | wc -c\r")
        .await
        .expect("typed");
    let out = read_until(&mut stdout, &["secret-42", "12\r"], WAIT).await;
    let mut log = crate::service::command_log::CommandLog::default();
    let mut commands = log.take(out.as_bytes(), std::time::Instant::now());
    // The last prompt's mark may come a moment after the output it follows.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut buf = [0u8; 4096];
    while commands.len() < 2 && tokio::time::Instant::now() < deadline {
        if let Ok(Ok(n)) = tokio::time::timeout_at(deadline, stdout.read(&mut buf)).await {
            commands.extend(log.take(&buf[..n], std::time::Instant::now()));
        }
    }
    let ids: Vec<&str> = commands.iter().map(|(id, _)| id.as_str()).collect();
    assert!(
        ids[0] != ids[1] && ids.iter().all(|id| id.contains('-')),
        "{ids:?}"
    );
    let commands: Vec<String> = commands.into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        commands,
        ["echo one-$((6*7))", "echo 'two  spaced' | wc -c"],
        "each command once, as typed; one started with a space is not kept (bash's own rule)"
    );
    stdin.write_all(b"tmux kill-server\r").await.expect("typed");
    drop(stdin);
    shell.abort();
}
