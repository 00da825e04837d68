//! The one input loop: any session ([`Interactive`]) on any front end
//! ([`Frontend`]: the terminal, or the line protocol). The session says what
//! to show and what input it waits for; the front end draws it and turns a
//! key or a line into an action.

use chrono::{DateTime, TimeZone, Utc};

use crate::clock::Clock;
use crate::error::Result;
use crate::session::{Action, Expects, Interactive, View};

/// A way to show views and read the learner's actions.
pub trait Frontend {
    /// Draws a view; times in it are shown relative to the clock.
    fn draw<Tz: TimeZone>(&mut self, view: &View, clock: &Clock<Tz>) -> Result<()>;

    /// Reads the input the view expects and turns it into an action
    /// ([`Action::Quit`] when the input ends).
    fn read(&mut self, view: &View) -> Result<Action>;
}

/// Runs a session to its end on a front end: draw, read, act, until the
/// view expects nothing (its summary is drawn). `now` is the time each
/// action happens.
pub fn run<Tz: TimeZone>(
    session: &mut impl Interactive,
    frontend: &mut impl Frontend,
    clock: &Clock<Tz>,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    let mut view = session.begin(&clock.at(now()))?;
    loop {
        frontend.draw(&view, &clock.at(now()))?;
        match view.expects() {
            Expects::Nothing => return Ok(()),
            Expects::Next => {
                view = session.resume(&clock.at(now()))?;
                continue;
            }
            _ => {}
        }
        let action = frontend.read(&view)?;
        view = session.act(action, &clock.at(now()))?;
    }
}
