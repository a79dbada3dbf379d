//! Authoring commands that write into a site rather than build it: `cairn init` (a new site
//! from the example in `site/`), `cairn new` (one new document) and `cairn theme eject`
//! (built-in templates copied out to override).
//!
//! The text they write is made by pure functions (`newdoc`), tested from strings; `init` and
//! `new` are the thin layers that check the folder or the site and write files. They never
//! delete or overwrite a file (`new --supersedes` leaves the older document as it is).
//! Nothing here prints.

mod eject;
mod init;
mod new;
pub mod newdoc;

pub use eject::{EjectReport, eject};
pub use init::{FILES, InitReport, dated, init};
pub use new::{NewReport, NewRequest, new_document};
