//! `iskra add --deck NAME`: one q/a fact from the options, or without them
//! the interactive authoring loop ([`crate::ui::authoring`]). The fact is
//! appended to the deck's file and built ([`crate::deck::author`]). A
//! question the deck already asks is added only when the user says so (on
//! a terminal) or passes `--force`. Adding to a bundled deck writes the
//! user's copy of it first (asking on a terminal), which takes it over.

use std::io::Write;

use crate::deck::author::{DeckFile, decks_dir, id_source};
use crate::deck::write::clean_value;
use crate::deck::{Fact, FactBody, QaKind, check_fact_id};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::escape_control;
use crate::ui::authoring::{Prompter, TermPrompter, fact_loop};
use crate::ui::build_report::render_report;

use super::{bundled_if_empty, can_prompt, require_terminal};

/// `iskra add`: one q/a fact from the options, or interactively without them.
#[derive(Debug, Clone, clap::Args)]
#[command(after_help = r#"Examples:
  iskra add --deck mine --question "Who led the Kronstadt sailors?" --answer "Stepan Petrichenko"
  iskra add --deck mine --question "When was NEP announced?" --answer "March 1921" --tag nep
  iskra add --deck mine                   asks for facts of any kind, one by one"#)]
pub struct AddArgs {
    /// The deck to add to (its name or file name)
    #[arg(long, add = crate::cmd::completions::deck_names())]
    pub deck: String,
    /// The question of a new q/a fact (with --answer; without both, iskra asks interactively)
    #[arg(long)]
    pub question: Option<String>,
    /// The answer of the new fact
    #[arg(long)]
    pub answer: Option<String>,
    /// An accepted alternative answer (repeatable)
    #[arg(long = "alt", value_name = "TEXT")]
    pub alternatives: Vec<String>,
    /// A tag (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Where the fact comes from, e.g. seeds/FILE.md#N
    #[arg(long)]
    pub source: Option<String>,
    /// The fact's id [default: made from the question's words]
    #[arg(long)]
    pub id: Option<String>,
    /// Add the fact even if the deck already asks the same question
    #[arg(long)]
    pub force: bool,
}

impl AddArgs {
    /// True when any field was given, so no prompting is wanted.
    fn has_fields(&self) -> bool {
        self.question.is_some()
            || self.answer.is_some()
            || self.id.is_some()
            || self.source.is_some()
            || !self.alternatives.is_empty()
            || !self.tags.is_empty()
    }
}

/// Runs `iskra add`: non-interactive with fields, else the interactive loop.
pub fn run(store: &mut Store, args: AddArgs, out: &mut impl Write) -> Result<i32> {
    bundled_if_empty(store)?;
    let dir = decks_dir(&store.settings()?);
    let mut file = DeckFile::of_deck(store, &args.deck, &dir)?;
    if !args.has_fields() {
        require_terminal("add")?;
        let mut prompter = TermPrompter::new();
        if !file.is_written() && !prompter.confirm(&copy_question(&file), true)? {
            writeln!(out, "Nothing was written.").map_err(Error::stdout)?;
            return Ok(0);
        }
        let added = fact_loop(&mut prompter, store, &mut file)?;
        writeln!(
            out,
            "{} added to {}.",
            crate::text::plural(added as u64, "fact"),
            file.path.display()
        )
        .map_err(Error::stdout)?;
        return Ok(0);
    }
    let fact = fact_from_args(&args, &file)?;
    if let Some(existing) = file.same_as(&fact)
        && !args.force
    {
        let key = &file.deck().key;
        let same = format!(
            "deck `{key}` already asks \"{}\" (fact `{}`)",
            escape_control(id_source(&existing.body)),
            existing.id
        );
        if !can_prompt() {
            return Err(Error::Usage(format!(
                "{same}; nothing was added.\n  hint: pass --force to add it anyway, or change that fact: `iskra edit {key}/{}`",
                existing.id
            )));
        }
        if !TermPrompter::new().confirm(&format!("{same}. Add this one too?"), false)? {
            writeln!(out, "Nothing was added.").map_err(Error::stdout)?;
            return Ok(0);
        }
    }
    if !file.is_written() && can_prompt() && !TermPrompter::new().confirm(&copy_question(&file), true)? {
        writeln!(out, "Nothing was written.").map_err(Error::stdout)?;
        return Ok(0);
    }
    let copied = !file.is_written();
    let report = file.append(store, std::slice::from_ref(&fact))?;
    if copied {
        writeln!(out, "Wrote your copy of the bundled deck to {}.", file.path.display()).map_err(Error::stdout)?;
    }
    let templates: Vec<String> = fact.cards().into_iter().map(|c| c.template).collect();
    writeln!(
        out,
        "Added `{}` to {} ({} card{}: {}).\n{}",
        fact.id,
        file.path.display(),
        templates.len(),
        if templates.len() == 1 { "" } else { "s" },
        templates.join(", "),
        render_report(&report)
    )
    .map_err(Error::stdout)?;
    Ok(0)
}

/// Asks before a bundled deck's copy is written.
fn copy_question(file: &DeckFile) -> String {
    format!(
        "`{}` is bundled into iskra and has no file of yours. Write your copy to {} (it becomes the deck's file; history kept)?",
        file.deck().key,
        file.path.display()
    )
}

/// The q/a fact the options of `iskra add` describe.
fn fact_from_args(args: &AddArgs, file: &DeckFile) -> Result<Fact> {
    let field = |value: &Option<String>, option: &str| match value.as_deref().map(clean_value) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::Usage(format!(
            "`{option}` is missing or empty.\n  hint: give both --question and --answer, or neither to be asked interactively"
        ))),
    };
    let question = field(&args.question, "--question")?;
    let answer = field(&args.answer, "--answer")?;
    let id = match &args.id {
        Some(id) => {
            check_fact_id(id).map_err(|p| Error::Usage(format!("--id {id:?}: {}.\n  hint: {}", p.message, p.hint)))?;
            if let Some(why) = file.id_taken(id) {
                return Err(Error::Usage(format!(
                    "--id {id:?}: {why} ({}).\n  hint: history follows a fact's id: pick another, or leave --id out to have one made from the question",
                    crate::error::shown(&file.path)
                )));
            }
            id.clone()
        }
        None => file.suggest_id(&question),
    };
    Ok(Fact {
        id,
        body: FactBody::Qa {
            question,
            answer,
            kinds: vec![QaKind::Basic],
        },
        alternatives: args
            .alternatives
            .iter()
            .map(|a| clean_value(a))
            .filter(|a| !a.is_empty())
            .collect(),
        hint: None,
        extra: None,
        tags: args
            .tags
            .iter()
            .flat_map(|t| t.split_whitespace())
            .map(str::to_string)
            .collect(),
        source: args.source.as_deref().map(clean_value).filter(|s| !s.is_empty()),
    })
}
