//! The in-page terminal (issue #12): a learner's shell in their toolbox Pod
//! (`cluster::toolbox`), opened as the learner. Off unless the deployment turns it on; at most
//! a few per learner and a bounded number in all, each holding a slot until it closes.

use kube::api::AttachedProcess;
use kubelab_store::Learner;

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
}

impl Default for TerminalSettings {
    fn default() -> Self {
        TerminalSettings {
            enabled: false,
            image: DEFAULT_TOOLBOX_IMAGE.into(),
            per_learner: 2,
            max: 200,
        }
    }
}

/// An open terminal: the shell's streams, and its slot (freed when this is dropped).
pub struct Terminal {
    pub process: AttachedProcess,
    _slot: StreamSlot,
}

impl Lab {
    /// The same lab with these terminal settings.
    pub fn with_terminal(mut self, settings: TerminalSettings) -> Self {
        self.terminals = StreamSlots::new(settings.per_learner, settings.max);
        self.terminal = settings;
        self
    }

    /// Opens `learner`'s shell: a slot, their namespace, their toolbox (created on first use),
    /// then `pods/exec` into it, all as the learner.
    pub async fn open_terminal(&self, learner: &Learner) -> Result<Terminal> {
        if !self.terminal.enabled {
            return Err(ServiceError::TerminalOff);
        }
        let cluster = self.cluster()?;
        let slot =
            self.terminals
                .acquire(&learner.id)
                .map_err(|_| ServiceError::TooManyTerminals {
                    per_learner: self.terminal.per_learner,
                })?;
        // Only namespaces of their own: in a shared one every learner would get the same shell.
        let Some(provisioner) = &self.provisioner else {
            return Err(ServiceError::TerminalOff);
        };
        let namespace = self.ensure_namespace(learner).await?;
        let client = provisioner.learner_client(&namespace)?;
        cluster
            .ensure_toolbox(&client, &namespace, &self.terminal.image)
            .await?;
        let process = cluster.attach_toolbox(&client, &namespace).await?;
        tracing::info!(namespace = %namespace, "terminal opened");
        Ok(Terminal {
            process,
            _slot: slot,
        })
    }
}
