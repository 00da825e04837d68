//! The `iskra` binary: parse arguments, run the command, render any error once.

use clap::Parser;

fn main() {
    let args = iskra::cli::Args::parse();
    let code = match iskra::cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", iskra::ui::escape_control(&err.to_string()));
            match err {
                iskra::Error::Usage(_) | iskra::Error::UnknownDeck(_) => 2,
                _ => 1,
            }
        }
    };
    std::process::exit(code);
}
