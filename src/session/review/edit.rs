//! Editing the card shown: where its fact is written (the deck file the
//! deck was built from, and the line of the fact's `## id`), and building
//! that one file again once a front end had it edited. The build is the
//! same as `iskra build`'s, so the card keeps its history; the card is then
//! shown again as the file now makes it.

use std::path::PathBuf;

use super::{FactLocation, Notice, ReviewSession, Screen, Shown};
use crate::clock::Clock;
use crate::deck::build::BUNDLED_PREFIX;
use crate::deck::locate::fact_line;
use crate::deck::rebuild::rebuild_file;
use crate::error::{Error, Result};

impl ReviewSession<'_> {
    /// Where the shown card's fact is written, or a notice saying why it
    /// cannot be edited.
    pub fn fact_location(&self) -> Result<std::result::Result<FactLocation, Notice>> {
        let Some(shown) = &self.shown else {
            return Ok(Err(Notice::NotRebuilt("no card is shown".into())));
        };
        let row = &self.scope_of(shown.card.deck_id)?.row;
        let Some(path) = row.source_path.as_deref().filter(|p| !p.starts_with(BUNDLED_PREFIX)) else {
            return Ok(Err(Notice::NoDeckFile { deck: row.name.clone() }));
        };
        let path = PathBuf::from(path);
        let text = match crate::deck::build::read_deck_file(&path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(err) => {
                return Ok(Err(Notice::NotRebuilt(format!("cannot read the deck file: {err}"))));
            }
        };
        let line = fact_line(&text, &shown.card.fact_key).unwrap_or(1);
        Ok(Ok(FactLocation { path, line }))
    }

    /// Builds the shown card's deck file again after the learner edited it
    /// (`edited` says whether the editor ran and ended well), then shows the
    /// card as the file now makes it, unrevealed.
    pub fn rebuild_edited(
        &mut self,
        edited: std::result::Result<(), String>,
        clock: &Clock<impl chrono::TimeZone>,
    ) -> Result<(Option<Notice>, Screen)> {
        let notice = match (self.fact_location()?, edited) {
            (Err(notice), _) => notice,
            (Ok(_), Err(reason)) => Notice::NotRebuilt(reason),
            (Ok(location), Ok(())) => self.rebuild(&location, clock)?,
        };
        Ok((Some(notice), self.current(clock)?))
    }

    fn rebuild(&mut self, location: &FactLocation, clock: &Clock<impl chrono::TimeZone>) -> Result<Notice> {
        let Some(shown) = &self.shown else {
            return Ok(Notice::NotRebuilt("no card is shown".into()));
        };
        let card_id = shown.card.id;
        let report = match rebuild_file(self.store, &location.path) {
            Ok(report) => report,
            // A deck file with errors changes nothing; the errors say where.
            Err(err @ (Error::Deck(_) | Error::Usage(_) | Error::Io { .. })) => {
                return Ok(Notice::NotRebuilt(err.to_string()));
            }
            Err(err) => return Err(err),
        };
        // The deck's name may have changed with its file.
        let deck_id = self.shown.as_ref().map_or(0, |s| s.card.deck_id);
        if let Some(scope) = self.decks.iter_mut().find(|d| d.row.id == deck_id)
            && let Ok(row) = self.store.find_deck(&scope.row.key)
        {
            scope.row = row;
        }
        match self.store.card(card_id)? {
            Some(card) if card.queue >= 0 => {
                self.shown = Some(Shown {
                    card,
                    shown_at_ms: clock.now_ms(),
                    revealed: false,
                });
                Ok(Notice::Rebuilt(report))
            }
            _ => {
                self.shown = None;
                Ok(Notice::EditedCardGone)
            }
        }
    }
}
