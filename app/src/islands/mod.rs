//! The interactive parts of pages. Each island hydrates on its own; everything else is static
//! HTML rendered on the server.
//!
//! Islands talk to the server only through [`crate::client`], take every string from
//! [`crate::i18n`], and read [`crate::model`] and the wire types. They never import `pages`:
//! pages place islands, not the other way round.

pub mod chapter_bar;
pub mod class_board;
pub mod copy;
pub mod exercise_panel;
pub mod my_lab;
mod parts;
pub mod summary;
pub mod teach_home;

pub use chapter_bar::ChapterBar;
pub use class_board::ClassBoard;
pub use copy::CopyCode;
pub use exercise_panel::{ExercisePanel, PanelData};
pub use my_lab::{ExerciseLink, MyLab};
pub use teach_home::TeachHome;
