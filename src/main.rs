//! The `iskra` binary: parse arguments, run the command, render any error once.

use clap::Parser;

fn main() {
    // A shell asking for completions (`ISKRA_COMPLETE` set) is answered here.
    iskra::cmd::completions::complete_if_asked(<iskra::cli::Args as clap::CommandFactory>::command);
    let args = iskra::cli::Args::parse();
    let code = match iskra::cli::run(args) {
        Ok(code) => code,
        // The reader went away (`iskra deck show x | head`): nothing to report.
        Err(iskra::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(err) => {
            let shown = iskra::text::escape_control(&err.to_string());
            // Deck diagnostics carry their own `file:line:column: error:` prefix.
            if matches!(err, iskra::Error::Deck(_)) {
                eprintln!("{shown}");
            } else {
                eprintln!("error: {shown}");
            }
            err.exit_code()
        }
    };
    std::process::exit(code);
}
