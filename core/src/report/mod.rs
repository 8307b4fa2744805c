//! Reports a creation office can hand on: Markdown for the terminal and mail, self-contained
//! printable HTML for everyone else.
//!
//! Renderers take plain data (a [`Context`] of a programme and one evaluation, a
//! [`crate::progress::Bulletin`]) and return strings; they never touch the store.

mod bulletin;
mod context;
mod history;
mod html;
mod markdown;
mod page;
mod projection;
mod scorecard;
mod unit;

pub use bulletin::{Gap, bulletin_markdown};
pub use context::Context;
pub use html::escape;
pub use markdown::Table;
pub use page::markdown_page;
pub use projection::{attach_projections, projection_text};
pub use scorecard::{CONDITIONS_GROUP, ScoreRow, Scorecard};
