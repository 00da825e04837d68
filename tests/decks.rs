//! Decks and their files, with the real binary on temporary collections:
//! decks that cannot collide, `deck rename|delete|move`, `build` from
//! another folder, `decks-dir`, `--collection` with a missing folder, deck
//! names in every `--deck`, and `add` of a question the deck already asks.
//! The terminal parts (`edit`, prompts) are in `pty_decks.rs`.

mod common;

use std::path::{Path, PathBuf};

use common::{NOW, Scratch};

const KRONSTADT: &str = "# Kronstadt 1921\n## rising\nq: When did Kronstadt rise?\na: March 1921\n## demands\nq: What did the sailors demand?\na: Free soviets\n";
const OTHER: &str = "# My other deck\n## one\nq: One?\na: 1\n";

/// What one run did: exit code, stdout, stderr.
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `iskra ARGS` on the scratch collection with `dir` as the current folder.
fn run_in(s: &Scratch, dir: &Path, args: &[&str]) -> Out {
    let output = s
        .command(NOW)
        .current_dir(dir)
        .args(args)
        .write_stdin("")
        .output()
        .unwrap();
    Out {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[track_caller]
fn ok(out: Out) -> Out {
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    out
}

/// Writes `text` at `name` under the scratch folder, making its folders.
fn write(s: &Scratch, name: &str, text: &str) -> PathBuf {
    let path = s.path(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn canonical(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap().display().to_string()
}

/// (card id, deck key, reviews) of every card.
fn history(s: &Scratch) -> Vec<(i64, String, i64)> {
    s.db()
        .prepare(
            "SELECT c.id, d.key, (SELECT count(*) FROM review_log WHERE card_id = c.id)
             FROM cards c JOIN decks d ON d.id = c.deck_id ORDER BY c.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Builds `a/kronstadt.deck` from folder `a` and answers one of its cards.
fn kronstadt_with_history(s: &Scratch) -> PathBuf {
    let file = write(s, "a/kronstadt.deck", KRONSTADT);
    ok(run_in(s, &s.path("a"), &["build", "kronstadt.deck"]));
    s.run_at(NOW, &["review", "--deck", "kronstadt", "--limit", "1"], "3\n")
        .ok();
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 1);
    file
}

#[test]
fn a_second_file_of_the_same_name_is_refused_with_both_paths_and_nothing_changes() {
    let s = Scratch::new();
    let first = kronstadt_with_history(&s);
    let second = write(&s, "b/kronstadt.deck", OTHER);
    write(&s, "b/fresh.deck", "# Fresh\n## f\nq: f?\na: f\n");
    let before = s.dump();

    // Alone, and with a good file in the same build: refused, nothing written.
    for args in [&["build", "kronstadt.deck"][..], &["build", "."][..]] {
        let out = run_in(&s, &s.path("b"), args);
        assert_eq!(out.code, 1, "{args:?}: {}", out.stdout);
        assert!(out.stderr.contains(&canonical(&first)), "{}", out.stderr);
        assert!(out.stderr.contains(&canonical(&second)), "{}", out.stderr);
        assert!(
            out.stderr.contains("rename one of them, or iskra deck move kronstadt "),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
        assert_eq!(s.dump(), before, "{args:?}");
    }

    // The same file through `./`, a `..` or a symbolic link is the same deck.
    ok(run_in(&s, &s.path("b"), &["build", "../a/./kronstadt.deck"]));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(s.path("a"), s.path("link")).unwrap();
        let out = ok(run_in(&s, s.dir.path(), &["build", "link/kronstadt.deck"]));
        assert!(out.stdout.contains("0 added, 0 updated, 2 unchanged"), "{}", out.stdout);
    }
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 1);

    // Moved away, the recorded file is missing: still refused, with the hint.
    std::fs::rename(s.path("a"), s.path("gone")).unwrap();
    let out = run_in(&s, &s.path("b"), &["build", "kronstadt.deck"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("(not there any more)"), "{}", out.stderr);
}

#[test]
fn a_users_file_takes_over_a_bundled_deck_with_its_history() {
    let s = Scratch::new();
    s.run(&["status"]).ok(); // the bundled decks
    s.run_at(NOW, &["review", "--deck", "people", "--limit", "1"], "3\n")
        .ok();
    let before = history(&s);
    let bundled = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/decks/people.deck")).unwrap();
    write(&s, "mine/people.deck", &bundled);
    let out = ok(run_in(&s, &s.path("mine"), &["build", "people.deck"]));
    assert!(
        out.stdout
            .contains("is now built from your file instead of the copy bundled into iskra (bundled:people.deck)"),
        "{}",
        out.stdout
    );
    assert_eq!(history(&s), before);
    let source: String = s
        .db()
        .query_row("SELECT source_path FROM decks WHERE key = 'people'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(source, canonical(&s.path("mine/people.deck")));
}

#[test]
fn a_file_that_shares_no_fact_with_a_bundled_deck_of_its_name_is_refused() {
    // `people.deck` of Spanish words would retire all 32 facts of the
    // bundled People of Lenin's Moscow and answer to its name.
    let s = Scratch::new();
    s.run(&["status"]).ok(); // the bundled decks
    let facts = |s: &Scratch| -> i64 {
        s.db()
            .query_row(
                "SELECT count(*) FROM facts f JOIN decks d ON d.id = f.deck_id WHERE d.key = 'people' AND f.removed = 0",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = facts(&s);
    assert!(before > 0);
    write(
        &s,
        "mine/people.deck",
        "# People (Spanish)\n\n## la-gente\nq: people (es)?\na: la gente\n",
    );
    let out = run_in(&s, &s.path("mine"), &["build", "people.deck"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("people.deck:1:1: error: deck `people` is bundled with iskra (bundled:people.deck)")
            && out.stderr.contains("none of its facts")
            && out.stderr.contains("rename this file, or iskra deck move people"),
        "{}",
        out.stderr
    );
    assert_eq!(facts(&s), before, "nothing retired");
    let source: String = s
        .db()
        .query_row("SELECT source_path FROM decks WHERE key = 'people'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(source, "bundled:people.deck");
}

#[test]
fn deck_names_that_differ_only_in_case_are_refused() {
    // One build of both files, then each against a deck already stored.
    let s = Scratch::new();
    write(&s, "d/kron.deck", "# One\n## a\nq: one?\na: 1\n");
    write(&s, "d/Kron.deck", "# Two\n## a\nq: two?\na: 2\n");
    let out = run_in(&s, &s.path("d"), &["build", "kron.deck", "Kron.deck"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("Kron.deck:1:1: error: this file")
            && out
                .stderr
                .contains("would make deck `Kron`, and deck `kron` has that name up to case"),
        "{}",
        out.stderr
    );
    let decks = |s: &Scratch| -> i64 {
        s.db()
            .query_row("SELECT count(*) FROM decks", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(decks(&s), 0, "nothing written");

    ok(run_in(&s, &s.path("d"), &["build", "kron.deck"]));
    let out = run_in(&s, &s.path("d"), &["build", "Kron.deck"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("rename this file"), "{}", out.stderr);
    assert_eq!(decks(&s), 1);

    // Case in any script, in a build and in a rename.
    write(&s, "d/слова.deck", "# Words\n## a\nq: one?\na: 1\n");
    write(&s, "d/Слова.deck", "# Words too\n## a\nq: two?\na: 2\n");
    let out = run_in(&s, &s.path("d"), &["build", "слова.deck", "Слова.deck"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("deck `слова` has that name up to case"),
        "{}",
        out.stderr
    );
    assert_eq!(decks(&s), 1, "nothing written");
    ok(run_in(&s, &s.path("d"), &["build", "слова.deck"]));
    let out = run_in(&s, &s.path("d"), &["deck", "rename", "kron", "СЛОВА"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("already has a deck `слова`"), "{}", out.stderr);
    std::fs::remove_file(s.path("d/Слова.deck")).unwrap();
    assert_eq!(decks(&s), 2);

    // A collection that already holds such a pair (made before the rule)
    // builds both files, every time.
    write(&s, "d/other.deck", OTHER);
    ok(run_in(&s, &s.path("d"), &["build", "other.deck"]));
    std::fs::rename(s.path("d/other.deck"), s.path("d/Kron.deck")).unwrap();
    rusqlite::Connection::open(&s.db)
        .unwrap()
        .execute(
            "UPDATE decks SET key = 'Kron', source_path = ?1 WHERE key = 'other'",
            [canonical(&s.path("d/Kron.deck"))],
        )
        .unwrap();
    for _ in 0..4 {
        ok(run_in(&s, &s.path("d"), &["build", "kron.deck", "Kron.deck"]));
    }
}

#[test]
fn status_tells_decks_of_the_same_name_apart_by_their_keys() {
    let s = Scratch::new();
    write(&s, "d/russian.deck", "# Russian\n## a\nq: one?\na: 1\n");
    write(&s, "d/russian-2.deck", "# Russian\n## b\nq: two?\na: 2\n");
    write(&s, "d/other.deck", OTHER);
    ok(run_in(
        &s,
        &s.path("d"),
        &["build", "russian.deck", "russian-2.deck", "other.deck"],
    ));
    let status = ok(run_in(&s, &s.path("d"), &["status"])).stdout;
    assert!(
        status.contains("\nRussian (russian)  ") && status.contains("\nRussian (russian-2)  "),
        "{status}"
    );
    assert!(
        status.contains("\nMy other deck  "),
        "a name of its own is shown alone: {status}"
    );
}

#[test]
fn a_folder_with_decks_only_in_its_folders_says_which_to_name() {
    let s = Scratch::new();
    write(&s, "top/inner/x.deck", OTHER);
    let out = run_in(&s, &s.path("."), &["build", "top"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("top holds no .deck files.")
            && out.stderr.contains("name the folder, e.g. iskra build top/inner"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(s.path("top/inner/x.deck")).unwrap();
    let out = run_in(&s, &s.path("."), &["build", "top"]);
    assert!(out.stderr.contains("hint: deck files end in .deck"), "{}", out.stderr);
}

#[test]
fn build_elsewhere_rebuilds_recorded_decks_and_keeps_missing_ones() {
    let s = Scratch::new();
    write(&s, "a/kronstadt.deck", KRONSTADT);
    let other = write(&s, "b/other.deck", OTHER);
    s.build(&["a/kronstadt.deck", "b/other.deck"]);
    write(
        &s,
        "a/kronstadt.deck",
        &KRONSTADT.replace("Free soviets", "Soviets without parties"),
    );
    std::fs::remove_file(&other).unwrap();
    std::fs::create_dir(s.path("elsewhere")).unwrap();

    let out = ok(run_in(&s, &s.path("elsewhere"), &["build"]));
    assert!(out.stdout.contains("No decks/ folder here"), "{}", out.stdout);
    assert!(
        out.stdout.contains(&canonical(&s.path("a/kronstadt.deck"))),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Kronstadt 1921: 0 added, 1 updated, 1 unchanged, 0 removed"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains(&format!("Not found: deck `other` was built from {}", other.display())),
        "{}",
        out.stdout
    );
    assert_eq!(
        s.count("SELECT count(*) FROM facts WHERE removed = 1"),
        0,
        "a missing file retires nothing"
    );
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue = -1"), 0);
    let answer: String = s
        .db()
        .query_row("SELECT back FROM cards WHERE front LIKE 'What did%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(answer, "Soviets without parties");

    // A folder with decks/ still builds decks/ only.
    write(&s, "repo/decks/local.deck", "# Local\n## l\nq: l?\na: l\n");
    let out = ok(run_in(&s, &s.path("repo"), &["build"]));
    assert_eq!(out.stdout, "Local: 1 added, 0 updated, 0 unchanged, 0 removed\n");

    // Nothing recorded and no decks/: the error says what to do.
    let empty = Scratch::new();
    let out = run_in(&empty, empty.dir.path(), &["build"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("no deck of the collection was built from a file"),
        "{}",
        out.stderr
    );
}

#[test]
fn rename_delete_and_move_keep_or_take_the_history() {
    let s = Scratch::new();
    let file = kronstadt_with_history(&s);
    write(&s, "a/other.deck", OTHER);
    s.build(&["a/other.deck"]);
    let before = history(&s);

    // Unknown and taken names: exit 2, nothing changed.
    let dump = s.dump();
    for (args, says) in [
        (&["deck", "rename", "kron", "k"][..], "did you mean `kronstadt`"),
        (
            &["deck", "rename", "kronstadt", "other"][..],
            "already has a deck `other`",
        ),
        (&["deck", "rename", "kronstadt", "a/b"][..], "path separator"),
        (&["deck", "move", "nope", "a/other.deck"][..], "no deck named \"nope\""),
        (
            &["deck", "move", "kronstadt", "a/other.deck"][..],
            "already has a deck `other`",
        ),
        (&["deck", "move", "kronstadt", "a/missing.deck"][..], "is not a file"),
        (&["deck", "delete", "nope", "--yes"][..], "no deck named"),
    ] {
        let out = s.run(args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    assert_eq!(s.dump(), dump);
    assert!(file.is_file());

    // Rename: the file follows, the cards and their log stay.
    let out = s.run(&["deck", "rename", "kronstadt", "kronstadt-1921"]).ok();
    let renamed = s.path("a/kronstadt-1921.deck");
    assert!(out.stdout.contains(&canonical(&renamed)), "{}", out.stdout);
    assert!(!file.exists() && renamed.is_file());
    let renamed_history: Vec<_> = before
        .iter()
        .map(|(id, key, n)| {
            let key = if key == "kronstadt" { "kronstadt-1921" } else { key };
            (*id, key.to_string(), *n)
        })
        .collect();
    assert_eq!(history(&s), renamed_history);
    let out = s.build(&["a/kronstadt-1921.deck"]);
    assert!(
        out.stdout.contains("0 added, 0 updated, 2 unchanged, 0 removed"),
        "{}",
        out.stdout
    );

    // Move: a file of another name renames the deck; history kept.
    let moved = write(&s, "c/kronstadt-rising.deck", KRONSTADT);
    let out = s
        .run(&["deck", "move", "kronstadt-1921", "c/kronstadt-rising.deck"])
        .ok();
    assert!(
        out.stdout.contains("its key is now `kronstadt-rising`"),
        "{}",
        out.stdout
    );
    let moved_history: Vec<_> = renamed_history
        .iter()
        .map(|(id, key, n)| {
            let key = if key == "kronstadt-1921" {
                "kronstadt-rising"
            } else {
                key
            };
            (*id, key.to_string(), *n)
        })
        .collect();
    assert_eq!(history(&s), moved_history);
    let source: String = s
        .db()
        .query_row(
            "SELECT source_path FROM decks WHERE key = 'kronstadt-rising'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(source, canonical(&moved));

    // Delete: without a terminal it needs --yes; then a backup first.
    let dump = s.dump();
    let out = s.run(&["deck", "delete", "kronstadt-rising"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("pass --yes"), "{}", out.stderr);
    assert_eq!(s.dump(), dump);
    let out = s.run(&["deck", "delete", "kronstadt-rising", "--yes"]).ok();
    let backup = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Backed up the collection to "))
        .and_then(|l| l.strip_suffix('.'))
        .unwrap_or_else(|| panic!("no backup named in:\n{}", out.stdout));
    assert!(out.stdout.contains("2 facts, 2 cards, 1 review"), "{}", out.stdout);
    let kept = common::open_read_only(Path::new(backup));
    let reviews: i64 = kept
        .query_row("SELECT count(*) FROM review_log", [], |r| r.get(0))
        .unwrap();
    assert_eq!(reviews, 1, "the backup holds the history");
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 0);
    assert_eq!(
        history(&s),
        before
            .into_iter()
            .filter(|(_, key, _)| key == "other")
            .collect::<Vec<_>>()
    );
    assert!(moved.is_file(), "the deck's file is left alone");
}

#[test]
fn decks_dir_is_where_new_deck_files_go() {
    let s = Scratch::new();
    s.run(&["status"]).ok(); // the bundled decks
    let card_ids = history(&s);
    let out = s.run(&["config", "decks-dir", "my decks"]).ok();
    let dir = s.path("my decks");
    assert_eq!(out.stdout, format!("decks-dir = {}\n", dir.display()));
    let list = s.run(&["config"]).ok();
    assert!(
        list.stdout
            .lines()
            .any(|l| l.starts_with("decks-dir") && l.contains(&dir.display().to_string())),
        "{}",
        list.stdout
    );
    let help = s.run(&["config", "--help"]).ok();
    assert!(help.stdout.contains("decks-dir"), "{}", help.stdout);

    // add to a bundled deck writes the user's copy there, from any folder.
    std::fs::create_dir(s.path("elsewhere")).unwrap();
    let out = ok(run_in(
        &s,
        &s.path("elsewhere"),
        &[
            "add",
            "--deck",
            "people",
            "--question",
            "Who wrote the memoir?",
            "--answer",
            "Rosmer",
        ],
    ));
    let copy = dir.join("people.deck");
    assert!(
        out.stdout
            .contains(&format!("Wrote your copy of the bundled deck to {}", copy.display())),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("instead of the copy bundled into iskra"),
        "{}",
        out.stdout
    );
    let bundled = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/decks/people.deck")).unwrap();
    assert!(std::fs::read_to_string(&copy).unwrap().starts_with(&bundled));
    let after = history(&s);
    let kept: Vec<_> = after.iter().filter(|card| card_ids.contains(card)).cloned().collect();
    assert_eq!(kept, card_ids, "the bundled cards are the same cards");
    assert_eq!(after.len(), card_ids.len() + 1);

    // extract --non-interactive keeps its folder; a taken name is refused.
    write(
        &s,
        "notes.txt",
        "Lenin spoke to the Fourth Congress in November 1922 for the last time.\n",
    );
    let out = s.run(&["extract", "notes.txt", "--non-interactive", "--out", "x/people.deck"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("would be deck `people`"), "{}", out.stderr);
    assert!(!s.path("x").exists());
    write(&s, "far/notes.drafts.deck", "# Not mine\n## n\nq: n?\na: n\n");
    s.build(&["far/notes.drafts.deck"]);
    let out = s.run(&["extract", "notes.txt", "--non-interactive"]).ok();
    assert!(
        out.stdout.ends_with("written to notes.drafts-2.deck\n"),
        "{}",
        out.stdout
    );
    assert!(s.path("notes.drafts-2.deck").is_file());
}

#[test]
fn a_collection_path_in_a_missing_folder_is_refused() {
    let s = Scratch::new();
    let missing = s.path("no/such/c.sqlite3");
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_iskra"))
        .current_dir(s.dir.path())
        .env("ISKRA_NOW", NOW)
        .args(["--collection", missing.to_str().unwrap(), "status"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("the folder {} does not exist", s.path("no/such").display())),
        "{stderr}"
    );
    assert!(!s.path("no").exists(), "nothing was created");
}

#[test]
fn every_deck_option_takes_a_key_title_or_prefix() {
    let s = Scratch::new();
    s.write("hx.deck", "# Hint test\n## a\nq: hint?\na: h\n");
    s.write("russian.deck", "# Russian words\n## b\nq: word?\na: slovo\n");
    s.write("rules.deck", "# Rules of the road\n## c\nq: rule?\na: r\n");
    s.build(&["hx.deck", "russian.deck", "rules.deck"]);

    // Key, title, separator-folded title, prefix: the same deck everywhere.
    for name in ["hx", "Hint test", "hint-test", "HINT", "hin"] {
        let status: serde_json::Value =
            serde_json::from_str(&s.run(&["status", "--json", "--deck", name]).ok().stdout).unwrap();
        assert_eq!(status["decks"][0]["key"], "hx", "--deck {name}");
        let shown = s.run(&["deck", "show", name]).ok();
        assert!(shown.stdout.contains("Hint test"), "{name}: {}", shown.stdout);
        let review = s.run_at(NOW, &["review", "--deck", name], "q\n").ok();
        assert_eq!(review.questions(), ["hint?"], "--deck {name}");
        s.run(&["stats", "--deck", name]).ok();
        s.run(&["export", "log", "--deck", name]).ok();
    }
    s.run(&["add", "--deck", "rules of", "--question", "Stop?", "--answer", "red"])
        .ok();
    assert!(
        std::fs::read_to_string(s.path("rules.deck"))
            .unwrap()
            .contains("q: Stop?")
    );

    // Ambiguous: the candidates; unknown: the nearest; both exit 2.
    for command in [
        &["status", "--deck"][..],
        &["stats", "--deck"][..],
        &["deck", "show"][..],
    ] {
        let out = s.run(&[command, &["ru"]].concat());
        assert_eq!(out.code, 2, "{command:?}");
        assert!(
            out.stderr
                .contains("\"ru\" could be any of these decks: `rules` (Rules of the road), `russian` (Russian words)"),
            "{}",
            out.stderr
        );
        let out = s.run(&[command, &["hint-tset"]].concat());
        assert_eq!(out.code, 2);
        assert!(
            out.stderr.contains("did you mean `hx` (Hint test)?"),
            "{command:?}: {}",
            out.stderr
        );
    }
    let out = s.run(&["review", "--deck", "russain"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("did you mean `russian` (Russian words)?"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_setting_a_deck_overrides_is_said_when_changed_and_the_bundled_decks_follow_it() {
    let s = Scratch::new();
    write(&s, "d/mine.deck", "# Mine\nretention: 0.85\n## a\nq: a?\na: 1\n");
    ok(run_in(&s, &s.path("d"), &["status"]));
    ok(run_in(&s, &s.path("d"), &["build", "mine.deck"]));
    let set = ok(run_in(&s, &s.path("d"), &["config", "retention", "0.8"])).stdout;
    assert!(
        set.starts_with("retention = 0.80\nnote: 1 deck keeps its own retention, which this does not change: mine\n"),
        "{set}"
    );
    let quiet = ok(run_in(&s, &s.path("d"), &["config", "new-per-day", "5"])).stdout;
    assert_eq!(quiet, "new-per-day = 5\n", "no deck has its own");

    let card_of = |deck: &str| -> String {
        let id: i64 = s
            .db()
            .query_row(
                "SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1 ORDER BY c.id LIMIT 1",
                [deck],
                |r| r.get(0),
            )
            .unwrap();
        ok(run_in(&s, &s.path("d"), &["card", &id.to_string()])).stdout
    };
    let mine = card_of("mine");
    assert!(
        mine.contains("options   the deck's own retention, else the collection's · retention 0.85 · 5 new,"),
        "{mine}"
    );
    let bundled = card_of("people");
    assert!(
        bundled.contains("options   the collection's · retention 0.80 · 5 new,"),
        "a bundled deck pins no retention: {bundled}"
    );
}

/// The ids of deck `key`'s cards, in id order.
fn deck_cards(s: &Scratch, key: &str) -> Vec<String> {
    s.db()
        .prepare("SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1 ORDER BY c.id")
        .unwrap()
        .query_map([key], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|id| id.unwrap().to_string())
        .collect()
}

#[test]
fn undo_after_a_deck_delete_says_so_then_goes_on_to_the_older_changes() {
    let s = Scratch::new();
    kronstadt_with_history(&s);
    write(&s, "a/other.deck", OTHER);
    s.build(&["a/other.deck"]);
    s.run_at(NOW, &["review", "--deck", "other", "--limit", "1"], "3\n")
        .ok();
    let (kronstadt, other) = (deck_cards(&s, "kronstadt"), deck_cards(&s, "other"));
    let answered = |key: &str| -> String {
        s.db()
            .query_row(
                "SELECT l.card_id FROM review_log l JOIN cards c ON c.id = l.card_id JOIN decks d ON d.id = c.deck_id WHERE d.key = ?1",
                [key],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            .to_string()
    };
    let (answered, other_answered) = (answered("kronstadt"), answered("other"));
    assert_eq!(other, std::slice::from_ref(&other_answered));
    let at_first = cards(&s);
    // Three changes: one of the other deck's card, one of both decks'
    // cards, and a forget of both (with their log entries).
    s.run(&["flag", "1", &other[0]]).ok();
    let flagged_once = cards(&s);
    s.run(&["flag", "2", &other[0], &kronstadt[0], &kronstadt[1]]).ok();
    let flagged_twice = cards(&s);
    s.run(&["forget", &answered, &other[0]]).ok();
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 4);
    let out = s.run(&["deck", "delete", "kronstadt", "--yes"]).ok();
    let backup = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("Backed up the collection to "))
        .and_then(|l| l.strip_suffix('.'))
        .unwrap_or_else(|| panic!("no backup named in:\n{}", out.stdout))
        .to_string();
    let after_delete = cards(&s);
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 2);

    // Undo right after the delete takes nothing back: it names the delete,
    // the backup that has the deck, and what the next undo does.
    let dump = s.dump();
    let out = s.run(&["undo"]).fails();
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    for says in [
        "error: the last change was `deck delete kronstadt`, which `iskra undo` cannot take back; nothing was undone.",
        &format!("`iskra restore {backup}` puts the whole collection back"),
        "the next `iskra undo` takes back the change before it, `forget` of 1 card",
    ] {
        assert!(out.stderr.contains(says), "{says:?} in:\n{}", out.stderr);
    }
    assert_eq!(
        without_undo(&s.dump()),
        without_undo(&dump),
        "only the undo steps changed"
    );

    // Then the older changes, each without the deleted deck's cards.
    let out = s.run(&["undo"]).ok();
    assert_eq!(out.stdout, format!("undid `forget` of 1 card: {}\n", other[0]));
    assert_eq!(cards(&s), with_only(&flagged_twice, &after_delete));
    assert_eq!(s.count("SELECT count(*) FROM review_log"), 1);
    let out = s.run(&["undo"]).ok();
    assert_eq!(out.stdout, format!("undid `flag 2` of 1 card: {}\n", other[0]));
    assert_eq!(cards(&s), with_only(&flagged_once, &after_delete));
    let out = s.run(&["undo"]).ok();
    assert_eq!(out.stdout, format!("undid `flag 1` of 1 card: {}\n", other[0]));
    assert_eq!(cards(&s), with_only(&at_first, &after_delete));
    assert!(s.run(&["undo"]).fails().stderr.contains("nothing to undo"));
}

/// Every card's row, as text, by id.
fn cards(s: &Scratch) -> Vec<(i64, String)> {
    s.db()
        .prepare("SELECT * FROM cards ORDER BY id")
        .unwrap()
        .query_map([], |r| {
            let values: Vec<String> = (0..r.as_ref().column_count())
                .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            Ok((r.get(0)?, values.join(" | ")))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The rows of `all` whose card is still in `left`.
fn with_only(all: &[(i64, String)], left: &[(i64, String)]) -> Vec<(i64, String)> {
    all.iter()
        .filter(|row| left.iter().any(|l| l.0 == row.0))
        .cloned()
        .collect()
}

/// A dump without the `undo` table's rows.
fn without_undo(dump: &str) -> String {
    let mut keep = true;
    let mut out = String::new();
    for line in dump.lines() {
        if let Some(table) = line.strip_prefix("== ") {
            keep = table != "undo";
        }
        if keep {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[test]
fn an_undo_step_whose_cards_were_deleted_before_never_blocks_the_older_ones() {
    // A collection whose deck was deleted by an iskra that left the undo
    // steps as they were: the newest step names only cards that are gone.
    let s = Scratch::new();
    kronstadt_with_history(&s);
    write(&s, "a/other.deck", OTHER);
    s.build(&["a/other.deck"]);
    let (kronstadt, other) = (deck_cards(&s, "kronstadt"), deck_cards(&s, "other"));
    s.run(&["flag", "1", &other[0]]).ok();
    s.run(&["flag", "3", &kronstadt[0], &kronstadt[1]]).ok();
    let write = rusqlite::Connection::open(&s.db).unwrap();
    write
        .execute_batch(
            "DELETE FROM review_log WHERE card_id IN (SELECT c.id FROM cards c JOIN decks d ON d.id = c.deck_id WHERE d.key = 'kronstadt');
             DELETE FROM cards WHERE deck_id = (SELECT id FROM decks WHERE key = 'kronstadt');
             DELETE FROM facts WHERE deck_id = (SELECT id FROM decks WHERE key = 'kronstadt');
             DELETE FROM decks WHERE key = 'kronstadt';",
        )
        .unwrap();
    drop(write);
    let out = s.run(&["undo"]).fails();
    assert_eq!(out.code, 1);
    for says in [
        "cannot undo `flag 3` (2 cards): its cards were deleted since, with their deck; nothing was undone.",
        "the next `iskra undo` takes back the change before it, `flag 1` of 1 card",
    ] {
        assert!(out.stderr.contains(says), "{says:?} in:\n{}", out.stderr);
    }
    let out = s.run(&["undo"]).ok();
    assert_eq!(out.stdout, format!("undid `flag 1` of 1 card: {}\n", other[0]));
}

/// (card id, deck key, reps, reviews logged) of every card.
fn studied(s: &Scratch) -> Vec<(i64, String, i64, i64)> {
    s.db()
        .prepare(
            "SELECT c.id, d.key, c.reps, (SELECT count(*) FROM review_log WHERE card_id = c.id)
             FROM cards c JOIN decks d ON d.id = c.deck_id ORDER BY c.id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_deck_file_gone_from_the_folder_built_is_named_and_its_deck_kept() {
    let s = Scratch::new();
    write(&s, "decks/kronstadt.deck", KRONSTADT);
    let gone = write(&s, "decks/other.deck", OTHER);
    let elsewhere = write(&s, "notes/elsewhere.deck", "# Elsewhere\n## e\nq: e?\na: e\n");
    ok(run_in(&s, s.dir.path(), &["build"]));
    s.build(&["notes/elsewhere.deck"]);
    let recorded = canonical(&gone);
    std::fs::remove_file(&gone).unwrap();
    std::fs::remove_file(&elsewhere).unwrap();
    let before = s.dump();

    // The default folder and a folder named: the deck is named with what to do.
    for args in [&["build"][..], &["build", "decks"][..]] {
        let out = ok(run_in(&s, s.dir.path(), args));
        let said = format!(
            "Not found: deck `other` was built from {recorded}, which is not there any more; its facts are kept and its cards still come up for study.\n  hint: `iskra deck move other NEW_FILE` if the file was renamed or moved (its history kept), `iskra deck delete other` if it is gone for good\n"
        );
        assert!(out.stdout.contains(&said), "{args:?}:\n{}", out.stdout);
        assert!(
            out.stdout.contains("Kronstadt 1921: 0 added"),
            "the other files build: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("elsewhere"),
            "a deck of another folder is not this build's: {}",
            out.stdout
        );
        assert_eq!(s.dump(), before, "{args:?}: nothing retired, nothing deleted");
    }
    // One file named: the folder is not built, nothing said of it.
    let out = ok(run_in(&s, s.dir.path(), &["build", "decks/kronstadt.deck"]));
    assert!(!out.stdout.contains("Not found"), "{}", out.stdout);

    // The folder's last file gone too: both named, not "holds no .deck files".
    std::fs::remove_file(s.path("decks/kronstadt.deck")).unwrap();
    let out = ok(run_in(&s, s.dir.path(), &["build"]));
    assert_eq!(out.stdout.matches("Not found: deck `").count(), 2, "{}", out.stdout);
    assert!(out.stdout.contains("deck `kronstadt` was built from"), "{}", out.stdout);
    assert_eq!(s.dump(), before);
    assert_eq!(s.count("SELECT count(*) FROM cards WHERE queue = -1"), 0);
}

#[test]
fn a_renamed_deck_file_is_refused_with_the_deck_move_hint_and_moving_keeps_the_history() {
    let s = Scratch::new();
    let old = write(&s, "decks/hist.deck", KRONSTADT);
    write(&s, "decks/other.deck", OTHER);
    ok(run_in(&s, s.dir.path(), &["build"]));
    s.run_at(NOW, &["review", "--deck", "hist"], "3\n3\n").ok();
    let before = studied(&s);
    assert_eq!(before.iter().filter(|c| c.3 > 0).count(), 2, "{before:?}");
    let recorded = canonical(&old);

    // `mv decks/hist.deck decks/history.deck`, and a new file in the same build.
    let renamed = s.path("decks/history.deck");
    std::fs::rename(&old, &renamed).unwrap();
    write(&s, "decks/fresh.deck", "# Fresh\n## f\nq: f?\na: f\n");
    let dump = s.dump();
    let out = run_in(&s, s.dir.path(), &["build"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let stored = canonical(&renamed);
    let said = format!(
        "decks/history.deck:1:1: error: this file ({stored}) would make a new deck `history`, but its facts are those of deck `hist`, built from {recorded}, which is not there any more"
    );
    assert!(out.stderr.contains(&said), "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!(
            "hint: if this is that file renamed or moved, iskra deck move hist {stored} builds deck `hist` from it from now on (its history kept)"
        )),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("nothing was written"), "{}", out.stderr);
    assert_eq!(s.dump(), dump, "no second deck, nor any other change");

    // A few facts added on the way: still the same deck's file.
    let grown = format!("{KRONSTADT}## new-one\nq: New?\na: yes\n");
    std::fs::write(&renamed, &grown).unwrap();
    let out = run_in(&s, s.dir.path(), &["build", "decks/history.deck"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(
        out.stderr.contains("but 2 of its 3 facts are those of deck `hist`"),
        "{}",
        out.stderr
    );
    assert_eq!(s.dump(), dump);
    std::fs::write(&renamed, KRONSTADT).unwrap();

    // The hint's command, then the build: one deck, the same cards and history.
    let out = ok(run_in(&s, s.dir.path(), &["deck", "move", "hist", &stored]));
    assert!(out.stdout.contains("its key is now `history`"), "{}", out.stdout);
    let out = ok(run_in(&s, s.dir.path(), &["build"]));
    assert!(!out.stdout.contains("Not found"), "{}", out.stdout);
    assert!(out.stdout.contains("Fresh: 1 added"), "{}", out.stdout);
    let moved: Vec<_> = before
        .iter()
        .map(|(id, key, reps, logged)| {
            let key = if key == "hist" { "history" } else { key };
            (*id, key.to_string(), *reps, *logged)
        })
        .collect();
    let (fresh, after): (Vec<_>, Vec<_>) = studied(&s).into_iter().partition(|c| c.1 == "fresh");
    assert_eq!(after, moved);
    assert_eq!(fresh.len(), 1, "only Fresh's card is new: {fresh:?}");
}

#[test]
fn deck_move_onto_a_copy_an_older_build_made_says_to_delete_the_copy_first() {
    let s = Scratch::new();
    write(&s, "decks/hist.deck", KRONSTADT);
    ok(run_in(&s, s.dir.path(), &["build"]));
    s.run_at(NOW, &["review", "--deck", "hist"], "3\n").ok();
    // What an older iskra did with `mv hist.deck history.deck`: a second deck.
    std::fs::copy(s.path("decks/hist.deck"), s.path("decks/history.deck")).unwrap();
    ok(run_in(&s, s.dir.path(), &["build"]));
    std::fs::remove_file(s.path("decks/hist.deck")).unwrap();
    let before = studied(&s);
    let dump = s.dump();

    let out = run_in(&s, s.dir.path(), &["deck", "move", "hist", "decks/history.deck"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    let stored = canonical(&s.path("decks/history.deck"));
    assert!(
        out.stderr.contains(&format!(
            "{stored} was already built into a deck of its own, `history` (2 cards, none studied yet)"
        )),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: `iskra deck delete history` takes that copy out (it has no history), then `iskra deck move hist {stored}`"
        )),
        "{}",
        out.stderr
    );
    assert_eq!(s.dump(), dump);

    // Doing what it says keeps hist's cards and history.
    ok(run_in(&s, s.dir.path(), &["deck", "delete", "history", "--yes"]));
    ok(run_in(&s, s.dir.path(), &["deck", "move", "hist", &stored]));
    let kept: Vec<_> = before
        .iter()
        .filter(|c| c.1 == "hist")
        .map(|(id, _, reps, logged)| (*id, "history".to_string(), *reps, *logged))
        .collect();
    assert_eq!(studied(&s), kept);
    assert_eq!(kept.iter().map(|c| c.3).sum::<i64>(), 1);

    // The copy studied too: deleting either deck is said to lose its history.
    write(&s, "decks/copy.deck", KRONSTADT);
    ok(run_in(&s, s.dir.path(), &["build", "decks/copy.deck"]));
    s.run_at(NOW, &["review", "--deck", "copy"], "3\n").ok();
    let out = run_in(&s, s.dir.path(), &["deck", "move", "history", "decks/copy.deck"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("which has history too (1 review)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("keep one history"), "{}", out.stderr);
}

#[test]
fn a_retired_card_comes_back_suspended_if_it_was_suspended() {
    let s = Scratch::new();
    let deck = |reverse: bool, with_x: bool| {
        let cards = if reverse { "basic reverse" } else { "basic" };
        let x = if with_x { "## x\nq: x?\na: y\n" } else { "" };
        format!("# N\n## nep\nq: What does NEP stand for?\na: New Economic Policy\ncards: {cards}\n{x}")
    };
    let queues = |s: &Scratch| -> Vec<(String, String, i64)> {
        s.db()
            .prepare("SELECT f.key, c.template, c.queue FROM cards c JOIN facts f ON f.id = c.fact_id ORDER BY f.key, c.template")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    write(&s, "d/n.deck", &deck(true, true));
    ok(run_in(&s, &s.path("d"), &["build", "n.deck"]));
    let reverse: i64 = s
        .db()
        .query_row("SELECT id FROM cards WHERE template = 'reverse'", [], |r| r.get(0))
        .unwrap();
    ok(run_in(&s, &s.path("d"), &["suspend", &reverse.to_string()]));
    let before = queues(&s);
    assert!(before.contains(&("nep".into(), "reverse".into(), -1)), "{before:?}");

    // The reverse card leaves (retired), then its whole fact and x leave,
    // then all come back.
    for (reverse, with_x) in [(false, true), (false, false), (true, true)] {
        write(&s, "d/n.deck", &deck(reverse, with_x));
        ok(run_in(&s, &s.path("d"), &["build", "n.deck"]));
    }
    assert_eq!(
        queues(&s),
        before,
        "each card back in its queue, the suspended one suspended"
    );
    let info = ok(run_in(&s, &s.path("d"), &["card", &reverse.to_string()])).stdout;
    assert!(info.contains("suspended"), "{info}");
}
