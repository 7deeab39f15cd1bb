//! The in-page terminal (issue #12): a learner's shell in their toolbox Pod
//! (`cluster::toolbox`), opened as the learner. Off unless the deployment turns it on; at most
//! a few per learner and a bounded number in all, each holding a slot until it closes. A toolbox
//! no terminal used for `--terminal-idle` is removed ([`run_toolbox_reaper`]); the next terminal
//! makes a new one (its home directory starts empty again: the learner's work is in the cluster).

use std::time::{Duration, Instant};

use kube::api::AttachedProcess;
use kubelab_store::Learner;

use crate::cluster::provision::Provisioner;
use crate::cluster::Cluster;

use super::streams::{StreamSlot, StreamSlots};
use super::{Lab, Result, ServiceError};
use crate::config::DEFAULT_TOOLBOX_IMAGE;

/// How the terminal is configured.
#[derive(Debug, Clone)]
pub struct TerminalSettings {
    pub enabled: bool,
    /// The toolbox Pod's image (kubectl, bash, tmux and `kubelab-shell`).
    pub image: String,
    pub per_learner: u32,
    pub max: u32,
    /// A toolbox no terminal used for this long is removed; zero keeps toolboxes.
    pub idle: Duration,
}

/// How often an open terminal marks its toolbox as in use: well within the shortest
/// `--terminal-idle`, so a terminal open on any replica keeps its toolbox.
pub const HEARTBEAT: Duration = Duration::from_secs(120);

impl Default for TerminalSettings {
    fn default() -> Self {
        TerminalSettings {
            enabled: false,
            image: DEFAULT_TOOLBOX_IMAGE.into(),
            per_learner: 2,
            max: 200,
            idle: Duration::from_secs(30 * 60),
        }
    }
}

/// An open terminal: the shell's streams, and its slot (freed when this is dropped).
pub struct Terminal {
    pub process: AttachedProcess,
    pub learner: String,
    /// Whether the learner's classroom records their commands (when it opened; the relay
    /// re-reads it with [`Lab::records_commands`]).
    pub recording: bool,
    namespace: String,
    client: kube::Client,
    marked: Instant,
    closes: Option<Closes>,
    _slot: StreamSlot,
}

impl Terminal {
    /// What tells this terminal to close (taken once, to be awaited beside the relay).
    pub fn take_closes(&mut self) -> Option<Closes> {
        self.closes.take()
    }
}

/// The close orders for one learner's terminals.
pub struct Closes {
    learner: String,
    rx: tokio::sync::broadcast::Receiver<String>,
}

impl Closes {
    /// Resolves when the terminal must close: its learner signed out, reset their namespace or
    /// had their classroom archived (here or on another replica).
    pub async fn wait(mut self) {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match self.rx.recv().await {
                Ok(id) if id == self.learner => return,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => std::future::pending().await,
            }
        }
    }
}

impl Lab {
    /// The same lab with these terminal settings.
    pub fn with_terminal(mut self, settings: TerminalSettings) -> Self {
        self.terminals = StreamSlots::new(settings.per_learner, settings.max);
        self.terminal = settings;
        self
    }

    /// Whether learners may have a terminal at all (checked before the WebSocket upgrade): on,
    /// and with namespaces of their own.
    pub fn terminal_available(&self) -> Result<()> {
        self.terminal_cluster().map(|_| ())
    }

    /// The cluster and the provisioner a terminal needs, or `TerminalOff`: only namespaces of
    /// their own, since in a shared one every learner would get the same shell.
    fn terminal_cluster(&self) -> Result<(&Cluster, &Provisioner)> {
        match (&self.cluster, &self.provisioner) {
            (Ok(cluster), Some(p)) if self.terminal.enabled => Ok((cluster, p)),
            _ => Err(ServiceError::TerminalOff),
        }
    }

    /// Closes `learner_id`'s open terminals (sign-out, reset, archive): on this replica at once,
    /// on the others when they hear of it (PostgreSQL's NOTIFY, `replicas`).
    pub fn close_terminals(&self, learner_id: &str) {
        // No receiver means no terminal is open here: nothing to close.
        let _ = self.terminal_closes.send(learner_id.to_string());
        if self.terminal.enabled {
            self.publish_close_terminals(learner_id);
        }
    }

    /// Whether an open terminal's learner may still have it: they exist and their classroom is
    /// not archived (re-checked while it is open, for what another replica did).
    /// An open terminal counts as the learner's activity (the namespace idle reaper reads it).
    pub async fn still_allowed(&self, learner_id: &str) -> bool {
        match self.signed_in_learner(learner_id).await {
            Ok(Some(_)) => true,
            Ok(None) | Err(ServiceError::LearnerArchived) => false,
            // The store not answering is no reason to cut a learner's shell.
            Err(_) => true,
        }
    }

