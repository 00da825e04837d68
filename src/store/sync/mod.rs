//! What sync keeps in the collection (schema 4, `schema_v4_sync.sql`), one
//! file per table: the devices and the chunks read from or written to the
//! folder (`devices.rs`), the events and the grading settings they name
//! (`events.rs`), the card identities events name with the start of their
//! replays, and the card ids they announce (`identities.rs`), the review
//! log's rows by uid and the history that predates sync (`log.rs`), the
//! folder's deck files (`deck_files.rs`). The domain (`crate::sync`) owns
//! the rules; these take and return rows.

mod deck_files;
mod devices;
mod events;
pub(in crate::store) mod identities;
mod log;

pub use deck_files::DeckFileRow;
pub use devices::{ChunkRow, DeviceRow, DeviceSummary, LocalDevice};
pub use events::EventRow;
pub use identities::{CardIdentity, IdentityRow};
pub(super) use identities::{announced_id, announces_in_deck};
pub use log::{HistoryRow, LogValues};
