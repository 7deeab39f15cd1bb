//! The interactive parts of pages. Each island hydrates on its own; everything else is static
//! HTML rendered on the server.
//!
//! Islands talk to the server only through [`crate::client`], take every string from
//! [`crate::i18n`], and read [`crate::model`] and the wire types. They never import `pages`:
//! pages place islands, not the other way round.

//!
//! Each page kind ships its own WASM bundle (`frontend` features `reader`, `exercise`, `account`,
//! `teach`; see [`crate::Bundle`]), so a learner reading a lesson never downloads the instructor's
//! board, and the exercise panel's code loads only when the learner reaches an exercise. The
//! server renders them all.

#[cfg(feature = "island-reader")]
pub mod chapter_bar;
#[cfg(feature = "island-teach")]
pub mod class_board;
#[cfg(feature = "island-reader")]
pub mod copy;
#[cfg(feature = "island-exercise")]
pub mod exercise_panel;
#[cfg(feature = "island-account")]
pub mod my_lab;
mod parts;
#[cfg(any(feature = "island-reader", feature = "island-exercise"))]
pub mod summary;
#[cfg(feature = "island-teach")]
pub mod teach_home;

#[cfg(feature = "island-reader")]
pub use chapter_bar::ChapterBar;
#[cfg(feature = "island-teach")]
pub use class_board::ClassBoard;
#[cfg(feature = "island-reader")]
pub use copy::CopyCode;
#[cfg(feature = "island-exercise")]
pub use exercise_panel::{ExercisePanel, PanelData};
#[cfg(feature = "island-account")]
pub use my_lab::{ExerciseLink, MyLab};
#[cfg(feature = "island-teach")]
pub use teach_home::TeachHome;