    /// Whether the commands `learner_id` runs in a terminal are kept (their classroom records
    /// them). The store not answering counts as no: nothing is kept that was not meant to be.
    pub async fn records_commands(&self, learner_id: &str) -> bool {
        self.store
            .records_commands(learner_id)
            .await
            .unwrap_or(false)
    }

    /// Keeps the `(id, command)`s `learner_id` ran (read off their terminal by
    /// [`super::command_log::CommandLog`]), in order, in the background: the shell's output never
    /// waits on the store. The store keeps them only if the classroom still records.
    pub fn record_commands(&self, learner_id: &str, commands: Vec<(String, String)>) {
        if commands.is_empty() {
            return;
        }
        let store = self.store.clone();
        let learner = learner_id.to_string();
        tokio::spawn(async move {
            let at = super::idle::now_ms();
            if let Err(e) = store.add_terminal_commands(&learner, at, &commands).await {
                tracing::warn!(error = %e, "terminal commands were not kept");
            }
        });
    }

    /// Opens `learner`'s shell: a slot, their namespace, their toolbox (created on first use),
    /// then `pods/exec` into it, all as the learner.
    pub async fn open_terminal(&self, learner: &Learner) -> Result<Terminal> {
        let (cluster, provisioner) = self.terminal_cluster()?;
        // Subscribed before anything is opened: a sign-out meanwhile is not missed.
        let closes = self.terminal_closes.subscribe();
        let slot =
            self.terminals
                .acquire(&learner.id)
                .map_err(|_| ServiceError::TooManyTerminals {
                    per_learner: self.terminal.per_learner,
                })?;
        let namespace = self.ensure_namespace(learner).await?;
        let client = provisioner.learner_client(&namespace)?;
        cluster
            .ensure_toolbox(&client, &namespace, &self.terminal.image)
            .await?;
        let stream = provisioner.learner_stream_client(&namespace)?;
        let process = cluster.attach_toolbox(&stream, &namespace).await?;
        tracing::info!(namespace = %namespace, "terminal opened");
        let mut term = Terminal {
            process,
            learner: learner.id.clone(),
            recording: self.records_commands(&learner.id).await,
            namespace,
            client,
            marked: Instant::now(),
            closes: Some(Closes {
                learner: learner.id.clone(),
                rx: closes,
            }),
            _slot: slot,
        };
        self.mark_in_use(&mut term).await;
        Ok(term)
    }

    /// Marks the terminal's toolbox as in use, at most every [`HEARTBEAT`] unless `closing`
    /// (then idleness counts from now). A failure is logged: the worst it does is an early reap.
    pub async fn terminal_heartbeat(&self, term: &mut Terminal, closing: bool) {
        if closing || term.marked.elapsed() >= HEARTBEAT {
            self.mark_in_use(term).await;
        }
    }

    async fn mark_in_use(&self, term: &mut Terminal) {
        term.marked = Instant::now();
        let Ok(cluster) = self.cluster() else { return };
        if let Err(e) = cluster
            .mark_toolbox_active(&term.client, &term.namespace)
            .await
        {
            tracing::warn!(namespace = %term.namespace, error = %e, "could not mark the toolbox in use");
        }
    }

    /// Removes the toolboxes no terminal used for `--terminal-idle`; returns how many.
    pub async fn reap_toolboxes(&self, now_unix: i64) -> Result<usize> {
        let idle = i64::try_from(self.terminal.idle.as_secs()).unwrap_or(i64::MAX);
        let (Ok((cluster, p)), super::Namespaces::PerLearner { prefix }) =
            (self.terminal_cluster(), &self.namespaces)
        else {
            return Ok(0);
        };
        if idle == 0 {
            return Ok(0);
        }
        let idle_ones = cluster
            .idle_toolboxes(prefix, now_unix.saturating_sub(idle))
            .await?;
        let mut removed = 0;
        for (ns, version) in idle_ones {
            let removed_one = match p.learner_client(&ns) {
                Ok(client) => cluster
                    .remove_toolbox(&client, &ns, Some(&version))
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match removed_one {
                Ok(()) => removed += 1,
                Err(e) => {
                    tracing::warn!(namespace = %ns, error = %e, "could not remove an idle toolbox")
                }
            }
        }
        if removed > 0 {
            tracing::info!(removed, "idle toolboxes removed");
        }
        Ok(removed)
    }
}

/// Removes idle toolboxes every quarter of `--terminal-idle` until shutdown.
pub async fn run_toolbox_reaper(
    lab: std::sync::Arc<Lab>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    if lab.terminal.idle.is_zero() || !lab.terminal.enabled {
        return;
    }
    let mut every = tokio::time::interval(lab.terminal.idle / 4);
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.changed() => return,
        }
        if let Err(e) = lab.reap_toolboxes(super::idle::now_ms() / 1000).await {
            tracing::warn!(error = %e, "idle toolbox reaper");
        }
    }
}
