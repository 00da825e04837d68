//! The terminal's state, kept in one place for every interactive command
//! (review, quiz, `review --mode`, `deck new`, `add`, `extract`): while a
//! [`TerminalGuard`] lives, Ctrl-C interrupts the key being read instead of
//! killing the process, and however the command ends (`q`, Ctrl-C, an
//! error, a panic) the cursor is shown again and the terminal's mode (echo,
//! line editing) is put back as it was.

use std::sync::{Mutex, Once};

use console::Term;

use crate::error::Error;

/// While alive, Ctrl-C does not kill the process: the terminal library
/// turns the key into SIGINT, which then only interrupts the key being read,
/// so the session ends as with `q` (summary printed, cursor shown). The
/// previous handler is put back on drop.
pub struct CtrlCEndsSession {
    #[cfg(unix)]
    previous: libc::sigaction,
}

#[cfg(unix)]
extern "C" fn ignore_sigint(_: libc::c_int) {}

impl CtrlCEndsSession {
    pub fn install() -> CtrlCEndsSession {
        #[cfg(unix)]
        {
            // SAFETY: sigaction with a handler that does nothing (async-signal-safe);
            // no SA_RESTART, so a blocked read returns EINTR.
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = ignore_sigint as *const () as libc::sighandler_t;
                libc::sigemptyset(&mut action.sa_mask);
                let mut previous: libc::sigaction = std::mem::zeroed();
                libc::sigaction(libc::SIGINT, &action, &mut previous);
                CtrlCEndsSession { previous }
            }
        }
        #[cfg(not(unix))]
        CtrlCEndsSession {}
    }
}

impl Drop for CtrlCEndsSession {
    fn drop(&mut self) {
        #[cfg(unix)]
        // SAFETY: restores the handler saved by `install`.
        unsafe {
            libc::sigaction(libc::SIGINT, &self.previous, std::ptr::null_mut());
        }
    }
}

/// The mode of the terminal on stdin when the guard was installed.
#[cfg(unix)]
static SAVED_MODE: Mutex<Option<libc::termios>> = Mutex::new(None);

#[cfg(unix)]
fn save_mode() {
    // SAFETY: tcgetattr fills the zeroed struct for a terminal; isatty first.
    unsafe {
        if libc::isatty(libc::STDIN_FILENO) == 1 {
            let mut mode: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut mode) == 0
                && let Ok(mut saved) = SAVED_MODE.lock()
            {
                *saved = Some(mode);
            }
        }
    }
}

/// Shows the cursor on whichever of stdout and stderr is a terminal, and
/// puts the saved mode back. Called on the guard's drop and on a panic.
fn restore() {
    let _ = Term::stdout().show_cursor();
    let _ = Term::stderr().show_cursor();
    #[cfg(unix)]
    if let Ok(saved) = SAVED_MODE.lock()
        && let Some(mode) = saved.as_ref()
    {
        // SAFETY: sets the terminal's mode to one read from it by tcgetattr.
        unsafe {
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, mode);
        }
    }
}

/// Ctrl-C handling and the terminal's restoration for one interactive command.
pub struct TerminalGuard {
    _ctrl_c: CtrlCEndsSession,
}

impl TerminalGuard {
    pub fn install() -> TerminalGuard {
        static PANIC_HOOK: Once = Once::new();
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                restore();
                previous(info);
            }));
        });
        #[cfg(unix)]
        save_mode();
        TerminalGuard {
            _ctrl_c: CtrlCEndsSession::install(),
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// True when a prompt's read was interrupted by Ctrl-C.
pub fn interrupted(err: &dialoguer::Error) -> bool {
    let dialoguer::Error::IO(source) = err;
    source.kind() == std::io::ErrorKind::Interrupted
}

/// A prompt that failed: Ctrl-C is [`Error::Interrupted`] (the command stops,
/// keeping what was confirmed), anything else a terminal error.
pub fn prompt_error(err: dialoguer::Error) -> Error {
    if interrupted(&err) {
        return Error::Interrupted;
    }
    let dialoguer::Error::IO(source) = err;
    Error::terminal(source)
}
